// Small Express 5, Koa 3 and Fastify 5 apps with asposeProxy mounted behind a
// stand-in "requireUser" check (and an Express app behind asposeProxyListener,
// the fast path), listening on ephemeral loopback ports, and `send`, which
// signs the request in as that check wants.
import type { IncomingMessage, Server } from 'node:http';
import koaCors from '@koa/cors';
import cors from 'cors';
import fastifyCors from '@fastify/cors';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { asposeAuth as expressAuth, asposeProxy as expressProxy } from 'aspose-cloud-auth/express';
import { asposeAuth as fastifyAuth, asposeProxy as fastifyProxy } from 'aspose-cloud-auth/fastify';
import { asposeAuth as koaAuth, asposeProxy as koaProxy } from 'aspose-cloud-auth/koa';
import { asposeProxyListener } from 'aspose-cloud-auth/node';
import { AsposeClient } from 'aspose-cloud-auth';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import type { AsposeProxyOptions } from '../../src/proxy/aspose-proxy';
import type { Framework } from '../support/frameworks';
import { listen, send as sendHttp, type Handler, type RawResponse, type SendInit } from '../support/http';

/** The header the fixture's own "auth" wants: a stand-in for the app's session check. */
export const USER = { 'x-user': 'alice' } as const;

export interface ProxyApp {
  framework: Framework;
  url: string;
  port: number;
  server: Server;
  /** Sum of bytes read from the app's sockets so far (request lines, headers and bodies). */
  bytesRead(): number;
  close(): Promise<void>;
}

export interface FixtureOptions extends Omit<AsposeProxyOptions, 'prefix'> {
  /** Run a body parser in front of the proxy (the misconfiguration the proxy detects). */
  bodyParserFirst?: boolean;
  /** A middleware in front of the proxy, given Node's request (`req`, `ctx.req`): to write `req.headers` as APM and timing middlewares do. */
  beforeProxy?: (req: IncomingMessage) => void;
  /** Response headers a middleware (a Fastify hook, on the reply) sets in front of the proxy, as cors() and others do. */
  frontHeaders?: Record<string, string>;
  /**
   * Mount the framework's own CORS middleware (`cors` on Express, `@koa/cors` on Koa) in front of the app's
   * authentication, allowing this origin with credentials, as docs/express-koa.md shows.
   */
  corsOrigin?: string;
  /**
   * Mount the framework's usual error handler (an Express error middleware; a Koa try/catch middleware in front),
   * rendering `{ handled: { code, status, expose } }` with the error's status and headers: for `delegateErrors`.
   * Without it, errors reach the framework's default (finalhandler, `ctx.onerror`).
   */
  errorHandler?: boolean;
}

/** What the fixture's error handler renders for an error handed to it (`errorHandler: true`). */
export interface HandledError {
  handled: { code: string; status: number; expose: boolean; name: string };
}

/** The fields of an error the fixture's error handler reads, as frameworks do. */
type HttpError = Error & { code?: string; status?: number; expose?: boolean; headers?: Record<string, string> };

const handled = (err: HttpError): HandledError => ({
  handled: { code: String(err.code), status: err.status ?? 500, expose: err.expose === true, name: err.name },
});

/**
 * Starts an app where `/aspose/*` is proxied for signed-in users only, and
 * `/me/document/:name` uses the shared client directly.
 */
export async function startProxyApp(framework: Framework, client: AsposeClient, options: FixtureOptions): Promise<ProxyApp> {
  const { bodyParserFirst, beforeProxy, corsOrigin, errorHandler, frontHeaders, ...proxyOptions } = options;
  if (framework === 'fastify') return startFastifyProxyApp(client, options);
  let handler: Handler;
  if (framework === 'express-fast') {
    handler = expressFastHandler(client, options);
  } else if (framework === 'express') {
    const app = express();
    app.disable('x-powered-by');
    if (corsOrigin !== undefined) app.use('/aspose', cors({ origin: corsOrigin, credentials: true }));
    app.use(expressAuth(client));
    const requireUser: express.RequestHandler = (req, res, next) => {
      if (req.headers['x-user'] !== USER['x-user']) {
        res.status(401).json({ error: 'sign in first' });
        return;
      }
      next();
    };
    if (bodyParserFirst) app.use(express.raw({ type: '*/*', limit: '1mb' }));
    if (beforeProxy) {
      app.use((req, _res, next) => {
        beforeProxy(req);
        next();
      });
    }
    if (frontHeaders) {
      app.use((_req, res, next) => {
        res.set(frontHeaders);
        next();
      });
    }
    app.use('/aspose', requireUser, expressProxy({ client, ...proxyOptions }));
    app.get('/me/document/:name', async (req, res) => {
      res.json(await req.aspose.get(`/v4.0/words/${encodeURIComponent(req.params.name)}`));
    });
    if (errorHandler) {
      app.use((err: HttpError, _req: express.Request, res: express.Response, next: express.NextFunction) => {
        if (res.headersSent) return next(err);
        res
          .status(err.status ?? 500)
          .set(err.headers ?? {})
          .json(handled(err));
      });
    }
    handler = app;
  } else {
    const app = new Koa();
    // Koa reports every socket error, including a caller hanging up, which these tests do on purpose.
    app.on('error', (err: NodeJS.ErrnoException & { expose?: boolean }) => {
      if (err.expose === true) return; // a 4xx meant for the caller, which Koa's own handler does not log either
      if (!/^(ECONNRESET|ECONNABORTED|EPIPE|HPE_|ERR_STREAM_PREMATURE_CLOSE)/.test(err.code ?? '') && err.message !== 'aborted') console.error(err);
    });
    if (errorHandler) {
      app.use(async (ctx, next) => {
        try {
          await next();
        } catch (e) {
          const err = e as HttpError;
          ctx.status = err.status ?? 500;
          ctx.set(err.headers ?? {});
          ctx.body = handled(err);
        }
      });
    }
    if (corsOrigin !== undefined) app.use(koaCors({ origin: corsOrigin, credentials: true }));
    app.use(koaAuth(client));
    app.use(async (ctx, next) => {
      if (ctx.path.startsWith('/aspose') && ctx.get('x-user') !== USER['x-user']) {
        ctx.status = 401;
        ctx.body = { error: 'sign in first' };
        return;
      }
      await next();
    });
    if (bodyParserFirst) {
      app.use(async (ctx, next) => {
        const chunks: Buffer[] = [];
        for await (const c of ctx.req) chunks.push(c as Buffer);
        (ctx.request as unknown as { body: Buffer }).body = Buffer.concat(chunks);
        await next();
      });
    }
    if (beforeProxy) {
      app.use(async (ctx, next) => {
        beforeProxy(ctx.req);
        await next();
      });
    }
    if (frontHeaders) {
      app.use(async (ctx, next) => {
        ctx.set(frontHeaders);
        await next();
      });
    }
    app.use(koaProxy({ client, prefix: '/aspose', ...proxyOptions }));
    app.use(async (ctx, next) => {
      const m = /^\/me\/document\/([^/]+)$/.exec(ctx.path);
      if (!m) return next();
      ctx.body = await ctx.state.aspose.get(`/v4.0/words/${encodeURIComponent(decodeURIComponent(m[1]))}`);
    });
    handler = app.callback();
  }
  const listening = await listen<Server>(handler);
  const { url, port, server, bytesRead, close } = listening;
  return { framework, url, port, server, bytesRead, close };
}

/** Reads the whole request body: the mistake of a body parser run before the proxy. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The fast path: `asposeProxyListener` serves `/aspose` in front of an Express
 * app that has no proxy of its own, so that a request the listener does not
 * take is answered by the app (401 without the user, 404 with one), never
 * proxied by another way.
 */
function expressFastHandler(client: AsposeClient, options: FixtureOptions): Handler {
  const { bodyParserFirst, beforeProxy, corsOrigin, errorHandler, frontHeaders, ...proxyOptions } = options;
  if (errorHandler) throw new Error('the fast path has no framework error handling to delegate to (asposeProxyListener refuses delegateErrors)');
  const corsFirst = corsOrigin === undefined ? undefined : cors({ origin: corsOrigin, credentials: true });
  const app = express();
  app.disable('x-powered-by');
  app.use(expressAuth(client));
  app.use('/aspose', (req, res) => {
    if (req.headers['x-user'] !== USER['x-user']) res.status(401).json({ error: 'sign in first' });
    else res.status(404).json({ error: 'not proxied: the listener declined it' });
  });
  app.get('/me/document/:name', async (req, res) => {
    res.json(await req.aspose.get(`/v4.0/words/${encodeURIComponent(req.params.name)}`));
  });
  const listener = asposeProxyListener({ client, prefix: '/aspose', authorize: (req) => req.headers['x-user'] === USER['x-user'], ...proxyOptions }, app);
  // What runs in front of the listener stands in for the middleware the other apps run in front of the proxy.
  const serve: Handler = (req, res) => {
    beforeProxy?.(req);
    for (const name in frontHeaders) res.setHeader(name, frontHeaders[name]);
    if (!bodyParserFirst) return listener(req, res);
    void readBody(req).then(() => listener(req, res));
  };
  // cors() works on Node's own objects: in front of the listener, as a server using the fast path would run it.
  return corsFirst === undefined ? serve : (req, res) => corsFirst(req, res, () => serve(req, res));
}

/**
 * A Fastify 5 app: `asposeAuth` at the root, the proxy in a scope whose
 * `onRequest` hook is the sign-in check, on Fastify's own server.
 */
async function startFastifyProxyApp(client: AsposeClient, options: FixtureOptions): Promise<ProxyApp> {
  const { bodyParserFirst, beforeProxy, corsOrigin, errorHandler, frontHeaders, ...proxyOptions } = options;
  const app = Fastify();
  if (corsOrigin !== undefined) await app.register(fastifyCors, { origin: corsOrigin, credentials: true });
  if (errorHandler) {
    app.setErrorHandler((err: HttpError, _request, reply) => {
      void reply
        .code(err.status ?? 500)
        .headers(err.headers ?? {})
        .send(handled(err));
    });
  }
  await app.register(fastifyAuth, { client });
  if (beforeProxy) {
    app.addHook('onRequest', (request, _reply, done) => {
      beforeProxy(request.raw);
      done();
    });
  }
  if (frontHeaders) {
    app.addHook('onRequest', (_request, reply, done) => {
      void reply.headers(frontHeaders);
      done();
    });
  }
  await app.register(async (scope) => {
    scope.addHook('onRequest', (request, reply, done) => {
      if (request.headers['x-user'] === USER['x-user']) done();
      else void reply.code(401).send({ error: 'sign in first' });
    });
    if (bodyParserFirst) {
      scope.addHook('onRequest', async (request) => {
        await readBody(request.raw);
      });
    }
    await scope.register(fastifyProxy, { client, prefix: '/aspose', ...proxyOptions });
  });
  app.get<{ Params: { name: string } }>('/me/document/:name', (request) => request.aspose.get(`/v4.0/words/${encodeURIComponent(request.params.name)}`));
  await app.ready();
  const { url, port, server, bytesRead, close } = await listen<Server>(app.server);
  return {
    framework: 'fastify',
    url,
    port,
    server,
    bytesRead,
    close: async () => {
      await close();
      await app.close();
    },
  };
}

/** A stand-in, a client with its credentials, and a fixture app in front of it: what most proxy suites run against. */
export interface ProxyStack {
  standIn: AsposeStandIn;
  client: AsposeClient;
  app: ProxyApp;
  /** Closes the app, the client and the stand-in. */
  close(): Promise<void>;
}

/**
 * Starts a {@link ProxyStack}. `warm` takes one token up front, so that the
 * stand-in's counters move only for what the tests send.
 */
export async function startProxyStack(framework: Framework, options: FixtureOptions, { warm = false } = {}): Promise<ProxyStack> {
  const standIn = await startAsposeStandIn({ unknownRoutes: 'echo', documents: 'any' });
  const client = new AsposeClient({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url });
  const app = await startProxyApp(framework, client, options);
  if (warm) await client.tokens.getToken();
  return {
    standIn,
    client,
    app,
    close: async () => {
      await app.close();
      await client.close();
      await standIn.close();
    },
  };
}

/**
 * The CSRF header the app's own scripts send (`fetch(url, { headers: { 'x-requested-with': 'fetch' } })`):
 * what the proxy wants on every state-changing request by default.
 */
export const CSRF = { 'x-requested-with': 'fetch' } as const;

/**
 * {@link sendHttp} (../support/http.ts), as the app's own page would send it: signed in as the fixture's user
 * unless `user: false`, and with the CSRF header ({@link CSRF}) unless `csrf: false` (what a cross-site form sends).
 */
export function send(port: number, path: string, init: SendInit & { user?: boolean; csrf?: boolean } = {}): Promise<RawResponse> {
  const { user, csrf, ...rest } = init;
  return sendHttp(port, path, { ...rest, headers: { ...(user === false ? {} : USER), ...(csrf === false ? {} : CSRF), ...rest.headers } });
}

/** What a script in the browser might try: `GET` a token endpoint's path, or `POST` it the client_credentials form. */
export function sendTokenRequest(port: number, path: string, method: 'GET' | 'POST'): Promise<RawResponse> {
  return send(port, path, {
    method,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: method === 'POST' ? 'grant_type=client_credentials' : undefined,
  });
}
