// Regressions found by probing the hardened surfaces from outside (h/probe).
// Each test drives real loopback servers; each fails on the code as probed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { AsposeClient, TokenService, type AsposeError } from 'aspose-cloud-auth';

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

describe('server text in error messages is redacted', () => {
  it('a token endpoint redirecting to a host named after the client secret does not put it in the error or the log', async () => {
    const secret = '0123456789abcdef0123456789ABCDEF';
    const base = await listen((req, res) => {
      req.resume();
      res.writeHead(302, { location: `https://${secret}.evil.example/steal` });
      res.end();
    });
    const logs: string[] = [];
    const tokens = track(new TokenService({ clientId: 'my-client-id', clientSecret: secret, baseUrl: base, logger: { error: (m) => logs.push(m) } }));
    const err = (await tokens.getToken().catch((e: unknown) => e)) as AsposeError;
    expect(err.code).toBe('ERR_ASPOSE_AUTH_REFUSED');
    const printed = [err.message, err.stack, JSON.stringify(err), inspect(err, { depth: 10 }), ...logs].join('\n').toLowerCase();
    expect(printed).not.toContain(secret.toLowerCase());
  });

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

describe('a Retry-After holds back token requests whatever the status', () => {
  it('a refusal (400) with Retry-After: 900 holds the pair back for 900 s, not just the refusal backoff', async () => {
    let requests = 0;
    const base = await listen((req, res) => {
      requests++;
      req.resume();
      res.writeHead(400, { 'retry-after': '900', 'content-type': 'application/json' });
      res.end('{"error":"invalid_client"}');
    });
    const tokens = track(new TokenService({ clientId: 'id', clientSecret: 'secretsecretsecret', baseUrl: base }));
    const sentBefore = Date.now();
    const err = (await tokens.getToken().catch((e: unknown) => e)) as AsposeError & { retryAt?: number };
    expect(requests).toBe(1);
    expect(err.code).toBe('ERR_ASPOSE_AUTH_REFUSED');
    expect(err.retryAt).toBeGreaterThanOrEqual(sentBefore + 900_000);
  });
});
