// Request headers written by other code in front of the proxy (APM agents,
// timing and request-id middlewares write `req.headers` directly, with
// numbers, arrays or worse), and the catch-all that keeps handle() from ever
// rejecting: before, a number in `req.headers` made handle() reject, which
// Express (`void proxy.handle(…)`) turned into an unhandled rejection that
// ends the process, and Koa into a 500 of its own.
//
// jest runs tests in a sandbox whose `process.on('unhandledRejection')` never
// hears of a rejection, but it fails the running test when one happens; the
// direct handle() tests below also check the promise itself.
import type { IncomingMessage } from 'node:http';
import { inspect } from 'node:util';
import { AsposeClient, AsposeError, AsposeProxyInternalError } from 'aspose-cloud-auth';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { createAsposeProxy } from '../../src/proxy/aspose-proxy';
import { FRAMEWORKS } from '../support/frameworks';
import { listen, type Handler, type Listening } from '../support/http';
import { send, startProxyApp, startProxyStack, type ProxyApp, type ProxyStack } from './fixture-apps';

/** What a middleware in front of the proxy wrote into `req.headers`, for this request (by its `x-case` header). */
type HeaderWrite = (headers: Record<string, unknown>) => void;

const writes: Record<string, HeaderWrite> = {
  'a number': (h) => {
    h['x-request-start'] = 1_700_000_000_123;
  },
  'an array of strings and numbers': (h) => {
    h['x-trace'] = ['a', 7, 'b'];
  },
  'a number for Content-Length on a bodiless GET': (h) => {
    h['content-length'] = 0;
  },
  'null (no header)': (h) => {
    h['x-gone'] = null;
  },
  'an empty array (no header)': (h) => {
    h['x-gone'] = [];
  },
  'a number for Connection': (h) => {
    h.connection = 1;
  },
  'an object in a header that is dropped anyway': (h) => {
    h.cookie = { session: 'abc' };
  },
};

const refused: Record<string, HeaderWrite> = {
  'an object with a toString': (h) => {
    h['x-user-id'] = { toString: () => 'alice' };
  },
  'a boolean': (h) => {
    h['x-sampled'] = true;
  },
  'an array holding an object': (h) => {
    h['x-trace'] = ['a', {}];
  },
  'a bigint': (h) => {
    h['x-big'] = 10n;
  },
  'a string with CR LF': (h) => {
    h['x-injected'] = 'a\r\nx-evil: 1';
  },
  'an object for Connection': (h) => {
    h.connection = {};
  },
  'a number for Transfer-Encoding': (h) => {
    h['transfer-encoding'] = 5;
  },
  'an object for Transfer-Encoding': (h) => {
    h['transfer-encoding'] = { toString: () => 'chunked' };
  },
  'an array for Content-Length': (h) => {
    h['content-length'] = ['0', '0'];
  },
};

const all: Record<string, HeaderWrite> = { ...writes, ...refused };

function writeHeaders(req: IncomingMessage): void {
  const which = req.headers['x-case'];
  if (typeof which === 'string') all[which]?.(req.headers);
}

describe.each(FRAMEWORKS)('asposeProxy on %s, behind a middleware that writes req.headers', (framework) => {
  let standIn: AsposeStandIn;
  let app: ProxyApp;
  let stack: ProxyStack;
  const errors: AsposeError[] = [];

  beforeAll(async () => {
    ({ standIn, app } = stack = await startProxyStack(framework, { allow: ['* /v9.9/echo'], beforeProxy: writeHeaders, onError: (e) => errors.push(e) }));
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    errors.length = 0;
  });

  it('forwards a number as its text (Date.now() from a timing middleware)', async () => {
    const res = await send(app.port, '/aspose/v9.9/echo', { headers: { 'x-case': 'a number' } });
    expect(res.status).toBe(200);
    expect(res.json().headers['x-request-start']).toBe('1700000000123');
  });

  it('forwards an array of strings and numbers as one header per element', async () => {
    const res = await send(app.port, '/aspose/v9.9/echo', { headers: { 'x-case': 'an array of strings and numbers' } });
    expect(res.status).toBe(200);
    // node:http joins repeated headers with ", " on the stand-in's side.
    expect(res.json().headers['x-trace']).toBe('a, 7, b');
  });

  it.each([
    'a number for Content-Length on a bodiless GET',
    'null (no header)',
    'an empty array (no header)',
    'a number for Connection',
    'an object in a header that is dropped anyway',
  ])('answers with %s', async (which) => {
    const res = await send(app.port, '/aspose/v9.9/echo', { headers: { 'x-case': which } });
    expect([which, res.status]).toEqual([which, 200]);
    expect(res.json().headers['x-gone']).toBeUndefined();
    expect(res.json().headers.cookie).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it.each(Object.keys(refused))('refuses %s with 400 ERR_ASPOSE_PROXY_BAD_HEADER and sends nothing upstream', async (which) => {
    const api = standIn.apiRequests;
    const res = await send(app.port, '/aspose/v9.9/echo', { headers: { 'x-case': which } });
    expect([which, res.status, res.json().error.code]).toEqual([which, 400, 'ERR_ASPOSE_PROXY_BAD_HEADER']);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(standIn.apiRequests).toBe(api);
    expect(errors).toEqual([]);
  });

  it('names the header and says what is wrong with it', async () => {
    const res = await send(app.port, '/aspose/v9.9/echo', { headers: { 'x-case': 'a boolean' } });
    expect(res.json().error.message).toBe(
      'The request header x-sampled is not a string, a number or an array of them (set by a middleware in front of the proxy?)',
    );
  });
});

describe.each(FRAMEWORKS)('asposeProxy on %s, when something inside it throws', (framework) => {
  let standIn: AsposeStandIn;
  let client: AsposeClient;
  let app: ProxyApp;
  let token: string;
  const errors: AsposeError[] = [];

  beforeAll(async () => {
    standIn = await startAsposeStandIn({ unknownRoutes: 'echo', documents: 'any' });
    client = new AsposeClient({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url });
    token = (await client.tokens.getToken()).value;
    app = await startProxyApp(framework, client, {
      allow: ['* /v9.9/echo'],
      onError: (e) => errors.push(e),
      // A header whose getter throws, with the server's token in the error: what a broken
      // instrumentation wrapper could do. Nothing in the proxy expects it.
      beforeProxy: (req) => {
        if (req.headers['x-case'] !== 'throwing getter') return;
        Object.defineProperty(req.headers, 'x-instrumented', {
          enumerable: true,
          get() {
            const err = new Error(`instrumentation failed for Bearer ${token}`) as Error & { code: string; headers: unknown };
            err.code = `E_${token}`;
            err.headers = { authorization: `Bearer ${token}` };
            throw err;
          },
        });
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await client.close();
    await standIn.close();
  });

  it('answers 500 ERR_ASPOSE_PROXY_INTERNAL as JSON, and reports the failure to onError without the token', async () => {
    const api = standIn.apiRequests;
    const res = await send(app.port, '/aspose/v9.9/echo?a=1', { headers: { 'x-case': 'throwing getter' } });
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json().error.code).toBe('ERR_ASPOSE_PROXY_INTERNAL');
    expect(res.text).not.toContain('instrumentation');
    expect(standIn.apiRequests).toBe(api);

    expect(errors).toHaveLength(1);
    const reported = errors[0];
    expect(reported).toBeInstanceOf(AsposeError);
    expect(reported).toBeInstanceOf(AsposeProxyInternalError);
    expect(reported.code).toBe('ERR_ASPOSE_PROXY_INTERNAL');
    expect(reported.message).toContain('GET /v9.9/echo');
    expect(reported.message).toContain('ERR_ASPOSE_PROXY_INTERNAL');
    expect(reported.message).toContain('instrumentation failed for Bearer [redacted]');
    const cause = reported.cause as Error & { code?: string };
    expect(cause.stack).toContain('instrumentation failed');
    const printed = [reported.message, reported.stack, JSON.stringify(reported), inspect(reported, { depth: 10, showHidden: true }), cause.code].join('\n');
    expect(printed).not.toContain(token);
    expect(printed).not.toContain(standIn.clientSecret);
  });

  it('keeps serving afterwards', async () => {
    const res = await send(app.port, '/aspose/v9.9/echo');
    expect(res.status).toBe(200);
  });
});

describe('createAsposeProxy().handle() never rejects', () => {
  const servers: Listening[] = [];
  let client: AsposeClient;

  /** Starts `handler` on loopback, closed after the suite; returns its URL. */
  async function start(handler: Handler): Promise<string> {
    const server = await listen(handler);
    servers.push(server);
    return server.url;
  }

  beforeAll(async () => {
    const upstream = await start((req, res) => res.end('{}'));
    client = new AsposeClient({ auth: 'static', accessToken: 'abcd', baseUrl: upstream });
  });
  afterAll(async () => {
    await client.close();
    for (const s of servers) await s.close();
  });

  /** Serves `handle()` behind `before`, and returns how each call's promise settled and what the caller got. */
  async function outcomeOf(
    before: (req: IncomingMessage) => void,
    proxyClient: unknown = client,
  ): Promise<{ outcomes: string[]; status: number; code?: string }> {
    const proxy = createAsposeProxy({ allow: ['GET /v4.0/words/'] });
    const outcomes: string[] = [];
    const app = await start((req, res) => {
      before(req);
      proxy.handle(req, res, req.url!, proxyClient as AsposeClient).then(
        () => outcomes.push('resolved'),
        (err: Error) => {
          outcomes.push(`rejected: ${err.message}`);
          res.destroy();
        },
      );
    });
    const res = await fetch(`${app}/v4.0/words/a.docx`);
    const text = await res.text();
    return { outcomes, status: res.status, code: res.status === 200 ? undefined : JSON.parse(text).error.code };
  }

  it('when a middleware in front set a request header to a number', async () => {
    // What an APM or timing middleware may do (Express passes req on as it is).
    const got = await outcomeOf((req) => {
      (req.headers as Record<string, unknown>)['x-request-start'] = Date.now();
    });
    expect(got).toEqual({ outcomes: ['resolved'], status: 200, code: undefined });
  });

  it('when a middleware in front set Transfer-Encoding to an object', async () => {
    const got = await outcomeOf((req) => {
      (req.headers as Record<string, unknown>)['transfer-encoding'] = { toString: () => 'chunked' };
    });
    expect(got).toEqual({ outcomes: ['resolved'], status: 400, code: 'ERR_ASPOSE_PROXY_BAD_HEADER' });
  });

  it('when the request method is not a string', async () => {
    const got = await outcomeOf((req) => {
      (req as { method: unknown }).method = 7;
    });
    expect(got).toEqual({ outcomes: ['resolved'], status: 500, code: 'ERR_ASPOSE_PROXY_INTERNAL' });
  });

  it('when the client is something else than an AsposeClient', async () => {
    const got = await outcomeOf(() => {}, { baseUrl: 42 });
    expect(got).toEqual({ outcomes: ['resolved'], status: 500, code: 'ERR_ASPOSE_CONFIG' });
  });
});
