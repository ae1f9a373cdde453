// One proxy under test in bench/proxy.bench.mjs, in its own process so that
// its CPU time is its own (process.cpuUsage(), read over IPC around each
// round) and the proxy, the load generator and the stand-in each get their
// own event loop. Started by fork() with ARM, STAND_IN_URL, CLIENT_ID and
// CLIENT_SECRET; reports its URL over IPC.
//
// Every arm serves GET /aspose/* (the prefix cut off) behind the same
// stand-in auth check (`x-user: bench`, else 401), and forwards to the
// stand-in:
// - bare: a node:http server and undici stream() with a fixed Bearer header:
//   no framework, no checks, no token service. The floor.
// - express, koa, fastify: asposeProxy on each framework, every rule on.
// - express-fast: asposeProxyListener in front of an Express app.
// - express-hand-rolled, fastify-hand-rolled: the bare forwarder inside
//   Express, and in a Fastify route (hijacked reply): what each framework
//   itself costs a forwarder.
// - fastify-http-proxy: @fastify/http-proxy (undici underneath), the token
//   added by rewriteRequestHeaders.
// - http-proxy-middleware: on Express, with a keep-alive agent, the token
//   added on proxyReq.
import http from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import fastifyHttpProxy from '@fastify/http-proxy';
import { createProxyMiddleware } from 'http-proxy-middleware';
import Koa from 'koa';
import { Agent } from 'undici';
import { AsposeClient } from '../dist/esm/index.js';
import { asposeAuth, asposeProxy } from '../dist/esm/express/index.js';
import { asposeProxy as koaProxy } from '../dist/esm/koa/index.js';
import { asposeAuth as fastifyAuth, asposeProxy as fastifyProxy } from '../dist/esm/fastify/index.js';
import { asposeProxyListener } from '../dist/esm/node/index.js';
import { fetchRawToken } from './lib.mjs';

const base = process.env.STAND_IN_URL;
const arm = process.env.ARM;
const allow = ['GET /v4.0/words/', 'GET /__stand-in/'];
const client = new AsposeClient({ clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET, baseUrl: base });
const agent = new Agent();
const fixed = `Bearer ${await fetchRawToken(base, { clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET }, agent)}`;
const signedIn = (req) => req.headers['x-user'] === 'bench';

/** The thinnest forwarder: undici stream() to the stand-in, a fixed header, the answer piped back as it is. */
const forward = (req, res, path) =>
  agent
    .stream({ origin: base, path, method: req.method, headers: { authorization: fixed, accept: req.headers.accept } }, ({ statusCode, headers }) => {
      res.writeHead(statusCode, headers);
      return res;
    })
    .catch(() => res.destroy());

function expressApp() {
  const app = express();
  app.disable('x-powered-by');
  return app;
}
const requireUser = (req, res, next) => (signedIn(req) ? next() : res.status(401).end());

let close;
let url;
const listenNode = async (server) => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}`;
  close = () => new Promise((resolve) => server.close(resolve));
};
const listenFastify = async (app) => {
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  close = () => app.close();
};

switch (arm) {
  case 'bare':
    await listenNode(
      http.createServer((req, res) => {
        if (!req.url.startsWith('/aspose/')) return void res.writeHead(404).end();
        if (!signedIn(req)) return void res.writeHead(401).end();
        forward(req, res, req.url.slice('/aspose'.length));
      }),
    );
    break;
  case 'express': {
    const app = expressApp();
    app.use(asposeAuth(client));
    app.use('/aspose', requireUser, asposeProxy({ client, allow }));
    await listenNode(http.createServer(app));
    break;
  }
  case 'express-fast': {
    const app = expressApp();
    app.use(asposeAuth(client));
    await listenNode(http.createServer(asposeProxyListener({ client, prefix: '/aspose', allow, authorize: signedIn }, app)));
    break;
  }
  case 'express-hand-rolled': {
    const app = expressApp();
    app.use('/aspose', requireUser, (req, res) => forward(req, res, req.url));
    await listenNode(http.createServer(app));
    break;
  }
  case 'http-proxy-middleware': {
    const app = expressApp();
    const keepAlive = new http.Agent({ keepAlive: true });
    app.use(
      '/aspose',
      requireUser,
      createProxyMiddleware({ target: base, agent: keepAlive, on: { proxyReq: (proxyReq) => proxyReq.setHeader('authorization', fixed) } }),
    );
    await listenNode(http.createServer(app));
    break;
  }
  case 'koa': {
    const app = new Koa();
    app.use((ctx, next) => {
      if (signedIn(ctx.req)) return next();
      ctx.status = 401;
    });
    app.use(koaProxy({ client, prefix: '/aspose', allow }));
    await listenNode(http.createServer(app.callback()));
    break;
  }
  case 'fastify': {
    const app = Fastify();
    await app.register(fastifyAuth, { client });
    await app.register(async (scope) => {
      scope.addHook('onRequest', (req, reply, done) => (signedIn(req) ? done() : reply.code(401).send()));
      await scope.register(fastifyProxy, { prefix: '/aspose', allow });
    });
    await listenFastify(app);
    break;
  }
  case 'fastify-hand-rolled': {
    const app = Fastify();
    app.addHook('onRequest', (req, reply, done) => (signedIn(req) ? done() : reply.code(401).send()));
    app.get('/aspose/*', (request, reply) => {
      reply.hijack();
      forward(request.raw, reply.raw, request.raw.url.slice('/aspose'.length));
    });
    await listenFastify(app);
    break;
  }
  case 'fastify-http-proxy': {
    const app = Fastify();
    await app.register(async (scope) => {
      scope.addHook('onRequest', (req, reply, done) => (signedIn(req) ? done() : reply.code(401).send()));
      await scope.register(fastifyHttpProxy, {
        upstream: base,
        prefix: '/aspose',
        replyOptions: { rewriteRequestHeaders: (_req, headers) => ({ ...headers, authorization: fixed }) },
      });
    });
    await listenFastify(app);
    break;
  }
  default:
    throw new Error(`unknown ARM ${arm}`);
}

process.send({ id: 'ready', url });
process.on('message', (msg) => {
  if (msg === 'cpu') process.send({ id: 'cpu', ...process.cpuUsage() });
  else if (msg === 'stats') process.send({ id: 'stats', ...client.tokens.stats });
  else if (msg === 'close') close().then(() => Promise.all([client.close(), agent.close()]).then(() => process.exit(0)));
});
process.on('disconnect', () => process.exit(0));
