/**
 * The official Aspose SDKs from npm (`asposewordscloud`, `asposecellscloud`)
 * pointed at the proxy, unchanged: with `sdkTokenEndpoint`, each SDK's own
 * token request is answered by the proxy with a placeholder, and its API
 * calls go upstream with the server's token. Without it, each SDK stops at
 * its token request (the proxy refuses token endpoints).
 */
import express from 'express';
import { CellsApi, StorageExistsRequest } from 'asposecellscloud';
import { GetDocumentRequest, WordsApi } from 'asposewordscloud';
import { AsposeClient } from 'aspose-cloud-auth';
import { asposeProxy } from 'aspose-cloud-auth/express';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';
import type { AsposeProxyOptions } from '../../src/proxy/aspose-proxy';
import { SDK_PLACEHOLDER_TOKEN } from '../../src/proxy/sdk-token';
import { cleanup, track } from '../support/cleanup';
import { listen, send } from '../support/http';
import { standIn } from '../support/servers';

/** What the SDKs are given instead of real credentials: they never leave the process's loopback, and nothing checks them. */
const SDK_ID = 'any-client-id';
const SDK_SECRET = 'sdk-secret-that-must-go-nowhere';

describe('official Aspose SDKs pointed at the proxy', () => {
  let aspose: AsposeStandIn;
  let client: AsposeClient;
  /** Every request the proxy app received: method, URL and whether it carried an Authorization header. */
  let seen: string[];

  beforeEach(async () => {
    aspose = await standIn();
    client = track(new AsposeClient({ clientId: aspose.clientId, clientSecret: aspose.clientSecret, baseUrl: aspose.url, allowInsecureHttp: true }), (c) =>
      c.close(),
    );
    seen = [];
  });
  afterEach(cleanup);

  /** Starts an Express app serving the proxy under `/aspose`; returns its origin and the SDKs' base URL. */
  async function proxyApp(options: Partial<AsposeProxyOptions>): Promise<{ origin: string; base: string }> {
    const app = express();
    app.use((req, _res, next) => {
      seen.push(`${req.method} ${req.url}`);
      next();
    });
    app.use('/aspose', asposeProxy({ client, allow: ['GET /v4.0/words/', 'GET /v4.0/cells/storage/', 'POST /v4.0/barcode/generate-body'], ...options }));
    const listening = track(await listen(app), (s) => s.close());
    return { origin: listening.url, base: `${listening.url}/aspose` };
  }

  describe('with sdkTokenEndpoint: true', () => {
    it('asposewordscloud works unchanged: its token request is answered by the proxy, its call goes upstream with the server token', async () => {
      const { base } = await proxyApp({ sdkTokenEndpoint: true });
      const words = new WordsApi(SDK_ID, SDK_SECRET, base);
      const answer = await words.getDocument(new GetDocumentRequest({ documentName: 'report.docx' }));

      expect(answer.body.document?.fileName).toBe('report.docx');
      expect(seen).toEqual(['POST /aspose/v4.0/words/connect/token', 'GET /aspose/v4.0/words/report.docx']);
      // Upstream saw one token request (the server's own) and the call, authorized with the server's token.
      expect(aspose.tokenRequests).toBe(1);
      expect(aspose.log).toEqual([expect.objectContaining({ method: 'GET', path: '/v4.0/words/report.docx', authorized: true })]);
    });

    it('asposecellscloud works unchanged, its token at /connect/token', async () => {
      const { base } = await proxyApp({ sdkTokenEndpoint: true });
      const cells = new CellsApi(SDK_ID, SDK_SECRET, 'v3.0', base);
      const answer = await cells.storageExists(new StorageExistsRequest({ storageName: 'First Storage' }));

      expect(answer.response.statusCode).toBe(200);
      expect(seen).toEqual(['POST /aspose/connect/token', 'GET /aspose/v4.0/cells/storage/First%20Storage/exist']);
      expect(aspose.tokenRequests).toBe(1);
      expect(aspose.log).toEqual([expect.objectContaining({ method: 'GET', path: '/v4.0/cells/storage/First%20Storage/exist', authorized: true })]);
    });

    it('answers the placeholder in the shape of a token endpoint, never cached, and sends nothing upstream for it', async () => {
      const { origin } = await proxyApp({ sdkTokenEndpoint: true });
      const form = `grant_type=client_credentials&client_id=${SDK_ID}&client_secret=${SDK_SECRET}`;
      for (const path of ['/connect/token', '/oauth2/token', '/v4.0/words/connect/token', '/v3.0/cells/connect/token', '/v1.1/connect/token']) {
        const r = await send(origin, `/aspose${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
        expect({ path, status: r.status }).toEqual({ path, status: 200 });
        expect(r.headers['cache-control']).toBe('no-store');
        expect(JSON.parse(r.text)).toEqual({
          access_token: SDK_PLACEHOLDER_TOKEN,
          token_type: 'Bearer',
          expires_in: 86400,
          refresh_token: SDK_PLACEHOLDER_TOKEN,
        });
        // Nothing of what the SDK posted comes back.
        expect(r.text).not.toContain(SDK_SECRET);
      }
      const refresh = await send(origin, `/aspose/connect/token`, { method: 'POST', body: `grant_type=refresh_token&refresh_token=${SDK_PLACEHOLDER_TOKEN}` });
      expect(refresh.status).toBe(200);
      expect(aspose.tokenRequests).toBe(0);
      expect(aspose.apiRequests).toBe(0);
    });

    it('refuses other grants, other methods and other token-looking paths as before', async () => {
      const { origin } = await proxyApp({ sdkTokenEndpoint: true });
      const password = await send(origin, `/aspose/connect/token`, { method: 'POST', body: 'grant_type=password&username=a&password=b' });
      expect(password.status).toBe(400);
      expect(JSON.parse(password.text)).toMatchObject({ error: 'unsupported_grant_type' });

      const get = await send(origin, `/aspose/connect/token`);
      expect(get.status).toBe(403);
      expect(JSON.parse(get.text)).toMatchObject({ error: { code: 'ERR_ASPOSE_PROXY_TOKEN_ENDPOINT' } });

      // A token path deeper than an SDK ever asks is still a token endpoint: refused, not answered.
      const deep = await send(origin, `/aspose/v4.0/words/x/connect/token`, { method: 'POST', body: 'grant_type=client_credentials' });
      expect(deep.status).toBe(403);
      expect(JSON.parse(deep.text)).toMatchObject({ error: { code: 'ERR_ASPOSE_PROXY_TOKEN_ENDPOINT' } });

      const huge = await send(origin, `/aspose/connect/token`, { method: 'POST', body: `grant_type=client_credentials&pad=${'x'.repeat(64 * 1024)}` });
      expect(huge.status).toBe(413);
      expect(aspose.tokenRequests).toBe(0);
    });

    it('never sends the placeholder upstream: the server token replaces it', async () => {
      const { origin } = await proxyApp({ sdkTokenEndpoint: true });
      const r = await send(origin, `/aspose/v4.0/words/report.docx`, { headers: { authorization: `Bearer ${SDK_PLACEHOLDER_TOKEN}` } });
      expect(r.status).toBe(200);
      expect(aspose.log).toEqual([expect.objectContaining({ path: '/v4.0/words/report.docx', authorized: true })]);
    });
  });

  it("lets an SDK's POST through the CSRF check on its placeholder bearer (no page on another site can send Authorization without a preflight)", async () => {
    const { origin } = await proxyApp({ sdkTokenEndpoint: true });
    const post = (headers: Record<string, string>) =>
      send(origin, '/aspose/v4.0/barcode/generate-body', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{"barcodeType":"QR","encodeData":{"data":"x"}}',
      });
    expect((await post({ authorization: `Bearer ${SDK_PLACEHOLDER_TOKEN}` })).status).toBe(200);
    const other = await post({ authorization: 'Bearer something-else' });
    expect(other.status).toBe(403);
    expect(other.json()).toMatchObject({ error: { code: 'ERR_ASPOSE_PROXY_CSRF' } });
    expect(aspose.log.map((r) => `${r.method} ${r.path} ${r.authorized}`)).toEqual(['POST /v4.0/barcode/generate-body true']);
  });

  describe('without it (the default)', () => {
    it('each SDK stops at its token request, refused 403 ERR_ASPOSE_PROXY_TOKEN_ENDPOINT, and nothing reaches Aspose', async () => {
      const { origin, base } = await proxyApp({});
      const words = new WordsApi(SDK_ID, SDK_SECRET, base);
      await expect(words.getDocument(new GetDocumentRequest({ documentName: 'report.docx' }))).rejects.toBeDefined();
      const cells = new CellsApi(SDK_ID, SDK_SECRET, 'v3.0', base);
      await expect(cells.storageExists(new StorageExistsRequest({ storageName: 'First Storage' }))).rejects.toBeDefined();
      expect(seen).toEqual(['POST /aspose/v4.0/words/connect/token', 'POST /aspose/connect/token']);
      // Nor does the placeholder pass the CSRF check.
      const post = await send(origin, '/aspose/v4.0/barcode/generate-body', {
        method: 'POST',
        headers: { authorization: `Bearer ${SDK_PLACEHOLDER_TOKEN}`, 'content-type': 'application/json' },
        body: '{"barcodeType":"QR","encodeData":{"data":"x"}}',
      });
      expect(post.json()).toMatchObject({ error: { code: 'ERR_ASPOSE_PROXY_CSRF' } });
      expect(aspose.tokenRequests).toBe(0);
      expect(aspose.apiRequests).toBe(0);
    });
  });

  it('validates the option', () => {
    expect(() => asposeProxy({ client, allow: ['GET /v4.0/words/'], sdkTokenEndpoint: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'ERR_ASPOSE_CONFIG', message: expect.stringContaining('sdkTokenEndpoint') }),
    );
  });
});
