/**
 * The proxy as a browser meets it: headless Chromium (Debian's `chromium`,
 * driven by playwright-core) loads a page from another site that calls the
 * proxy through `cors()` with fetch, and a page that posts a plain HTML form
 * to it. The page's fetches work and never see the server's token; the form
 * POST (the shape of a cross-site request forgery) is refused before
 * anything goes upstream.
 *
 * CI installs Chromium (`.ci/run`); elsewhere the suite is skipped, saying
 * so, when no Chromium is found.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import cors from 'cors';
import express from 'express';
import { chromium, type Browser } from 'playwright-core';
import { AsposeClient } from 'aspose-cloud-auth';
import { asposeProxy } from 'aspose-cloud-auth/express';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';
import { cleanup, track } from '../support/cleanup';
import { listen, type Listening } from '../support/http';
import { standIn } from '../support/servers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM && process.env.CI) throw new Error('CI must install Chromium (apt-get install -y chromium): the browser suite cannot be skipped there');
if (!CHROMIUM) console.warn('test/browser: no Chromium found (set CHROMIUM_PATH or apt-get install chromium); the browser suite is skipped');
const describeWithBrowser = CHROMIUM ? describe : describe.skip;

describeWithBrowser('the proxy in a real browser (Chromium)', () => {
  let browser: Browser;
  let aspose: AsposeStandIn;
  let client: AsposeClient;
  let api: Listening;
  let page: Listening;
  /** The page's origin: `localhost`, another site than the API's `127.0.0.1`. */
  let pageOrigin: string;
  let token: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    aspose = await standIn();
    client = track(new AsposeClient({ clientId: aspose.clientId, clientSecret: aspose.clientSecret, baseUrl: aspose.url, allowInsecureHttp: true }), (c) =>
      c.close(),
    );
    token = (await client.tokens.getToken()).value;

    // The page: served from http://localhost:{port}, so the API on 127.0.0.1 is cross-site to it.
    page = track(
      await listen(
        createServer((req, res) => {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(PAGES[req.url ?? '/'] ?? '<!doctype html><title>none</title>');
        }),
      ),
      (s) => s.close(),
    );
    pageOrigin = `http://localhost:${page.port}`;

    // The API: cors() in front of the proxy, as docs/express-koa.md shows.
    const app = express();
    app.use(cors({ origin: pageOrigin, credentials: true, allowedHeaders: ['x-requested-with', 'content-type'] }));
    app.use('/aspose', asposeProxy({ client, allow: ['GET /v4.0/words/', 'POST /v4.0/barcode/generate-multipart'] }));
    api = track(await listen(app), (s) => s.close());
  });
  afterEach(cleanup);

  /** Opens `path` of the page server in a fresh browser context and returns the page. */
  async function open(path: string) {
    const context = await browser.newContext();
    track(context, (c) => c.close());
    const tab = await context.newPage();
    await tab.goto(`${pageOrigin}${path}`);
    return tab;
  }

  it('serves a cross-origin page through cors(): the answer arrives, with cors() headers, and the token never reaches the page', async () => {
    const tab = await open('/fetch.html');
    const seen = await tab.evaluate(async (apiUrl: string) => {
      const read = async (r: Response) => ({ status: r.status, headers: [...r.headers].map(([k, v]) => `${k}: ${v}`), body: await r.text() });
      const get = await fetch(`${apiUrl}/aspose/v4.0/words/report.docx`, { credentials: 'include', headers: { 'x-requested-with': 'fetch' } });
      const form = new FormData();
      form.append('barcodeType', 'QR');
      form.append('data', 'hello');
      form.append('imageFormat', 'Svg');
      const post = await fetch(`${apiUrl}/aspose/v4.0/barcode/generate-multipart`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'x-requested-with': 'fetch' },
        body: form,
      });
      return { get: await read(get), post: await read(post) };
    }, api.url);

    expect(seen.get.status).toBe(200);
    expect(JSON.parse(seen.get.body)).toMatchObject({ Document: { FileName: 'report.docx' } });
    expect(seen.post.status).toBe(200);
    expect(seen.post.body).toContain('<svg');
    // What the page could read (headers it is allowed to see, bodies) holds nothing of the token.
    expect(JSON.stringify(seen)).not.toContain(token);
    expect(JSON.stringify(seen)).not.toContain(token.split('.')[2]);
    // Both calls went upstream with the server's token, the POST after a preflight that cors() answered and the proxy never forwarded.
    expect(aspose.log.map((r) => `${r.method} ${r.path} ${r.authorized}`)).toEqual([
      'GET /v4.0/words/report.docx true',
      'POST /v4.0/barcode/generate-multipart true',
    ]);
  });

  it("sends cors()'s Access-Control-Allow-Origin to the browser, never upstream's `*`", async () => {
    const app = express();
    app.use(cors({ origin: pageOrigin, credentials: true, allowedHeaders: ['x-requested-with'] }));
    app.use('/aspose', asposeProxy({ client, allow: ['GET /__stand-in/headers'] }));
    const headersApi = track(await listen(app), (s) => s.close());
    const tab = await open('/fetch.html');
    const outcome = await tab.evaluate(async (url: string) => {
      try {
        const r = await fetch(url, { credentials: 'include', headers: { 'x-requested-with': 'fetch' } });
        return { status: r.status, body: await r.text() };
      } catch (e) {
        return { error: String(e) };
      }
    }, `${headersApi.url}/aspose/__stand-in/headers?access-control-allow-origin=*&access-control-allow-credentials=false`);
    // A credentialed fetch fails in the browser if `*` (or credentials false) reached it; it succeeds with cors()'s answer.
    expect(outcome).toMatchObject({ status: 200 });
  });

  it('refuses a GET that a page of another site makes the browser send (a link followed), before anything goes upstream', async () => {
    const before = { api: aspose.apiRequests, tokens: aspose.tokenRequests };
    const tab = await open('/form.html');
    const target = `${api.url}/aspose/v4.0/words/report.docx`;
    await tab.evaluate((url: string) => {
      (globalThis as unknown as { location: { href: string } }).location.href = url;
    }, target);
    await tab.waitForURL(target);
    const body = await tab.evaluate(() => (globalThis as unknown as { document: PageDocument }).document.body.innerText);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'ERR_ASPOSE_PROXY_CSRF' } });
    expect(aspose.apiRequests).toBe(before.api);
    expect(aspose.tokenRequests).toBe(before.tokens);
  });

  it('refuses a cross-site HTML form POST (no custom header) with 403 ERR_ASPOSE_PROXY_CSRF before anything goes upstream', async () => {
    const before = { api: aspose.apiRequests, tokens: aspose.tokenRequests };
    const tab = await open('/form.html');
    await tab.evaluate((apiUrl: string) => {
      const document = (globalThis as unknown as { document: PageDocument }).document;
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = `${apiUrl}/aspose/v4.0/barcode/generate-multipart`;
      const field = document.createElement('input');
      field.name = 'data';
      field.value = 'transfer all credits';
      form.append(field);
      document.body.append(form);
      form.submit();
    }, api.url);
    await tab.waitForURL(`${api.url}/aspose/v4.0/barcode/generate-multipart`);
    const body = await tab.evaluate(() => (globalThis as unknown as { document: PageDocument }).document.body.innerText);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'ERR_ASPOSE_PROXY_CSRF' } });
    expect(aspose.apiRequests).toBe(before.api);
    expect(aspose.tokenRequests).toBe(before.tokens);
  });
});

/** The little of the DOM the page scripts use (this project compiles without the DOM library). */
interface PageElement {
  append(...nodes: PageElement[]): void;
  name: string;
  value: string;
  method: string;
  action: string;
  submit(): void;
}
interface PageDocument {
  createElement(tag: 'form' | 'input'): PageElement;
  body: PageElement & { innerText: string };
}

const PAGES: Record<string, string> = {
  '/fetch.html': '<!doctype html><title>a page on another site</title><p>fetch</p>',
  '/form.html': '<!doctype html><title>a hostile page</title><p>form</p>',
};
