// The Express adapter on a real Express 5 app: one shared client at
// req.aspose, and the proxy's Express-specific mounting.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { request } from 'undici';
import { AsposeClient, AsposeConfigError } from 'aspose-cloud-auth';
import { asposeAuth, asposeProxy } from 'aspose-cloud-auth/express';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';

async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function get(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await request(url, { method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

describe('aspose-cloud-auth/express', () => {
  let standIn: AsposeStandIn;
  let creds: { clientId: string; clientSecret: string; baseUrl: string };

  beforeAll(async () => {
    standIn = await startAsposeStandIn();
    creds = { clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url };
  });
  afterAll(() => standIn.close());
  beforeEach(() => standIn.resetCounters());

  describe('asposeAuth', () => {
    it('builds one client when the middleware is created and hands the same one to every request', async () => {
      const auth = asposeAuth(creds);
      expect(auth.client).toBeInstanceOf(AsposeClient);
      const seen = new Set<AsposeClient>();
      const app = express();
      app.use(auth);
      app.get('/doc/:name', async (req, res) => {
        seen.add(req.aspose);
        // Typed by declaration merging: no cast needed.
        const info = await req.aspose.get<{ Document: { FileName: string } }>(`/v4.0/words/${encodeURIComponent(req.params.name)}`);
        res.json({ name: info.Document.FileName });
      });
      const server = await listen(app);
      try {
        const names = await Promise.all(Array.from({ length: 50 }, (_, i) => get(`${server.url}/doc/d${i}.docx`).then((r) => r.json().name)));
        expect(names).toEqual(Array.from({ length: 50 }, (_, i) => `d${i}.docx`));
        expect([...seen]).toEqual([auth.client]);
        expect(standIn.tokenRequests).toBe(1);
      } finally {
        await server.close();
        await auth.client.close();
      }
    });

    it('hands out a client it is given, unchanged', async () => {
      const client = new AsposeClient(creds);
      const auth = asposeAuth(client);
      expect(auth.client).toBe(client);
      const app = express();
      app.use(auth);
      app.get('/same', (req, res) => {
        res.json({ same: req.aspose === client });
      });
      const server = await listen(app);
      try {
        expect((await get(`${server.url}/same`)).json()).toEqual({ same: true });
      } finally {
        await server.close();
        await client.close();
      }
    });

    it('reads the ASPOSE_* environment variables when given nothing', async () => {
      const saved = { ...process.env };
      Object.assign(process.env, { ASPOSE_CLIENT_ID: creds.clientId, ASPOSE_CLIENT_SECRET: creds.clientSecret, ASPOSE_BASE_URL: creds.baseUrl });
      try {
        const auth = asposeAuth();
        expect(auth.client.baseUrl).toBe(standIn.url);
        await auth.client.tokens.getToken();
        expect(standIn.tokenRequests).toBe(1);
        await auth.client.close();
      } finally {
        for (const k of ['ASPOSE_CLIENT_ID', 'ASPOSE_CLIENT_SECRET', 'ASPOSE_BASE_URL']) if (saved[k] === undefined) delete process.env[k];
      }
    });

    it('fails at creation, not on a request, when options are missing, and never shows the secret', () => {
      expect(() => asposeAuth({ clientId: 'id-only' })).toThrow(AsposeConfigError);
      expect(() => asposeAuth({ clientSecret: 'super-secret-value-123' })).toThrow(/clientId is missing/);
      try {
        asposeAuth({ clientSecret: 'super-secret-value-123', baseUrl: 'ftp://x' });
      } catch (err) {
        expect(String((err as Error).message)).not.toContain('super-secret-value-123');
      }
    });
  });

  describe('asposeProxy', () => {
    it('uses req.aspose when no client is given', async () => {
      const auth = asposeAuth(creds);
      const app = express();
      app.use(auth);
      app.use('/aspose', asposeProxy({ allow: ['GET /v4.0/words/'] }));
      const server = await listen(app);
      try {
        const res = await get(`${server.url}/aspose/v4.0/words/a.docx`);
        expect(res.status).toBe(200);
        expect(res.json().Document.FileName).toBe('a.docx');
      } finally {
        await server.close();
        await auth.client.close();
      }
    });

    it('answers 500 with advice when it has no client at all', async () => {
      const app = express();
      app.use('/aspose', asposeProxy({ allow: ['GET /v4.0/words/'] }));
      const server = await listen(app);
      try {
        const res = await get(`${server.url}/aspose/v4.0/words/a.docx`);
        expect(res.status).toBe(500);
        expect(res.json().error).toEqual({ code: 'ERR_ASPOSE_CONFIG', message: expect.stringContaining('asposeAuth()') });
      } finally {
        await server.close();
      }
    });

    it('works mounted in a Router, with body parsers scoped to the routes that need them', async () => {
      const client = new AsposeClient(creds);
      const app = express();
      const api = express.Router();
      api.use(express.json());
      api.post('/echo', (req, res) => {
        res.json({ got: req.body });
      });
      const aspose = express.Router();
      aspose.use(asposeProxy({ client, allow: ['POST /v4.0/barcode/generate'] }));
      app.use('/api', api);
      app.use('/bff/aspose', aspose);
      const server = await listen(app);
      try {
        const proxied = await get(`${server.url}/bff/aspose/v4.0/barcode/generate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"data":"42"}',
        });
        expect(proxied.status).toBe(200);
        expect(proxied.text).toContain('Code128: 42');
        expect((await get(`${server.url}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).json()).toEqual({
          got: { a: 1 },
        });
      } finally {
        await server.close();
        await client.close();
      }
    });

    it('with a prefix at the app level, hands every other request to the next middleware', async () => {
      const client = new AsposeClient(creds);
      const app = express();
      app.use(asposeProxy({ client, prefix: '/aspose', allow: ['GET /v4.0/words/'] }));
      app.get('/health', (_req, res) => {
        res.json({ ok: true });
      });
      app.get('/asposeX/v4.0/words/a', (_req, res) => {
        res.json({ mine: true });
      });
      const server = await listen(app);
      try {
        expect((await get(`${server.url}/health`)).json()).toEqual({ ok: true });
        expect((await get(`${server.url}/asposeX/v4.0/words/a`)).json()).toEqual({ mine: true });
        expect((await get(`${server.url}/aspose/v4.0/words/a.docx`)).json().Document.FileName).toBe('a.docx');
        expect((await get(`${server.url}/aspose/v4.0/cells/a`)).status).toBe(403);
      } finally {
        await server.close();
        await client.close();
      }
    });

    it('leaves the upstream status on res.statusCode for logging middleware', async () => {
      const client = new AsposeClient(creds);
      const statuses: number[] = [];
      const app = express();
      app.use((_req, res, next) => {
        res.on('finish', () => statuses.push(res.statusCode));
        next();
      });
      app.use('/aspose', asposeProxy({ client, allow: ['GET /v4.0/words/'] }));
      const server = await listen(app);
      try {
        await get(`${server.url}/aspose/v4.0/words/a.docx`);
        await get(`${server.url}/aspose/v4.0/words/missing.docx`);
        await get(`${server.url}/aspose/v4.0/cells/x`);
        expect(statuses).toEqual([200, 404, 403]);
      } finally {
        await server.close();
        await client.close();
      }
    });
  });
});
