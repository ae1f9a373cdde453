// The Fastify adapter on real Fastify 5 apps listening on loopback: the
// cases of the Express and Koa adapter suite (test/adapters) in Fastify's
// terms (a plugin registered, errors at registration, onClose), and what only
// Fastify has: encapsulation, hooks at every stage in front of the proxy, body
// parsers of other scopes, and register prefixes. Every proxy rule runs on
// Fastify in the shared suites of test/proxy.
import type { Server } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { AsposeClient, AsposeConfigError } from 'aspose-cloud-auth';
import { asposeAuth, asposeProxy } from 'aspose-cloud-auth/fastify';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { cleanup, track } from '../support/cleanup';
import { asposeVariables, useEnv } from '../support/env';
import { rejectionOf } from '../support/errors';
import { listen, send } from '../support/http';

/** The header the proxy's CSRF defence wants on a state-changing request. */
const CSRF = { 'x-requested-with': 'test' };

let standIn: AsposeStandIn;
let creds: { clientId: string; clientSecret: string; baseUrl: string };
const setEnv = useEnv();

beforeAll(async () => {
  standIn = await startAsposeStandIn({ unknownRoutes: 'echo', documents: 'any' });
  creds = { clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url };
});
afterAll(() => standIn.close());
beforeEach(() => standIn.resetCounters());
afterEach(cleanup);

/** An {@link AsposeClient} with the stand-in's credentials, closed by `cleanup()`. */
const sharedClient = () => track(new AsposeClient(creds), (c) => c.close());

/** A Fastify app closed by `cleanup()` (after its server). */
const fastify = (options: FastifyServerOptions = {}) => track(Fastify(options), (app) => app.close());

/** What readying `app` fails with (its plugins run at ready()); fails the test if it readies. */
const registrationError = (app: FastifyInstance): Promise<unknown> =>
  rejectionOf(
    (async () => {
      await app.ready();
    })(),
  );

/** Readies `app` and serves it on Fastify's own server, on a loopback port closed by `cleanup()`; resolves the port. */
async function serveApp(app: FastifyInstance): Promise<number> {
  await app.ready();
  return track(await listen<Server>(app.server), (l) => l.close()).port;
}

describe('asposeAuth (Fastify plugin)', () => {
  it('builds one client at registration and hands the same one to every request, and to the app', async () => {
    const app = fastify();
    await app.register(asposeAuth, creds);
    const seen = new Set<AsposeClient>();
    app.get<{ Params: { name: string } }>('/:name', async (request) => {
      seen.add(request.aspose);
      const info = await request.aspose.get<{ Document: { FileName: string } }>(`/v4.0/words/${request.params.name}`);
      return { name: info.Document.FileName };
    });
    const port = await serveApp(app);
    const names = await Promise.all(Array.from({ length: 50 }, (_, i) => send(port, `/d${i}.docx`).then((r) => r.json().name)));
    expect(names).toEqual(Array.from({ length: 50 }, (_, i) => `d${i}.docx`));
    expect(app.aspose).toBeInstanceOf(AsposeClient);
    expect([...seen]).toEqual([app.aspose]);
    expect(standIn.tokenRequests).toBe(1);
  });

  it('reaches routes of sibling scopes: it skips encapsulation, as fastify-plugin does', async () => {
    const app = fastify();
    await app.register(asposeAuth, { client: sharedClient() });
    await app.register(async (scope) => {
      scope.get('/same', (request) => ({ same: request.aspose === app.aspose }));
    });
    const port = await serveApp(app);
    expect((await send(port, '/same')).json()).toEqual({ same: true });
  });

  it('hands out a client it is given, unchanged, and leaves it open when the app closes', async () => {
    const client = sharedClient();
    const app = Fastify();
    await app.register(asposeAuth, { client });
    app.get('/same', (request) => ({ same: request.aspose === client }));
    const port = await serveApp(app);
    expect((await send(port, '/same')).json()).toEqual({ same: true });
    await app.close();
    expect(client.tokens.closed).toBe(false);
    expect((await client.get<{ Document: { FileName: string } }>('/v4.0/words/after.docx')).Document.FileName).toBe('after.docx');
  });

  it('closes the client it built when the app closes', async () => {
    const app = Fastify();
    await app.register(asposeAuth, creds);
    await app.ready();
    const client = app.aspose;
    await client.tokens.getToken();
    await app.close();
    expect(client.tokens.closed).toBe(true);
  });

  it('reads the ASPOSE_* environment variables when given nothing', async () => {
    setEnv({ ...asposeVariables(), ASPOSE_CLIENT_ID: creds.clientId, ASPOSE_CLIENT_SECRET: creds.clientSecret, ASPOSE_BASE_URL: creds.baseUrl });
    const app = fastify();
    await app.register(asposeAuth);
    await app.ready();
    expect(app.aspose.baseUrl).toBe(standIn.url);
    await app.aspose.tokens.getToken();
    expect(standIn.tokenRequests).toBe(1);
  });

  it('fails at registration, not on a request, when options are missing or mixed, and never shows the secret', async () => {
    const missing = await registrationError(fastify().register(asposeAuth, { clientSecret: 'super-secret-value-123', baseUrl: 'ftp://x' }));
    expect(missing).toBeInstanceOf(AsposeConfigError);
    expect(String((missing as Error).message)).toMatch(/clientId is missing/);
    expect(String((missing as Error).message)).not.toContain('super-secret-value-123');

    const notAClient = await registrationError(fastify().register(asposeAuth, { client: 'nope' as unknown as AsposeClient }));
    expect((notAClient as AsposeConfigError).issues).toEqual([{ option: 'client', problem: 'must be an AsposeClient' }]);

    const both = await registrationError(fastify().register(asposeAuth, { client: sharedClient(), clientId: 'x' } as unknown as { client: AsposeClient }));
    expect(both).toBeInstanceOf(AsposeConfigError);
    expect((both as AsposeConfigError).issues[0].problem).toContain('pass one or the other');
  });
});

describe('asposeProxy (Fastify plugin)', () => {
  const ALLOW = ['GET /v4.0/words/', 'POST /v4.0/barcode/generate-body', '* /v9.9/echo'];

  it('uses the client asposeAuth put on the request when given none', async () => {
    const app = fastify();
    await app.register(asposeAuth, { client: sharedClient() });
    await app.register(asposeProxy, { prefix: '/aspose', allow: ALLOW });
    const port = await serveApp(app);
    const res = await send(port, '/aspose/v4.0/words/a.docx');
    expect(res.status).toBe(200);
    expect(res.json().Document.FileName).toBe('a.docx');
  });

  it('handles only its prefix: the app routes everything else, and a hook in front sees the final status of each proxied call', async () => {
    const app = fastify();
    const statuses: number[] = [];
    app.addHook('onResponse', (_request, reply, done) => {
      statuses.push(reply.statusCode);
      done();
    });
    await app.register(asposeProxy, { client: sharedClient(), prefix: '/aspose', allow: ALLOW });
    app.get('/health', () => ({ app: '/health' }));
    app.get('/asposeX/*', (request) => ({ app: request.url }));
    const port = await serveApp(app);
    expect((await send(port, '/health')).json()).toEqual({ app: '/health' });
    expect((await send(port, '/asposeX/v4.0/words/a')).json()).toEqual({ app: '/asposeX/v4.0/words/a' });
    statuses.length = 0;
    expect((await send(port, '/aspose/v4.0/words/a.docx')).json().Document.FileName).toBe('a.docx');
    expect((await send(port, '/aspose/v4.0/words/missing.docx')).status).toBe(404);
    expect((await send(port, '/aspose/v4.0/cells/x')).json().error.code).toBe('ERR_ASPOSE_PROXY_FORBIDDEN');
    expect(statuses).toEqual([200, 404, 403]);
  });

  it('answers 500 with advice when it has no client at all', async () => {
    const app = fastify();
    await app.register(asposeProxy, { prefix: '/aspose', allow: ALLOW });
    const port = await serveApp(app);
    const res = await send(port, '/aspose/v4.0/words/a.docx');
    expect(res.status).toBe(500);
    expect(res.json().error).toEqual({ code: 'ERR_ASPOSE_CONFIG', message: expect.stringContaining('asposeAuth()') });
  });

  it.each(['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const)(
    'runs after the authentication of the scope around it, in a %s hook: a refused caller sends nothing upstream',
    async (hook) => {
      const app = fastify();
      await app.register(async (scope) => {
        // One signature for the four hooks: each may answer with reply.send() and return the reply.
        scope.addHook(hook as 'onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
          if (request.headers['x-user'] !== 'alice') return reply.code(401).send({ error: 'sign in first' });
        });
        await scope.register(asposeProxy, { client: sharedClient(), prefix: '/aspose', allow: ALLOW });
      });
      const port = await serveApp(app);
      const before = standIn.apiRequests;
      for (const [method, body] of [
        ['GET', undefined],
        ['POST', '{"barcodeType":"Code128","encodeData":{"data":"42"},"barcodeImageParams":{"imageFormat":"Svg"}}'],
      ] as const) {
        const path = method === 'GET' ? '/aspose/v4.0/words/a.docx' : '/aspose/v4.0/barcode/generate-body';
        const refused = await send(port, path, { method, body, headers: { 'content-type': 'application/json' } });
        expect([hook, method, refused.status]).toEqual([hook, method, 401]);
      }
      expect(standIn.apiRequests).toBe(before);
      const signedIn = await send(port, '/aspose/v4.0/barcode/generate-body', {
        method: 'POST',
        headers: { 'x-user': 'alice', 'content-type': 'application/json', 'x-requested-with': 'test' },
        body: '{"barcodeType":"Code128","encodeData":{"data":"42"},"barcodeImageParams":{"imageFormat":"Svg"}}',
      });
      expect(signedIn.status).toBe(200);
      expect(signedIn.text).toContain('Code128: 42');
    },
  );

  it('streams the body upstream byte for byte, whatever its type, while the app parses JSON on its own routes', async () => {
    const app = fastify();
    await app.register(asposeProxy, { client: sharedClient(), prefix: '/aspose', allow: ALLOW });
    app.post('/api/echo', (request) => ({ got: request.body }));
    const port = await serveApp(app);
    for (const [type, body] of [
      ['application/json', '{"a": 1,  "b":[2]}'],
      ['application/x-www-form-urlencoded', 'a=1&b=%20'],
      ['text/plain; charset=utf-8', 'plain text'],
      ['application/octet-stream', '\u0000\u0001binary'],
      ['multipart/form-data; boundary=xyz', '--xyz\r\ncontent-disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n'],
    ] as const) {
      const res = await send(port, '/aspose/v9.9/echo', { method: 'POST', headers: { 'content-type': type, ...CSRF }, body });
      expect([type, res.status, res.json().headers['content-type'], res.json().bodyBytes]).toEqual([type, 200, type, Buffer.byteLength(body)]);
    }
    const noType = await send(port, '/aspose/v9.9/echo', { method: 'PUT', headers: CSRF, body: 'no content type' });
    expect([noType.status, noType.json().bodyBytes]).toEqual([200, 15]);
    const parsed = await send(port, '/api/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(parsed.json()).toEqual({ got: { a: 1 } });
  });

  it('serves the full prefix of nested scopes, matched on the raw URL', async () => {
    const app = fastify();
    await app.register(
      async (bff) => {
        await bff.register(asposeProxy, { client: sharedClient(), prefix: '/aspose', allow: ALLOW });
      },
      { prefix: '/bff' },
    );
    const port = await serveApp(app);
    expect((await send(port, '/bff/aspose/v4.0/words/a.docx')).json().Document.FileName).toBe('a.docx');
    expect((await send(port, '/bff/aspose/v4.0/words/%2e%2e/cells/x')).json().error.code).toBe('ERR_ASPOSE_PROXY_BAD_PATH');
    expect((await send(port, '/aspose/v4.0/words/a.docx')).status).toBe(404);
  });

  it('forwards nothing that the raw URL does not put under its prefix, even when a case-insensitive router routes it there', async () => {
    const app = fastify({ routerOptions: { caseSensitive: false } });
    await app.register(asposeProxy, { client: sharedClient(), prefix: '/aspose', allow: ALLOW });
    const port = await serveApp(app);
    const before = standIn.apiRequests;
    expect((await send(port, '/ASPOSE/v4.0/words/a.docx')).status).toBe(404);
    expect(standIn.apiRequests).toBe(before);
    expect((await send(port, '/aspose/v4.0/words/a.docx')).status).toBe(200);
  });

  it('fails at registration on a bad option, allow entry or prefix', async () => {
    const badAllow = await registrationError(fastify().register(asposeProxy, { client: sharedClient(), prefix: '/aspose', allow: ['GET /connect/token'] }));
    expect((badAllow as AsposeConfigError).issues).toEqual([{ option: 'allow[0]', problem: 'names a token endpoint, which the proxy never forwards' }]);
    const badTimeout = await registrationError(fastify().register(asposeProxy, { prefix: '/aspose', allow: ALLOW, timeoutMs: -1 }));
    expect((badTimeout as AsposeConfigError).issues.map((i) => i.option)).toEqual(['timeoutMs']);
    const param = await registrationError(
      fastify().register(
        async (scope) => {
          await scope.register(asposeProxy, { prefix: '/aspose', allow: ALLOW });
        },
        { prefix: '/:tenant' },
      ),
    );
    expect(param).toBeInstanceOf(AsposeConfigError);
    expect((param as AsposeConfigError).issues[0].problem).toContain('literal path');
  });
});
