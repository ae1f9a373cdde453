// Small Express 5, Koa 3 and Fastify 5 apps with asposeProxy mounted behind a
// stand-in "requireUser" check (and an Express app behind asposeProxyListener,
// the fast path), listening on ephemeral loopback ports, and `send`, which
// signs the request in as that check wants.
import type { IncomingMessage, Server } from 'node:http';
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
}

/**
 * Starts an app where `/aspose/*` is proxied for signed-in users only, and
 * `/me/document/:name` uses the shared client directly.
 */
export async function startProxyApp(framework: Framework, client: AsposeClient, options: FixtureOptions): Promise<ProxyApp> {
  const { bodyParserFirst, beforeProxy, ...proxyOptions } = options;
  if (framework === 'fastify') return startFastifyProxyApp(client, options);
  let handler: Handler;
  if (framework === 'express-fast') {
    handler = expressFastHandler(client, options);
  } else if (framework === 'express') {
    const app = express();
    app.disable('x-powered-by');
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
    app.use('/aspose', requireUser, expressProxy({ client, ...proxyOptions }));
    app.get('/me/document/:name', async (req, res) => {
      res.json(await req.aspose.get(`/v4.0/words/${encodeURIComponent(req.params.name)}`));
    });
    handler = app;
  } else {
    const app = new Koa();
    // Koa reports every socket error, including a caller hanging up, which these tests do on purpose.
    app.on('error', (err: NodeJS.ErrnoException) => {
      if (!/^(ECONNRESET|ECONNABORTED|EPIPE|HPE_|ERR_STREAM_PREMATURE_CLOSE)/.test(err.code ?? '') && err.message !== 'aborted') console.error(err);
    });
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
  const { bodyParserFirst, beforeProxy, ...proxyOptions } = options;
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
  return (req, res) => {
    beforeProxy?.(req);
    if (!bodyParserFirst) return listener(req, res);
    void readBody(req).then(() => listener(req, res));
  };
}

/**
 * A Fastify 5 app: `asposeAuth` at the root, the proxy in a scope whose
 * `onRequest` hook is the sign-in check, on Fastify's own server.
 */
async function startFastifyProxyApp(client: AsposeClient, options: FixtureOptions): Promise<ProxyApp> {
  const { bodyParserFirst, beforeProxy, ...proxyOptions } = options;
  const app = Fastify();
  await app.register(fastifyAuth, { client });
  if (beforeProxy) {
    app.addHook('onRequest', (request, _reply, done) => {
      beforeProxy(request.raw);
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
  const standIn = await startAsposeStandIn();
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

/** {@link sendHttp} (../support/http.ts), signed in as the fixture's user unless `user: false`. */
export function send(port: number, path: string, init: SendInit & { user?: boolean } = {}): Promise<RawResponse> {
  const { user, ...rest } = init;
  return sendHttp(port, path, { ...rest, headers: { ...(user === false ? {} : USER), ...rest.headers } });
}

/** What a script in the browser might try: `GET` a token endpoint's path, or `POST` it the client_credentials form. */
export function sendTokenRequest(port: number, path: string, method: 'GET' | 'POST'): Promise<RawResponse> {
  return send(port, path, {
    method,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: method === 'POST' ? 'grant_type=client_credentials' : undefined,
  });
}
