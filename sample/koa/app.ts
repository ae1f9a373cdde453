// A backend-for-frontend in Koa: the browser calls /aspose/… and this server
// forwards the allowed calls to Aspose Cloud with its own token. The client
// secret never leaves the server.
//
//   npm run sample:koa              # demo run against a local stand-in, then exit
//   npm run sample:koa -- --serve   # keep serving on PORT (default 3000)
//
// With ASPOSE_CLIENT_ID and ASPOSE_CLIENT_SECRET set, it talks to the real API instead.
import Koa, { type Middleware } from 'koa';
import { AsposeClient, AsposeApiError, loadAsposeConfig } from 'aspose-cloud-auth';
import { asposeAuth, asposeProxy } from 'aspose-cloud-auth/koa';
import { startAsposeStandIn } from 'aspose-cloud-auth/testing';
import { runDemo } from '../shared/demo.js';

async function main(): Promise<void> {
  const serve = process.argv.includes('--serve');
  // No credentials in the environment: run against a local Aspose stand-in.
  const standIn = process.env.ASPOSE_CLIENT_ID ? undefined : await startAsposeStandIn();
  // The stand-in answers only for documents in its storage, as Aspose does: put the demo's there.
  standIn?.storage.put('report.docx', "a document in the stand-in's storage");
  const client = new AsposeClient(standIn ? { clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url } : loadAsposeConfig());

  const app = new Koa();
  // One shared client for the whole app, at ctx.state.aspose.
  app.use(asposeAuth(client));

  // Your own authentication. The demo trusts a header; use your session or JWT check.
  const requireUser: Middleware = async (ctx, next) => {
    if (!ctx.get('x-demo-user')) {
      ctx.status = 401;
      ctx.body = { error: 'sign in first' };
      return;
    }
    await next();
  };
  app.use(requireUser);

  // The proxy: behind requireUser (or anyone could spend your credits), and
  // before any body parser (it streams bodies, and cannot forward one already read).
  app.use(
    asposeProxy({
      client,
      prefix: '/aspose',
      allow: ['GET /v4.0/words/', 'GET /v4.0/barcode/generate/', '* /v5.0/ocr/'],
      timeoutMs: 60_000,
      maxBodyBytes: 50 * 1024 * 1024,
      onError: (err) => console.warn(`[aspose proxy] ${err.code}: ${err.message}`),
    }),
  );

  // A route of your own that uses the shared client directly.
  app.use(async (ctx, next) => {
    const m = /^\/api\/documents\/([^/]+)$/.exec(ctx.path);
    if (!m) {
      await next();
      return;
    }
    try {
      const info = await ctx.state.aspose.get<{ Document: { FileName: string; SourceFormat: string } }>(`/v4.0/words/${m[1]}`);
      ctx.body = { name: info.Document.FileName, format: info.Document.SourceFormat };
    } catch (err) {
      if (!(err instanceof AsposeApiError)) throw err;
      ctx.status = err.status;
      ctx.body = { error: err.apiCode ?? err.code };
    }
  });

  const port = serve ? Number(process.env.PORT ?? 3000) : 0;
  const server = app.listen(port, '127.0.0.1');
  await runDemo({ framework: 'Koa', server, client, standIn, serve, clientOn: 'ctx.state.aspose' });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
