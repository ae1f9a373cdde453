/**
 * Every code example in docs/express-koa.md, so that `npm run typecheck`
 * proves they compile. This file is type-checked, not run.
 */
import express, { type RequestHandler } from 'express';
import Koa, { type Middleware } from 'koa';
import { AsposeClient, AsposeApiError, loadAsposeConfig } from 'aspose-cloud-auth';
import { asposeAuth, asposeProxy } from 'aspose-cloud-auth/express';
import { asposeAuth as koaAsposeAuth, asposeProxy as koaAsposeProxy } from 'aspose-cloud-auth/koa';

declare const requireUser: RequestHandler; // your session or JWT check
declare const koaRequireUser: Middleware;

export function expressSharedClient(): express.Express {
  // docs: Express, one shared client
  const app = express();
  app.use(asposeAuth({ clientId: process.env.ASPOSE_CLIENT_ID, clientSecret: process.env.ASPOSE_CLIENT_SECRET }));

  app.get('/documents/:name', requireUser, async (req, res, next) => {
    try {
      const info = await req.aspose.get<{ Document: { FileName: string } }>(`/v4.0/words/${encodeURIComponent(req.params.name as string)}`);
      res.json({ name: info.Document.FileName });
    } catch (err) {
      if (err instanceof AsposeApiError && err.status === 404) {
        res.status(404).json({ error: 'no such document' });
        return;
      }
      next(err);
    }
  });
  return app;
}

export function expressProxy(): express.Express {
  // docs: Express, the proxy
  const client = new AsposeClient({ clientId: process.env.ASPOSE_CLIENT_ID, clientSecret: process.env.ASPOSE_CLIENT_SECRET });
  const app = express();
  app.use(asposeAuth(client)); // req.aspose, for your own routes

  // 1. Your own authentication first: the proxy spends your account's credits.
  // 2. The proxy before any body parser: it streams the body upstream.
  app.use(
    '/aspose',
    requireUser,
    asposeProxy({
      client,
      allow: ['GET /v4.0/words/', 'POST /v4.0/barcode/generate', '* /v5.0/ocr/'],
      timeoutMs: 60_000,
      maxBodyBytes: 50 * 1024 * 1024,
      onError: (err, req) => console.warn(`aspose proxy: ${req.method} ${req.url}: ${err.code} ${err.message}`),
    }),
  );

  // 3. Body parsers after it (or scoped to the routes that need them).
  app.use(express.json());
  app.post('/api/notes', requireUser, (req, res) => {
    res.json({ saved: req.body });
  });
  return app;
}

export function expressScopedParsers(): express.Express {
  // docs: where body parsers must not run (Express)
  const app = express();
  const api = express.Router();
  api.use(express.json()); // parses /api/* only
  app.use('/api', api);
  app.use('/aspose', requireUser, asposeProxy({ allow: ['PUT /v4.0/words/storage/file/'] })); // client from req.aspose
  return app;
}

export function koaSharedClientAndProxy(): Koa {
  // docs: Koa
  const client = new AsposeClient({ clientId: process.env.ASPOSE_CLIENT_ID, clientSecret: process.env.ASPOSE_CLIENT_SECRET });
  const app = new Koa();
  app.use(koaAsposeAuth(client)); // ctx.state.aspose

  app.use(koaRequireUser); // your own authentication, before the proxy
  app.use(koaAsposeProxy({ client, prefix: '/aspose', allow: ['GET /v4.0/words/', '* /v5.0/ocr/'] }));
  // koa-bodyparser, if you use it, goes here: after the proxy.

  app.use(async (ctx) => {
    if (ctx.path === '/api/report') {
      ctx.body = await ctx.state.aspose.get('/v4.0/words/report.docx');
    }
  });
  return app;
}

export async function shutdown(server: import('node:http').Server): Promise<void> {
  // docs: closing the shared client
  const auth = asposeAuth(); // reads ASPOSE_CLIENT_ID, ASPOSE_CLIENT_SECRET, …
  // … app.use(auth) …
  server.close();
  await auth.client.close();
}

export function readmeExpress(): express.Express {
  // README: Express and Koa (Express)
  const client = new AsposeClient(loadAsposeConfig());
  const app = express();
  app.use(asposeAuth(client)); // req.aspose: the one shared client (typed by declaration merging)
  app.use('/aspose', requireUser, asposeProxy({ client, allow: ['GET /v4.0/words/', 'POST /v4.0/barcode/generate', '* /v5.0/ocr/'] }));
  app.use(express.json()); // body parsers AFTER the proxy: it streams the body upstream
  return app;
}

export function readmeKoa(client: AsposeClient): Koa {
  // README: Express and Koa (Koa)
  const app = new Koa();
  app.use(koaAsposeAuth(client)); // ctx.state.aspose (typed through Koa's DefaultState)
  app.use(koaRequireUser);
  app.use(koaAsposeProxy({ client, prefix: '/aspose', allow: ['GET /v4.0/words/'] }));
  return app;
}
