// The Express and Koa adapters on real Express 5 and Koa 3 apps, one suite
// for both: one shared client on every request (`req.aspose`,
// `ctx.state.aspose`), and the proxy's place among the app's middleware.
// Where the frameworks differ (mounting on a path, reading the final
// status), each case says how in its own framework's terms.
import express from 'express';
import Koa from 'koa';
import { AsposeClient, AsposeConfigError, type AsposeClientOptions } from 'aspose-cloud-auth';
import { asposeAuth as expressAuth, asposeProxy as expressProxy, type AsposeProxyOptions } from 'aspose-cloud-auth/express';
import { asposeAuth as koaAuth, asposeProxy as koaProxy } from 'aspose-cloud-auth/koa';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { cleanup, track } from '../support/cleanup';
import { asposeVariables, useEnv } from '../support/env';
import { thrownBy } from '../support/errors';
import { MIDDLEWARE_FRAMEWORKS, type MiddlewareFramework } from '../support/frameworks';
import { send, type Handler } from '../support/http';
import { serve } from '../support/servers';

/** What either framework's `asposeAuth()` returns: a middleware carrying its client at `.client`. */
type AuthMiddleware = ReturnType<typeof expressAuth> | ReturnType<typeof koaAuth>;

/** A route of the app under test: given the request's shared client and path, what to answer (as JSON). */
type Route = (client: AsposeClient, path: string) => unknown;

/** How each framework builds the apps the suite needs. */
interface Adapter {
  /** `asposeAuth()` of the framework: a middleware, carrying its client. */
  asposeAuth(clientOrOptions?: AsposeClient | AsposeClientOptions): AuthMiddleware;
  /** `auth` in front, then `route` answering every request with the client the request carries. */
  authApp(auth: AuthMiddleware, route: Route): Handler;
  /** The proxy mounted at `/aspose` the framework's usual way (Express: on the path; Koa: with `prefix`), behind `auth` if given. */
  mountedProxyApp(proxy: AsposeProxyOptions, auth?: AuthMiddleware): Handler;
  /**
   * A middleware recording each final status into `statuses` (Express: `res.statusCode` on finish;
   * Koa: `ctx.status` after `await next()`), then the proxy at the app level with `prefix: '/aspose'`,
   * then a handler answering `{ app: path }` and counting in `fallthrough`.
   */
  prefixedProxyApp(proxy: AsposeProxyOptions, seen: { statuses: number[]; fallthrough: number }): Handler;
}

const adapters: Record<MiddlewareFramework, Adapter> = {
  express: {
    asposeAuth: (clientOrOptions) => expressAuth(clientOrOptions),
    authApp(auth, route) {
      const app = express();
      app.use(auth as ReturnType<typeof expressAuth>);
      app.use(async (req, res) => {
        // req.aspose is typed by declaration merging: no cast needed.
        res.json(await route(req.aspose, req.path));
      });
      return app;
    },
    mountedProxyApp(proxy, auth) {
      const app = express();
      if (auth) app.use(auth as ReturnType<typeof expressAuth>);
      app.use('/aspose', expressProxy(proxy));
      return app;
    },
    prefixedProxyApp(proxy, seen) {
      const app = express();
      app.use((_req, res, next) => {
        res.on('finish', () => seen.statuses.push(res.statusCode));
        next();
      });
      app.use(expressProxy({ ...proxy, prefix: '/aspose' }));
      app.use((req, res) => {
        seen.fallthrough++;
        res.json({ app: req.path });
      });
      return app;
    },
  },
  koa: {
    asposeAuth: (clientOrOptions) => koaAuth(clientOrOptions),
    authApp(auth, route) {
      const app = new Koa();
      app.use(auth as ReturnType<typeof koaAuth>);
      app.use(async (ctx) => {
        // Typed through Koa's DefaultState: no cast needed.
        ctx.body = await route(ctx.state.aspose, ctx.path);
      });
      return app.callback();
    },
    mountedProxyApp(proxy, auth) {
      const app = new Koa();
      if (auth) app.use(auth as ReturnType<typeof koaAuth>);
      app.use(koaProxy({ ...proxy, prefix: '/aspose' }));
      return app.callback();
    },
    prefixedProxyApp(proxy, seen) {
      const app = new Koa();
      app.use(async (ctx, next) => {
        await next();
        seen.statuses.push(ctx.status);
      });
      app.use(koaProxy({ ...proxy, prefix: '/aspose' }));
      app.use((ctx) => {
        seen.fallthrough++;
        ctx.body = { app: ctx.path };
      });
      return app.callback();
    },
  },
};

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

describe.each(MIDDLEWARE_FRAMEWORKS)('aspose-cloud-auth/%s', (framework) => {
  const adapter = adapters[framework];

  describe('asposeAuth', () => {
    it('builds one client when the middleware is created and hands the same one to every request', async () => {
      const auth = adapter.asposeAuth(creds);
      track(auth.client, (c) => c.close());
      expect(auth.client).toBeInstanceOf(AsposeClient);
      const seen = new Set<AsposeClient>();
      const server = await serve(
        adapter.authApp(auth, async (client, path) => {
          seen.add(client);
          const info = await client.get<{ Document: { FileName: string } }>(`/v4.0/words${path}`);
          return { name: info.Document.FileName };
        }),
      );
      const names = await Promise.all(Array.from({ length: 50 }, (_, i) => send(server.port, `/d${i}.docx`).then((r) => r.json().name)));
      expect(names).toEqual(Array.from({ length: 50 }, (_, i) => `d${i}.docx`));
      expect([...seen]).toEqual([auth.client]);
      expect(standIn.tokenRequests).toBe(1);
    });

    it('hands out a client it is given, unchanged', async () => {
      const client = sharedClient();
      const auth = adapter.asposeAuth(client);
      expect(auth.client).toBe(client);
      const server = await serve(adapter.authApp(auth, (given) => ({ same: given === client })));
      expect((await send(server.port, '/same')).json()).toEqual({ same: true });
    });

    it('reads the ASPOSE_* environment variables when given nothing', async () => {
      setEnv({ ...asposeVariables(), ASPOSE_CLIENT_ID: creds.clientId, ASPOSE_CLIENT_SECRET: creds.clientSecret, ASPOSE_BASE_URL: creds.baseUrl });
      const auth = adapter.asposeAuth();
      track(auth.client, (c) => c.close());
      expect(auth.client.baseUrl).toBe(standIn.url);
      await auth.client.tokens.getToken();
      expect(standIn.tokenRequests).toBe(1);
    });

    it('fails at creation, not on a request, when options are missing, and never shows the secret', () => {
      expect(() => adapter.asposeAuth({ clientId: 'id-only' })).toThrow(AsposeConfigError);
      expect(() => adapter.asposeAuth({ clientSecret: 'super-secret-value-123' })).toThrow(/clientId is missing/);
      const err = thrownBy(() => adapter.asposeAuth({ clientSecret: 'super-secret-value-123', baseUrl: 'ftp://x' }));
      expect(err).toBeInstanceOf(AsposeConfigError);
      expect(String((err as Error).message)).not.toContain('super-secret-value-123');
    });
  });

  describe('asposeProxy', () => {
    it('uses the client asposeAuth put on the request when given none', async () => {
      const auth = adapter.asposeAuth(creds);
      track(auth.client, (c) => c.close());
      const server = await serve(adapter.mountedProxyApp({ allow: ['GET /v4.0/words/'] }, auth));
      const res = await send(server.port, '/aspose/v4.0/words/a.docx');
      expect(res.status).toBe(200);
      expect(res.json().Document.FileName).toBe('a.docx');
    });

    it('with a prefix at the app level, handles only its prefix and hands every other request to the next middleware', async () => {
      const seen = { statuses: [] as number[], fallthrough: 0 };
      const server = await serve(adapter.prefixedProxyApp({ client: sharedClient(), allow: ['GET /v4.0/words/'] }, seen));
      expect((await send(server.port, '/health')).json()).toEqual({ app: '/health' });
      expect((await send(server.port, '/asposeX/v4.0/words/a')).json()).toEqual({ app: '/asposeX/v4.0/words/a' });
      expect(seen.fallthrough).toBe(2);
      expect((await send(server.port, '/aspose/v4.0/words/a.docx')).json().Document.FileName).toBe('a.docx');
      expect((await send(server.port, '/aspose/v4.0/cells/x')).status).toBe(403);
      expect(seen.fallthrough).toBe(2); // the proxy answered; nothing after it ran
    });

    it('lets middleware in front of it see the final status of a proxied call', async () => {
      const seen = { statuses: [] as number[], fallthrough: 0 };
      const server = await serve(adapter.prefixedProxyApp({ client: sharedClient(), allow: ['GET /v4.0/words/'] }, seen));
      await send(server.port, '/aspose/v4.0/words/a.docx');
      await send(server.port, '/aspose/v4.0/words/missing.docx');
      await send(server.port, '/aspose/v4.0/cells/x');
      expect(seen.statuses).toEqual([200, 404, 403]);
    });

    it('answers 500 with advice when it has no client at all', async () => {
      const server = await serve(adapter.mountedProxyApp({ allow: ['GET /v4.0/words/'] }));
      const res = await send(server.port, '/aspose/v4.0/words/a.docx');
      expect(res.status).toBe(500);
      expect(res.json().error).toEqual({ code: 'ERR_ASPOSE_CONFIG', message: expect.stringContaining('asposeAuth()') });
    });
  });
});

describe('aspose-cloud-auth/express in a Router', () => {
  it('works mounted in a Router, with body parsers scoped to the routes that need them', async () => {
    const app = express();
    const api = express.Router();
    api.use(express.json());
    api.post('/echo', (req, res) => {
      res.json({ got: req.body });
    });
    const aspose = express.Router();
    aspose.use(expressProxy({ client: sharedClient(), allow: ['POST /v4.0/barcode/generate-body'] }));
    app.use('/api', api);
    app.use('/bff/aspose', aspose);
    const server = await serve(app);
    const json = { 'content-type': 'application/json' };
    const proxied = await send(server.port, '/bff/aspose/v4.0/barcode/generate-body', {
      method: 'POST',
      headers: { ...json, 'x-requested-with': 'fetch' },
      body: '{"barcodeType":"Code128","encodeData":{"data":"42"},"barcodeImageParams":{"imageFormat":"Svg"}}',
    });
    expect(proxied.status).toBe(200);
    expect(proxied.text).toContain('Code128: 42');
    expect((await send(server.port, '/api/echo', { method: 'POST', headers: json, body: '{"a":1}' })).json()).toEqual({ got: { a: 1 } });
  });
});
