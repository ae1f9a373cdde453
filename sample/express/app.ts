// A backend-for-frontend in Express: the browser calls /aspose/… and this
// server forwards the allowed calls to Aspose Cloud with its own token. The
// client secret never leaves the server.
//
//   npm run sample:express              # demo run against a local stand-in, then exit
//   npm run sample:express -- --serve   # keep serving on PORT (default 3000)
//
// With ASPOSE_CLIENT_ID and ASPOSE_CLIENT_SECRET set, it talks to the real API instead.
import express, { type RequestHandler } from 'express';
import { AsposeClient, loadAsposeConfig } from 'aspose-cloud-auth';
import { asposeAuth, asposeProxy } from 'aspose-cloud-auth/express';
import { startAsposeStandIn } from 'aspose-cloud-auth/testing';
import { runDemo } from '../shared/demo.js';

async function main(): Promise<void> {
  const serve = process.argv.includes('--serve');
  // No credentials in the environment: run against a local Aspose stand-in.
  const standIn = process.env.ASPOSE_CLIENT_ID ? undefined : await startAsposeStandIn();
  // The stand-in answers only for documents in its storage, as Aspose does: put the demo's there.
  standIn?.storage.put('report.docx', "a document in the stand-in's storage");
  const client = new AsposeClient(standIn ? { clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url } : loadAsposeConfig());

  const app = express();
  app.disable('x-powered-by');
  // One shared client for the whole app, at req.aspose.
  app.use(asposeAuth(client));

  // Your own authentication. The demo trusts a header; use your session or JWT check.
  const requireUser: RequestHandler = (req, res, next) => {
    if (!req.get('x-demo-user')) {
      res.status(401).json({ error: 'sign in first' });
      return;
    }
    next();
  };

  // The proxy: behind requireUser (or anyone could spend your credits), and
  // before any body parser (it streams bodies, and cannot forward one already read).
  app.use(
    '/aspose',
    requireUser,
    asposeProxy({
      client,
      allow: ['GET /v4.0/words/', 'GET /v4.0/barcode/generate/', '* /v5.0/ocr/'],
      timeoutMs: 60_000,
      maxBodyBytes: 50 * 1024 * 1024,
      onError: (err) => console.warn(`[aspose proxy] ${err.code}: ${err.message}`),
    }),
  );

  // Body parsers after the proxy, for the app's own routes.
  app.use(express.json());

  // A route of your own that uses the shared client directly.
  app.get('/api/documents/:name', requireUser, async (req, res, next) => {
    try {
      const info = await req.aspose.get<{ Document: { FileName: string; SourceFormat: string } }>(
        `/v4.0/words/${encodeURIComponent(req.params.name as string)}`,
      );
      res.json({ name: info.Document.FileName, format: info.Document.SourceFormat });
    } catch (err) {
      next(err);
    }
  });

  const port = serve ? Number(process.env.PORT ?? 3000) : 0;
  const server = app.listen(port, '127.0.0.1');
  await runDemo({ framework: 'Express', server, client, standIn, serve, clientOn: 'req.aspose' });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
