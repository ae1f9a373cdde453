// The Koa adapter on a real Koa 3 app: one shared client at
// ctx.state.aspose, and the proxy's place in the middleware chain.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { request } from 'undici';
import { AsposeClient, AsposeConfigError } from 'aspose-cloud-auth';
import { asposeAuth, asposeProxy } from 'aspose-cloud-auth/koa';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';

async function listen(app: Koa): Promise<{ url: string; close(): Promise<void> }> {
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

describe('aspose-cloud-auth/koa', () => {
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
      const app = new Koa();
      app.use(auth);
      app.use(async (ctx) => {
        seen.add(ctx.state.aspose);
        // Typed through Koa's DefaultState: no cast needed.
        const info = await ctx.state.aspose.get<{ Document: { FileName: string } }>(`/v4.0/words${ctx.path}`);
        ctx.body = { name: info.Document.FileName };
      });
      const server = await listen(app);
      try {
        const names = await Promise.all(Array.from({ length: 50 }, (_, i) => get(`${server.url}/d${i}.docx`).then((r) => r.json().name)));
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
      const app = new Koa();
      app.use(auth);
      app.use((ctx) => {
        ctx.body = { same: ctx.state.aspose === client };
      });
      const server = await listen(app);
      try {
        expect((await get(server.url)).json()).toEqual({ same: true });
      } finally {
        await server.close();
        await client.close();
      }
    });

    it('fails at creation, not on a request, when options are missing', () => {
      expect(() => asposeAuth({ clientId: 'id-only' })).toThrow(AsposeConfigError);
    });
  });

  describe('asposeProxy', () => {
    it('handles only its prefix and passes everything else down the chain', async () => {
      const auth = asposeAuth(creds);
      const app = new Koa();
      app.use(auth);
      app.use(asposeProxy({ prefix: '/aspose', allow: ['GET /v4.0/words/'] })); // client from ctx.state.aspose
      let reachedAfterProxy = 0;
      app.use((ctx) => {
        reachedAfterProxy++;
        ctx.body = { app: ctx.path };
      });
      const server = await listen(app);
      try {
        expect((await get(`${server.url}/health`)).json()).toEqual({ app: '/health' });
        expect((await get(`${server.url}/asposeX/v4.0/words/a`)).json()).toEqual({ app: '/asposeX/v4.0/words/a' });
        expect(reachedAfterProxy).toBe(2);
        const proxied = await get(`${server.url}/aspose/v4.0/words/a.docx`);
        expect(proxied.json().Document.FileName).toBe('a.docx');
        expect((await get(`${server.url}/aspose/v4.0/cells/x`)).status).toBe(403);
        expect(reachedAfterProxy).toBe(2); // the proxy answered; nothing after it ran
      } finally {
        await server.close();
        await auth.client.close();
      }
    });

    it('lets middleware in front of it see the final status after `await next()`', async () => {
      const client = new AsposeClient(creds);
      const seen: number[] = [];
      const app = new Koa();
      app.use(async (ctx, next) => {
        await next();
        seen.push(ctx.status);
      });
      app.use(asposeProxy({ client, prefix: '/aspose', allow: ['GET /v4.0/words/'] }));
      const server = await listen(app);
      try {
        await get(`${server.url}/aspose/v4.0/words/a.docx`);
        await get(`${server.url}/aspose/v4.0/words/missing.docx`);
        await get(`${server.url}/aspose/v4.0/cells/x`);
        expect(seen).toEqual([200, 404, 403]);
      } finally {
        await server.close();
        await client.close();
      }
    });

    it('answers 500 with advice when it has no client at all', async () => {
      const app = new Koa();
      app.use(asposeProxy({ prefix: '/aspose', allow: ['GET /v4.0/words/'] }));
      const server = await listen(app);
      try {
        const res = await get(`${server.url}/aspose/v4.0/words/a.docx`);
        expect(res.status).toBe(500);
        expect(res.json().error.code).toBe('ERR_ASPOSE_CONFIG');
      } finally {
        await server.close();
      }
    });
  });
});
