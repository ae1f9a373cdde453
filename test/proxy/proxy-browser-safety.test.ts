// The proxy's browser-facing defences and hooks (issue 12): CSRF, CORS, per-user limits, beforeForward, the
// onForward report and its diagnostics channel, header hooks, delegateErrors and the body-parser mistake, held by
// real Express 5 and Koa 3 apps (with the real `cors` and `@koa/cors` in front where CORS is at stake) in front of
// the local Aspose stand-in, driven over HTTP on loopback.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import {
  AsposeClient,
  AsposeConfigError,
  AsposeProxyBodyConsumedError,
  AsposeProxyCsrfError,
  AsposeProxyError,
  AsposeProxyInternalError,
  AsposeProxyRefusedError,
  AsposeProxyUpstreamError,
  AsposeTimeoutError,
  type AsposeError,
} from 'aspose-cloud-auth';
import { PROXY_CHANNEL_NAME, type AsposeProxyEvent } from 'aspose-cloud-auth/express';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';
import { createAsposeProxy } from '../../src/proxy/aspose-proxy';
import { SDK_PLACEHOLDER_TOKEN } from '../../src/proxy/sdk-token';
import { FRAMEWORKS, type Framework } from '../support/frameworks';
import { sleep } from '../support/polling';
import { CSRF, send, startProxyApp, startProxyStack, type FixtureOptions, type HandledError, type ProxyApp, type ProxyStack } from './fixture-apps';

const ALLOW = ['GET /v4.0/words/', 'POST /v4.0/barcode/generate', '* /v9.9/echo', '* /__stand-in/'];
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The CORS middleware each mounting's fixture puts in front of the proxy. */
const CORS_PACKAGE: Record<Framework, string> = { express: 'cors', koa: '@koa/cors', fastify: '@fastify/cors', 'express-fast': 'cors, before the listener' };

describe.each(FRAMEWORKS)('asposeProxy browser safety on %s', (framework) => {
  let standIn: AsposeStandIn;
  let client: AsposeClient;
  let app: ProxyApp;
  let stack: ProxyStack;
  const errors: AsposeError[] = [];

  beforeAll(async () => {
    // Not warmed: a refused request must not make the proxy fetch a token either.
    ({ standIn, client, app } = stack = await startProxyStack(framework, { allow: ALLOW, onError: (e) => errors.push(e) }));
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    errors.length = 0;
  });

  /** Runs `fn` against a second app on the same client, with these options, and closes it. */
  async function withApp<T>(options: FixtureOptions, fn: (other: ProxyApp) => Promise<T>): Promise<T> {
    const other = await startProxyApp(framework, client, options);
    try {
      return await fn(other);
    } finally {
      await other.close();
    }
  }

  describe('CSRF', () => {
    it('refuses a cross-site form POST (no custom header) with 403, before any token or upstream request', async () => {
      const res = await send(app.port, '/aspose/v4.0/barcode/generate', { method: 'POST', headers: FORM, body: 'data=42', csrf: false });
      expect(res.status).toBe(403);
      expect(res.json().error).toEqual({ code: 'ERR_ASPOSE_PROXY_CSRF', message: expect.stringContaining('x-requested-with') });
      expect([standIn.tokenRequests, standIn.apiRequests]).toEqual([0, 0]);
    });

    it.each(['PUT', 'PATCH', 'DELETE'])('refuses %s without the header too', async (method) => {
      const res = await send(app.port, '/aspose/v9.9/echo', { method, body: 'x', csrf: false });
      expect([res.status, res.json().error.code]).toEqual([403, 'ERR_ASPOSE_PROXY_CSRF']);
      expect(standIn.apiRequests).toBe(0);
    });

    it('refuses an empty header value', async () => {
      const res = await send(app.port, '/aspose/v9.9/echo', { method: 'POST', body: 'x', csrf: false, headers: { 'x-requested-with': '' } });
      expect([res.status, res.json().error.code]).toEqual([403, 'ERR_ASPOSE_PROXY_CSRF']);
    });

    it('forwards a state-changing request that carries the header (any value), without forwarding the header', async () => {
      const res = await send(app.port, '/aspose/v9.9/echo', { method: 'POST', body: 'x', csrf: false, headers: { 'X-Requested-With': 'XMLHttpRequest' } });
      expect(res.status).toBe(200);
      expect(res.json().method).toBe('POST');
      expect(res.json().headers).not.toHaveProperty('x-requested-with');
    });

    it('needs no header on GET, HEAD and a plain OPTIONS', async () => {
      for (const method of ['GET', 'HEAD', 'OPTIONS']) {
        const res = await send(app.port, '/aspose/v9.9/echo', { method, csrf: false });
        expect([method, res.status]).toEqual([method, 200]);
      }
    });

    it('checks the header named by csrf.header instead, and forwards neither', async () => {
      await withApp({ allow: ALLOW, csrf: { header: 'X-CSRF' } }, async (other) => {
        const wrong = await send(other.port, '/aspose/v9.9/echo', { method: 'POST', body: 'x' }); // X-Requested-With only
        expect([wrong.status, wrong.json().error.code]).toEqual([403, 'ERR_ASPOSE_PROXY_CSRF']);
        const right = await send(other.port, '/aspose/v9.9/echo', { method: 'POST', body: 'x', csrf: false, headers: { 'x-csrf': '1' } });
        expect(right.status).toBe(200);
        expect(right.json().headers).not.toHaveProperty('x-csrf');
      });
    });

    it('lets everything through with csrf: false (server-to-server)', async () => {
      await withApp({ allow: ALLOW, csrf: false }, async (other) => {
        const res = await send(other.port, '/aspose/v9.9/echo', { method: 'POST', headers: FORM, body: 'data=42', csrf: false });
        expect(res.status).toBe(200);
        expect(res.json().method).toBe('POST');
      });
    });
  });

  describe('CORS', () => {
    it('answers a preflight itself with 204 and no CORS header, and never forwards it', async () => {
      const api = standIn.apiRequests;
      const res = await send(app.port, '/aspose/v9.9/echo', {
        method: 'OPTIONS',
        csrf: false,
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-requested-with' },
      });
      expect(res.status).toBe(204);
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      expect(standIn.apiRequests).toBe(api);
    });

    it("never passes the Aspose API's Access-Control-* headers to the browser", async () => {
      const res = await send(
        app.port,
        '/aspose/__stand-in/headers?access-control-allow-origin=*&access-control-allow-credentials=true&access-control-expose-headers=x-secret&x-kept=1',
        { headers: { origin: 'https://evil.example' } },
      );
      expect(res.status).toBe(200);
      expect(res.headers['x-kept']).toBe('1');
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    });

    describe(`with the framework's cors middleware in front (${CORS_PACKAGE[framework]})`, () => {
      const ORIGIN = 'https://app.example';
      let cross: ProxyApp;
      beforeAll(async () => {
        cross = await startProxyApp(framework, client, { allow: ALLOW, corsOrigin: ORIGIN });
      });
      afterAll(() => cross.close());

      it("gives a cross-origin page cors()'s Allow-Origin with credentials, not the API's *, and keeps its Vary", async () => {
        const res = await send(cross.port, '/aspose/__stand-in/headers?access-control-allow-origin=*&vary=Accept-Encoding', { headers: { origin: ORIGIN } });
        expect(res.status).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
        expect(res.headers['access-control-allow-credentials']).toBe('true');
        // @fastify/cors adds no Vary: Origin for a fixed origin (cors and @koa/cors do); the API's Vary is kept either way.
        const vary = framework === 'fastify' ? ['Accept-Encoding'] : ['Origin', 'Accept-Encoding'];
        expect(String(res.headers.vary).split(/,\s*/)).toEqual(expect.arrayContaining(vary));
      });

      it("lets cors() answer the preflight, so the page's POST with the CSRF header goes through; nothing of the preflight goes upstream", async () => {
        const api = standIn.apiRequests;
        const preflight = await send(cross.port, '/aspose/v9.9/echo', {
          method: 'OPTIONS',
          user: false, // browsers send no credentials on a preflight: cors() answers it before the app's auth
          csrf: false,
          headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-requested-with' },
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
        expect(standIn.apiRequests).toBe(api);
        const post = await send(cross.port, '/aspose/v9.9/echo', { method: 'POST', body: 'x', headers: { origin: ORIGIN } });
        expect(post.status).toBe(200);
        expect(post.headers['access-control-allow-origin']).toBe(ORIGIN);
        expect(standIn.apiRequests).toBe(api + 1);
      });

      it('gives another origin no Allow-Origin of its own (cors() decides), and still refuses its form POST', async () => {
        const res = await send(cross.port, '/aspose/v9.9/echo', { headers: { origin: 'https://evil.example' } });
        expect(res.headers['access-control-allow-origin']).not.toBe('https://evil.example');
        expect(res.headers['access-control-allow-origin']).not.toBe('*');
        const form = await send(cross.port, '/aspose/v9.9/echo', {
          method: 'POST',
          headers: { ...FORM, origin: 'https://evil.example' },
          body: 'a=1',
          csrf: false,
        });
        expect([form.status, form.json().error.code]).toEqual([403, 'ERR_ASPOSE_PROXY_CSRF']);
      });
    });
  });

  describe('per-user limits', () => {
    const byUser = (req: IncomingMessage) => req.headers['x-account'] as string | undefined;

    it('answers 429 with Retry-After once a user spent its points, before anything goes upstream; other users go on', async () => {
      await withApp({ allow: ALLOW, rateLimit: { key: byUser, points: 2, duration: 60 } }, async (other) => {
        const as = (account: string) => send(other.port, '/aspose/v9.9/echo', { headers: { 'x-account': account } });
        expect((await as('ann')).status).toBe(200);
        expect((await as('ann')).status).toBe(200);
        const api = standIn.apiRequests;
        const limited = await as('ann');
        expect(limited.status).toBe(429);
        expect(limited.json().error.code).toBe('ERR_ASPOSE_PROXY_RATE_LIMITED');
        const retryAfter = Number(limited.headers['retry-after']);
        expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
        expect(standIn.apiRequests).toBe(api);
        expect((await as('bob')).status).toBe(200);
        // A key of undefined is not limited.
        for (let i = 0; i < 4; i++) expect((await send(other.port, '/aspose/v9.9/echo')).status).toBe(200);
      });
    });

    it('counts only requests that passed the other checks', async () => {
      await withApp({ allow: ALLOW, rateLimit: { key: byUser, points: 1, duration: 60 } }, async (other) => {
        for (let i = 0; i < 3; i++) expect((await send(other.port, '/aspose/v4.0/cells/x', { headers: { 'x-account': 'cy' } })).status).toBe(403);
        expect((await send(other.port, '/aspose/v9.9/echo', { headers: { 'x-account': 'cy' } })).status).toBe(200);
      });
    });

    it('answers 500 when the key function throws or rejects, reports it to onError, and keeps serving', async () => {
      const reported: AsposeError[] = [];
      let mode: 'throw' | 'reject' | 'ok' = 'throw';
      const key = (): string | Promise<string> => {
        if (mode === 'throw') throw new Error('session store down');
        if (mode === 'reject') return Promise.reject(new Error('session store slow'));
        return 'dee';
      };
      await withApp({ allow: ALLOW, rateLimit: { key, points: 5, duration: 60 }, onError: (e) => reported.push(e) }, async (other) => {
        const api = standIn.apiRequests;
        for (const m of ['throw', 'reject'] as const) {
          mode = m;
          const res = await send(other.port, '/aspose/v9.9/echo');
          expect([m, res.status, res.json().error.code]).toEqual([m, 500, 'ERR_ASPOSE_PROXY_INTERNAL']);
        }
        expect(standIn.apiRequests).toBe(api);
        expect(reported.map((e) => [e.code, (e.cause as Error).message])).toEqual([
          ['ERR_ASPOSE_PROXY_INTERNAL', 'session store down'],
          ['ERR_ASPOSE_PROXY_INTERNAL', 'session store slow'],
        ]);
        mode = 'ok';
        expect((await send(other.port, '/aspose/v9.9/echo')).status).toBe(200);
      });
    });
  });

  describe('beforeForward', () => {
    it('refuses with 403 when it returns false, with its own 4xx and message when it throws AsposeProxyRefusedError, with 500 otherwise', async () => {
      const seen: unknown[] = [];
      const reported: AsposeError[] = [];
      const beforeForward = async (req: IncomingMessage, info: unknown) => {
        seen.push(info);
        await sleep(1);
        const plan = req.headers['x-plan'];
        if (plan === 'none') return false;
        if (plan === 'spent') throw new AsposeProxyRefusedError('No credits left this month', { status: 402 });
        if (plan === 'broken') throw new Error('billing database unreachable');
        return undefined;
      };
      const rateLimit = { key: () => 'erin', points: 100, duration: 60 };
      await withApp({ allow: ALLOW, beforeForward, rateLimit, onError: (e) => reported.push(e) }, async (other) => {
        const as = (plan: string) => send(other.port, '/aspose/v9.9/echo?secret=q', { headers: { 'x-plan': plan } });
        const api = standIn.apiRequests;
        const none = await as('none');
        expect([none.status, none.json().error.code]).toEqual([403, 'ERR_ASPOSE_PROXY_REFUSED']);
        const spent = await as('spent');
        expect([spent.status, spent.json().error]).toEqual([402, { code: 'ERR_ASPOSE_PROXY_REFUSED', message: 'No credits left this month' }]);
        const broken = await as('broken');
        expect([broken.status, broken.json().error.code]).toEqual([500, 'ERR_ASPOSE_PROXY_INTERNAL']);
        expect(JSON.stringify(broken.json())).not.toContain('billing');
        expect(standIn.apiRequests).toBe(api);
        expect((await as('pro')).status).toBe(200);
        expect(standIn.apiRequests).toBe(api + 1);
        expect(seen[0]).toEqual({ method: 'GET', path: '/v9.9/echo', userKey: 'erin' });
        expect(reported.map((e) => e.code)).toEqual(['ERR_ASPOSE_PROXY_INTERNAL']); // refusals are not failures
      });
    });
  });

  describe('onForward and the diagnostics channel', () => {
    it('report every forwarded, refused and failed request, with no token or secret in them', async () => {
      const events: AsposeProxyEvent[] = [];
      const published: unknown[] = [];
      const listener = (message: unknown) => published.push(message);
      subscribe(PROXY_CHANNEL_NAME, listener);
      try {
        await withApp(
          { allow: ALLOW, timeoutMs: 100, rateLimit: { key: () => 'fay', points: 100, duration: 60 }, onForward: (e) => events.push(e) },
          async (other) => {
            const body = 'x'.repeat(1000);
            const ok = await send(other.port, '/aspose/v9.9/echo/a?access_token=hidden', { method: 'POST', body });
            const forbidden = await send(other.port, '/aspose/v4.0/cells/book.xlsx');
            const csrf = await send(other.port, '/aspose/v9.9/echo', { method: 'DELETE', csrf: false });
            const slow = await send(other.port, '/aspose/__stand-in/slow/2000');
            expect([ok.status, forbidden.status, csrf.status, slow.status]).toEqual([200, 403, 403, 504]);
            expect(events).toEqual([
              {
                outcome: 'forwarded',
                method: 'POST',
                path: '/v9.9/echo/a',
                userKey: 'fay',
                status: 200,
                requestBytes: 1000,
                responseBytes: Buffer.byteLength(ok.text),
                durationMs: expect.any(Number),
              },
              {
                outcome: 'refused',
                method: 'GET',
                path: '/v4.0/cells/book.xlsx',
                status: 403,
                code: 'ERR_ASPOSE_PROXY_FORBIDDEN',
                requestBytes: 0,
                responseBytes: Buffer.byteLength(forbidden.text),
                durationMs: expect.any(Number),
              },
              expect.objectContaining({ outcome: 'refused', method: 'DELETE', status: 403, code: 'ERR_ASPOSE_PROXY_CSRF' }),
              expect.objectContaining({ outcome: 'failed', path: '/__stand-in/slow/2000', userKey: 'fay', status: 504, code: 'ERR_ASPOSE_TIMEOUT' }),
            ]);
            for (const e of events) expect(e.durationMs).toBeGreaterThanOrEqual(0);
            expect(published).toEqual(events);
            const everything = inspect(events, { depth: 5 });
            expect(everything).not.toContain((await client.tokens.getToken()).value);
            expect(everything).not.toContain(standIn.clientSecret);
            expect(everything).not.toContain('hidden');
          },
        );
      } finally {
        unsubscribe(PROXY_CHANNEL_NAME, listener);
      }
    });

    it('reports a throwing or rejecting onForward to onError and answers as usual', async () => {
      const reported: AsposeError[] = [];
      let calls = 0;
      const onForward = () => {
        calls++;
        if (calls === 1) throw new Error('audit log full');
        return Promise.reject(new Error('audit log away')) as unknown as void;
      };
      await withApp({ allow: ALLOW, onForward, onError: (e) => reported.push(e) }, async (other) => {
        expect((await send(other.port, '/aspose/v9.9/echo')).status).toBe(200);
        expect((await send(other.port, '/aspose/v4.0/cells/x')).status).toBe(403);
        await sleep(10);
        expect(reported.map((e) => [e.code, (e.cause as Error).message])).toEqual([
          ['ERR_ASPOSE_PROXY_INTERNAL', 'audit log full'],
          ['ERR_ASPOSE_PROXY_INTERNAL', 'audit log away'],
        ]);
      });
    });
  });

  describe('header hooks', () => {
    it('rewriteRequestHeaders adds headers upstream, but cannot add credentials, cookies or hop-by-hop headers', async () => {
      const rewriteRequestHeaders = (headers: Record<string, string | string[]>, req: IncomingMessage) => ({
        ...headers,
        'x-tenant': 'acme',
        'x-forwarded-for': req.socket.remoteAddress ?? '',
        authorization: 'Bearer from-the-hook',
        cookie: 'sid=1',
        connection: 'keep-alive, x-hop',
        'x-hop': 'named in the Connection the hook set, so hop-by-hop',
        'x-http-method-override': 'DELETE',
      });
      await withApp({ allow: ALLOW, rewriteRequestHeaders }, async (other) => {
        const res = await send(other.port, '/aspose/v9.9/echo');
        const up = res.json().headers as Record<string, string>;
        expect(up['x-tenant']).toBe('acme');
        expect(up['x-forwarded-for']).toMatch(/127\.0\.0\.1/);
        expect(up.authorization).toBe('[valid bearer token]'); // the server's token, not the hook's
        expect(up).not.toHaveProperty('cookie');
        expect(up).not.toHaveProperty('x-http-method-override');
        expect(up).not.toHaveProperty('x-hop');
        expect(res.json().method).toBe('GET');
      });
    });

    it('rewriteRequestHeaders that returns a header with CR/LF, or throws, fails the request with 500, reported', async () => {
      const reported: AsposeError[] = [];
      let bad: 'crlf' | 'throw' = 'crlf';
      const rewriteRequestHeaders = (headers: Record<string, string | string[]>) => {
        if (bad === 'throw') throw new Error('hook bug');
        return { ...headers, 'x-injected': 'a\r\nx-evil: 1' };
      };
      await withApp({ allow: ALLOW, rewriteRequestHeaders, onError: (e) => reported.push(e) }, async (other) => {
        const api = standIn.apiRequests;
        expect((await send(other.port, '/aspose/v9.9/echo')).status).toBe(500);
        bad = 'throw';
        expect((await send(other.port, '/aspose/v9.9/echo')).status).toBe(500);
        expect(standIn.apiRequests).toBe(api);
        expect(reported.map((e) => e.code)).toEqual(['ERR_ASPOSE_PROXY_INTERNAL', 'ERR_ASPOSE_PROXY_INTERNAL']);
      });
    });

    it('rewriteResponseHeaders rewrites a Location naming the Aspose origin; what it returns is filtered again', async () => {
      const rewriteResponseHeaders = (headers: Record<string, string | string[]>, _req: IncomingMessage, status: number) => {
        const location = headers.location;
        if (typeof location === 'string' && location.startsWith(standIn.url)) headers.location = '/aspose' + location.slice(standIn.url.length);
        headers['x-status-seen'] = String(status);
        headers['set-cookie'] = 'sid=stolen';
        headers['access-control-allow-origin'] = '*';
      };
      await withApp({ allow: ALLOW, rewriteResponseHeaders }, async (other) => {
        const res = await send(other.port, `/aspose/__stand-in/redirect?to=${encodeURIComponent(`${standIn.url}/v4.0/words/a.docx`)}&status=303`);
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('/aspose/v4.0/words/a.docx');
        expect(res.headers['x-status-seen']).toBe('303');
        expect(res.headers).not.toHaveProperty('set-cookie');
        expect(res.headers).not.toHaveProperty('access-control-allow-origin');
      });
    });

    it('rewriteResponseHeaders that throws fails the request with 500, reported, and the app keeps serving', async () => {
      const reported: AsposeError[] = [];
      const rewriteResponseHeaders = () => {
        throw new Error('hook bug');
      };
      await withApp({ allow: ALLOW, rewriteResponseHeaders, onError: (e) => reported.push(e) }, async (other) => {
        const res = await send(other.port, '/aspose/v9.9/echo');
        expect([res.status, res.json().error.code]).toEqual([500, 'ERR_ASPOSE_PROXY_INTERNAL']);
        expect(reported).toHaveLength(1);
        expect(reported[0]).toBeInstanceOf(AsposeProxyInternalError);
        expect((await send(other.port, '/aspose/v4.0/words/a.docx')).status).toBe(500);
      });
    });

    it('onError gets the response too', async () => {
      const got: [AsposeError, IncomingMessage, ServerResponse][] = [];
      await withApp({ allow: ALLOW, timeoutMs: 50, onError: (e, req, res) => got.push([e, req, res]) }, async (other) => {
        expect((await send(other.port, '/aspose/__stand-in/slow/1000')).status).toBe(504);
        expect(got).toHaveLength(1);
        expect(got[0][0]).toBeInstanceOf(AsposeTimeoutError);
        expect(got[0][2].statusCode).toBe(504);
        expect(got[0][1].url).toContain('slow/1000');
      });
    });
  });

  // The fast path runs before any framework: it has no error handling to delegate to, and refuses the option.
  (framework === 'express-fast' ? describe.skip : describe)('delegateErrors', () => {
    it("hands refusals and failures to the app's error handler as AsposeProxyErrors with status, expose and headers", async () => {
      const reported: AsposeError[] = [];
      await withApp(
        {
          allow: ALLOW,
          delegateErrors: true,
          errorHandler: true,
          timeoutMs: 50,
          rateLimit: { key: () => 'gil', points: 3, duration: 60 },
          onError: (e) => reported.push(e),
        },
        async (other) => {
          const api = standIn.apiRequests;
          const csrf = await send(other.port, '/aspose/v9.9/echo', { method: 'POST', body: 'x', csrf: false });
          expect([csrf.status, csrf.json()]).toEqual([
            403,
            { handled: { code: 'ERR_ASPOSE_PROXY_CSRF', status: 403, expose: true, name: 'AsposeProxyCsrfError' } },
          ] satisfies [number, HandledError]);
          const path = await send(other.port, '/aspose/v4.0/words/%2e%2e/x');
          expect([path.status, path.json().handled.code]).toEqual([400, 'ERR_ASPOSE_PROXY_BAD_PATH']);
          expect(standIn.apiRequests).toBe(api);
          const slow = await send(other.port, '/aspose/__stand-in/slow/1000');
          expect([slow.status, slow.json()]).toEqual([
            504,
            { handled: { code: 'ERR_ASPOSE_PROXY_UPSTREAM', status: 504, expose: false, name: 'AsposeProxyUpstreamError' } },
          ]);
          expect((await send(other.port, '/aspose/v9.9/echo')).status).toBe(200); // what passes is still forwarded
          expect((await send(other.port, '/aspose/v9.9/echo')).status).toBe(200);
          const limited = await send(other.port, '/aspose/v9.9/echo');
          expect([limited.status, limited.json().handled.code, limited.headers['retry-after']]).toEqual([
            429,
            'ERR_ASPOSE_PROXY_RATE_LIMITED',
            expect.stringMatching(/^\d+$/),
          ]);
          // onError is still told of the failure, with the core's error.
          expect(reported).toHaveLength(1);
          expect(reported[0]).toBeInstanceOf(AsposeTimeoutError);
        },
      );
    });

    it("shows the framework's default handling no more of a failure than the proxy's JSON would: the detail goes to onError", async () => {
      const reported: AsposeError[] = [];
      const hook = () => {
        throw new Error('database at 10.1.2.3 user=admin is down');
      };
      await withApp({ allow: ALLOW, delegateErrors: true, beforeForward: hook, onError: (e) => reported.push(e) }, async (other) => {
        const res = await send(other.port, '/aspose/v4.0/words/a.docx');
        expect(res.status).toBe(500);
        expect(res.text).not.toContain('10.1.2.3');
        expect(res.text).not.toContain('database');
        expect(reported).toHaveLength(1);
        expect(reported[0].message).toContain('10.1.2.3');
      });
    });

    it("lets the framework's default error handling answer with the error's status when the app has none", async () => {
      await withApp({ allow: ALLOW, delegateErrors: true }, async (other) => {
        const res = await send(other.port, '/aspose/v9.9/echo', { method: 'POST', body: 'x', csrf: false });
        expect(res.status).toBe(403);
        if (framework === 'fastify') {
          // Fastify's default error handler answers JSON of its own shape, with the error's status and code.
          expect(res.json()).toMatchObject({ statusCode: 403, code: 'ERR_ASPOSE_PROXY_CSRF' });
          expect(res.json()).not.toHaveProperty('error.code');
        } else {
          expect(res.headers['content-type']).not.toMatch(/json/); // finalhandler's HTML, Koa's text: not the proxy's JSON
        }
        expect((await send(other.port, '/aspose/v4.0/words/a.docx')).status).toBe(200);
      });
    });

    it('hands over the typed errors the classes promise', async () => {
      const got: unknown[] = [];
      const proxy = createAsposeProxy({ allow: ALLOW, delegateErrors: true, client });
      const res = { headersSent: false, destroyed: false } as unknown as ServerResponse;
      const req = { method: 'POST', headers: {}, url: '/v9.9/echo' } as unknown as IncomingMessage;
      got.push(await proxy.handle(req, res, '/v9.9/echo', client));
      expect(got[0]).toBeInstanceOf(AsposeProxyCsrfError);
      expect(got[0]).toBeInstanceOf(AsposeProxyError);
      expect(got[0]).toMatchObject({ status: 403, statusCode: 403, expose: true, code: 'ERR_ASPOSE_PROXY_CSRF' });
    });
  });

  describe('a body parser in front of the proxy', () => {
    it('is answered 500 and reported to onError with a typed error that says what to do', async () => {
      const reported: AsposeError[] = [];
      await withApp({ allow: ALLOW, bodyParserFirst: true, onError: (e) => reported.push(e) }, async (other) => {
        const res = await send(other.port, '/aspose/v9.9/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
        expect([res.status, res.json().error.code]).toEqual([500, 'ERR_ASPOSE_PROXY_BODY_CONSUMED']);
        expect(reported).toHaveLength(1);
        expect(reported[0]).toBeInstanceOf(AsposeProxyBodyConsumedError);
        expect(reported[0].message).toMatch(/POST \/v9\.9\/echo.*mount the proxy before any body parser/);
      });
    });

    (framework === 'express-fast' ? it.skip : it)('with delegateErrors, goes to the framework as a 500 that is not exposed', async () => {
      await withApp({ allow: ALLOW, bodyParserFirst: true, delegateErrors: true, errorHandler: true }, async (other) => {
        const res = await send(other.port, '/aspose/v9.9/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
        expect([res.status, res.json().handled]).toEqual([
          500,
          { code: 'ERR_ASPOSE_PROXY_BODY_CONSUMED', status: 500, expose: false, name: 'AsposeProxyBodyConsumedError' },
        ]);
      });
    });
  });

  it('asks a request the browser marks cross-site for the header whatever its method: a GET from another site is refused', async () => {
    const api = standIn.apiRequests;
    const cross = await send(app.port, '/aspose/v4.0/words/a.docx', { csrf: false, headers: { 'sec-fetch-site': 'cross-site' } });
    expect([cross.status, cross.json().error.code]).toEqual([403, 'ERR_ASPOSE_PROXY_CSRF']);
    expect(standIn.apiRequests).toBe(api);
    // The app's own cross-site front end sends the header (its preflight allowed it); same-site and server calls need none for a GET.
    expect((await send(app.port, '/aspose/v4.0/words/a.docx', { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
    for (const site of ['same-origin', 'same-site', 'none']) {
      expect((await send(app.port, '/aspose/v4.0/words/a.docx', { csrf: false, headers: { 'sec-fetch-site': site } })).status).toBe(200);
    }
    expect((await send(app.port, '/aspose/v4.0/words/a.docx', { csrf: false })).status).toBe(200);
  });

  describe('sdkTokenEndpoint (an official SDK pointed at the proxy)', () => {
    it("answers the SDK's token request with the placeholder, sends nothing upstream, and lets its placeholder bearer through CSRF", async () => {
      await withApp({ allow: ALLOW, sdkTokenEndpoint: true }, async (other) => {
        const before = { tokens: standIn.tokenRequests, api: standIn.apiRequests };
        const token = await send(other.port, '/aspose/v4.0/words/connect/token', {
          method: 'POST',
          csrf: false, // an SDK sends none
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=any&client_secret=sdk-secret',
        });
        expect([token.status, token.json()]).toEqual([200, expect.objectContaining({ access_token: SDK_PLACEHOLDER_TOKEN, token_type: 'Bearer' })]);
        expect(token.text).not.toContain('sdk-secret');
        expect({ tokens: standIn.tokenRequests, api: standIn.apiRequests }).toEqual(before);
        // The SDK's call, with the placeholder as its bearer and no CSRF header: forwarded with the server's token.
        const call = await send(other.port, '/aspose/v9.9/echo', {
          method: 'POST',
          csrf: false,
          headers: { authorization: `Bearer ${SDK_PLACEHOLDER_TOKEN}` },
          body: 'x',
        });
        expect(call.status).toBe(200);
        expect(call.json().headers.authorization).toBe('[valid bearer token]'); // the stand-in's echo of the server's token
      });
    });

    it('without it, the token path stays refused and the placeholder counts for nothing', async () => {
      const token = await send(app.port, '/aspose/connect/token', { method: 'POST', body: 'grant_type=client_credentials' });
      expect([token.status, token.json().error.code]).toEqual([403, 'ERR_ASPOSE_PROXY_TOKEN_ENDPOINT']);
      const call = await send(app.port, '/aspose/v9.9/echo', {
        method: 'POST',
        csrf: false,
        headers: { authorization: `Bearer ${SDK_PLACEHOLDER_TOKEN}` },
        body: 'x',
      });
      expect([call.status, call.json().error.code]).toEqual([403, 'ERR_ASPOSE_PROXY_CSRF']);
    });
  });

  it('answers with its own framing whatever a middleware in front set: no stale Content-Length or Transfer-Encoding', async () => {
    const front = { 'content-length': '5', 'transfer-encoding': 'chunked', 'content-encoding': 'gzip', 'x-front': 'kept' };
    await withApp({ allow: ALLOW, frontHeaders: front }, async (other) => {
      // Twice on one connection would show a desync; node:http's parser already refuses both framings at once.
      const ok = await send(other.port, '/aspose/v4.0/words/report.docx');
      expect(ok.status).toBe(200);
      expect(ok.json().Document.FileName).toBe('report.docx');
      expect(ok.headers['x-front']).toBe('kept');
      expect(ok.headers['content-encoding']).toBeUndefined();
      const refused = await send(other.port, '/aspose/v4.0/secret/x');
      expect([refused.status, refused.json().error.code]).toEqual([403, 'ERR_ASPOSE_PROXY_FORBIDDEN']);
    });
  });

  it('never sends the CSRF header upstream, even on a GET', async () => {
    const res = await send(app.port, '/aspose/v9.9/echo', { headers: CSRF });
    expect(res.json().headers).not.toHaveProperty('x-requested-with');
  });
});

describe('asposeProxy browser-safety options', () => {
  const client = new AsposeClient({ auth: 'static', accessToken: 'abcd', baseUrl: 'http://127.0.0.1:9' });
  afterAll(() => client.close());
  const k = (): string => 'a';

  it.each<[object, string]>([
    [{ csrf: 'yes' }, 'csrf'],
    [{ csrf: { header: 'bad header' } }, 'csrf.header'],
    [{ csrf: { header: 'cookie' } }, 'csrf.header'],
    [{ rateLimit: 5 }, 'rateLimit'],
    [{ rateLimit: { points: 5, duration: 60 } }, 'rateLimit.key'],
    [{ rateLimit: { key: k, points: 0, duration: 60 } }, 'rateLimit.points'],
    [{ rateLimit: { key: k, points: 5, duration: 1.5 } }, 'rateLimit.duration'],
    [{ rateLimit: { key: k, points: 5 } }, 'rateLimit.duration'],
    [{ rateLimit: { key: k, store: {} } }, 'rateLimit.store'],
    [{ rateLimit: { key: k, store: { consume: () => null }, points: 5 } }, 'rateLimit.points'],
    [{ beforeForward: 'no' }, 'beforeForward'],
    [{ onForward: {} }, 'onForward'],
    [{ rewriteRequestHeaders: 1 }, 'rewriteRequestHeaders'],
    [{ rewriteResponseHeaders: 1 }, 'rewriteResponseHeaders'],
    [{ delegateErrors: 'yes' }, 'delegateErrors'],
  ])('refuses %j at creation, naming %s', (bad, option) => {
    let thrown: unknown;
    try {
      createAsposeProxy({ client, allow: ['GET /v4.0/words/'], ...bad });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AsposeConfigError);
    expect((thrown as AsposeConfigError).issues.map((i) => i.option)).toEqual([option]);
  });

  it('AsposeProxyRefusedError takes a 4xx status and turns anything else into 403', () => {
    expect(new AsposeProxyRefusedError('x', { status: 402 })).toMatchObject({ status: 402, statusCode: 402, expose: true });
    expect(new AsposeProxyRefusedError('x', { status: 500 }).status).toBe(403);
    expect(new AsposeProxyRefusedError('x').status).toBe(403);
    expect(new AsposeProxyUpstreamError('x', { status: 502 })).toMatchObject({ status: 502, expose: false });
  });
});
