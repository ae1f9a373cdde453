// Regressions found by probing the hardened surfaces from outside (h/probe).
// Each test drives real loopback servers; each fails on the code as probed.
// The token service's (a redirect host named after the secret, a refusal's Retry-After)
// moved to test/core/token-redirects.test.ts and test/core/token-lockout.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { AsposeClient, type AsposeError } from 'aspose-cloud-auth';
import { createAsposeProxy } from '../../src/proxy/proxy-core';

const servers: Server[] = [];
const closers: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function track<T extends { close(): Promise<unknown> }>(thing: T): T {
  closers.push(() => thing.close());
  return thing;
}

describe('timeouts beyond setTimeout’s range (2^31 - 1 ms) never fire early', () => {
  // Node's setTimeout runs a delay above 2^31 - 1 ms after 1 ms (TimeoutOverflowWarning).
  const HUGE = 2 ** 31;
  let base: string;
  beforeEach(async () => {
    base = await listen((req, res) => setTimeout(() => res.end('ok'), 100));
  });

  it('request({ timeoutMs }) does not time out a 100 ms answer', async () => {
    const client = track(new AsposeClient({ auth: 'static', accessToken: 'abcd', baseUrl: base }));
    const outcome = await client.request({ path: '/slow', timeoutMs: HUGE }).then(
      async (res) => res.body.text(),
      (err: AsposeError) => err.code,
    );
    // Either honoured (clamped) or refused as an invalid argument; never a timeout after 1 ms.
    expect(['ok', 'ERR_ASPOSE_INVALID_ARGUMENT']).toContain(outcome);
  });

  it('close({ timeoutMs }) lets a 100 ms request finish', async () => {
    const client = new AsposeClient({ auth: 'static', accessToken: 'abcd', baseUrl: base });
    const pending = client.request({ path: '/slow' }).then(
      async (res) => res.body.text(),
      (err: AsposeError) => err.code,
    );
    await new Promise((r) => setTimeout(r, 20));
    const closing = client.close({ timeoutMs: HUGE }).then(
      () => 'closed',
      (err: AsposeError) => err.code,
    );
    const [request, close] = await Promise.all([pending, closing]);
    if (close === 'ERR_ASPOSE_INVALID_ARGUMENT') await client.close();
    else expect(request).toBe('ok');
  });
});

describe('asposeProxy handle() never rejects', () => {
  it('answers when a middleware in front set a request header to a non-string', async () => {
    const upstream = await listen((req, res) => res.end('{}'));
    const client = track(new AsposeClient({ auth: 'static', accessToken: 'abcd', baseUrl: upstream }));
    const proxy = createAsposeProxy({ client, allow: ['GET /v4.0/words/'] });
    const outcomes: string[] = [];
    const app = await listen((req, res) => {
      // What an APM or timing middleware may do (Express passes req on as it is).
      (req.headers as Record<string, unknown>)['x-request-start'] = Date.now();
      proxy.handle(req, res, req.url!, client).then(
        () => outcomes.push('resolved'),
        (err: Error) => {
          outcomes.push(`rejected: ${err.message}`);
          res.destroy();
        },
      );
    });
    const res = await fetch(`${app}/v4.0/words/a.docx`).catch((err: Error) => err);
    expect(outcomes).toEqual(['resolved']);
    expect(res).toHaveProperty('status');
  });
});

describe('server text in error messages is redacted', () => {
  it('an API answer whose Content-Type echoes the token does not put the token in ERR_ASPOSE_API_INVALID_RESPONSE', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9iZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
    const base = await listen((req, res) => {
      res.writeHead(200, { 'content-type': `text/plain; debug="${req.headers.authorization}"` });
      res.end('not json');
    });
    const client = track(new AsposeClient({ auth: 'static', accessToken: token, baseUrl: base }));
    const err = (await client.get('/v4.0/words/x').catch((e: unknown) => e)) as AsposeError;
    expect(err.code).toBe('ERR_ASPOSE_API_INVALID_RESPONSE');
    expect([err.message, err.stack, inspect(err, { depth: 10 })].join('\n')).not.toContain(token);
  });
});
