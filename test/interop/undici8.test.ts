/**
 * Dispatchers from undici 8, the undici an application on Node 22.19+ gets
 * with `npm install undici` today, passed as `dispatcher` to `AsposeClient`
 * and to a standalone `TokenService`: a plain `Agent`, one composed with
 * undici 8's retry or redirect interceptor, and a `ProxyAgent` through a
 * forward proxy on loopback, both in absolute-form (undici 8's default for
 * `http://` targets) and through a `CONNECT` tunnel (what `https://` targets,
 * such as the real API, always use). The library's own undici is 7, so every
 * request crosses from undici 7's layers (limits, auth) into undici 8's
 * dispatcher through `dispatch` alone.
 *
 * undici 8 needs Node 22.19 or later: on older Node this suite is skipped,
 * unless `ASPOSE_REQUIRE_UNDICI8=1` (set by scripts/test-node-matrix.sh),
 * which turns the skip into a failure.
 */
import { Readable } from 'node:stream';
import { FormData as Undici7FormData } from 'undici';
import type * as Undici8 from 'undici8';
import { AsposeClient, TokenService, type AsposeClientOptions, type AsposeDispatcher } from 'aspose-cloud-auth';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';
import { cleanup, track } from '../support/cleanup';
import { credentials } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy';
import { sleep, waitFor } from '../support/polling';
import { captureServer, holdingServer, standIn } from '../support/servers';

const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const supported = major > 22 || (major === 22 && minor >= 19);
const required = process.env.ASPOSE_REQUIRE_UNDICI8 === '1';
const reason = `undici 8 needs Node 22.19 or later, this is ${process.version}`;

let undici8: typeof Undici8;

afterEach(cleanup);

/** A dispatcher under test: how to make one, and how traffic through it shows at the proxy. */
interface Variant {
  name: string;
  make: (proxy: ForwardProxy) => Undici8.Dispatcher;
  /** `forward`: absolute-form requests at the proxy; `connect`: a tunnel per connection; none: no proxy. */
  proxied?: 'forward' | 'connect';
}

const variants: Variant[] = [
  { name: 'Agent', make: () => new undici8.Agent() },
  {
    name: 'Agent composed with interceptors.retry',
    make: () => new undici8.Agent().compose(undici8.interceptors.retry({ maxRetries: 2, minTimeout: 10, maxTimeout: 50 })),
  },
  { name: 'Agent composed with interceptors.redirect', make: () => new undici8.Agent().compose(undici8.interceptors.redirect({ maxRedirections: 2 })) },
  { name: 'ProxyAgent (absolute-form through the proxy)', make: (proxy) => new undici8.ProxyAgent({ uri: proxy.url }), proxied: 'forward' },
  { name: 'ProxyAgent with proxyTunnel: true (CONNECT)', make: (proxy) => new undici8.ProxyAgent({ uri: proxy.url, proxyTunnel: true }), proxied: 'connect' },
];

/** Multipart bodies as the server received them, parsed by Node's own `Response`. */
async function parseMultipart(contentType: string | undefined, body: Buffer): Promise<Record<string, { value: string; filename?: string; type?: string }>> {
  const form = await new Response(body, { headers: { 'content-type': contentType ?? '' } }).formData();
  const out: Record<string, { value: string; filename?: string; type?: string }> = {};
  for (const [name, value] of form) {
    out[name] = typeof value === 'string' ? { value } : { value: await value.text(), filename: value.name, type: value.type };
  }
  return out;
}

/** Fills a form of any class with the same fields: a text field with a line break and a quote, and two files. */
function fill<F extends { append(name: string, value: string | Blob, filename?: string): void }>(form: F): F {
  form.append('folder', 'in/"reports"\nq3');
  form.append('file', new Blob(['%PDF-1.7 the document'], { type: 'application/pdf' }), 'report "q3".pdf');
  form.append('notes', new Blob(['plain notes']), 'notes.txt');
  return form;
}

const expectedFields = {
  folder: { value: 'in/"reports"\r\nq3' },
  file: { value: '%PDF-1.7 the document', filename: 'report "q3".pdf', type: 'application/pdf' },
  notes: { value: 'plain notes', filename: 'notes.txt' },
};

function suite(): void {
  beforeAll(() => {
    // Loaded here, not at the top: on Node < 22.19 the file must still load to report the skip.
    undici8 = require('undici8') as typeof Undici8;
    expect(typeof undici8.Agent).toBe('function');
  });

  describe.each(variants)('undici 8 $name', (variant) => {
    let proxy: ForwardProxy;
    let server: AsposeStandIn;
    let dispatcher: Undici8.Dispatcher;

    beforeEach(async () => {
      proxy = track(await startForwardProxy(), (p) => p.close());
      server = await standIn();
      // Closed after the clients that use it (cleanup closes newest first).
      dispatcher = track(variant.make(proxy), (d) => d.close());
    });

    function client(options: AsposeClientOptions = {}): AsposeClient {
      return track(new AsposeClient({ ...credentials(server), dispatcher, ...options }), (c) => c.close());
    }

    /** What the proxy saw, as paths (forward) or tunnel targets (CONNECT). */
    function proxied(): string[] {
      return proxy.log.map((r) => (r.mode === 'forward' ? `${r.method} ${new URL(r.url).pathname}` : `CONNECT ${r.target}`));
    }

    function expectProxied(paths: string[]): void {
      if (variant.proxied === 'forward') expect(proxied()).toEqual(expect.arrayContaining(paths));
      else if (variant.proxied === 'connect') expect(proxied()).toContain(`CONNECT ${new URL(server.url).host}`);
      else expect(proxy.log).toEqual([]);
    }

    test('the token fetch, JSON calls and request() all go through it, on one token', async () => {
      const aspose = client();
      const [info, again] = await Promise.all([
        aspose.get<{ Document: { FileName: string } }>('/v4.0/words/u8.docx'),
        aspose.get<{ Document: { FileName: string } }>('/v4.0/words/u8b.docx'),
      ]);
      expect([info.Document.FileName, again.Document.FileName]).toEqual(['u8.docx', 'u8b.docx']);
      const res = await aspose.request({
        method: 'POST',
        path: '/__stand-in/echo/words',
        query: { a: 1 },
        body: 'text body',
        headers: { 'content-type': 'text/plain' },
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toMatchObject({
        method: 'POST',
        path: '/__stand-in/echo/words',
        query: { a: '1' },
        bodyBytes: 9,
        headers: { authorization: '[valid bearer token]' },
      });
      expect(server.tokenRequests).toBe(1);
      expectProxied(['POST /connect/token', 'GET /v4.0/words/u8.docx', 'POST /__stand-in/echo/words']);
    });

    test('a 401 after the token is revoked is replayed once with a fresh token', async () => {
      const aspose = client();
      await aspose.get('/v4.0/words/before.docx');
      server.revoke();
      const info = await aspose.get<{ Document: { FileName: string } }>('/v4.0/words/after.docx');
      expect(info.Document.FileName).toBe('after.docx');
      expect({ unauthorized: server.unauthorized, tokenRequests: server.tokenRequests }).toEqual({ unauthorized: 1, tokenRequests: 2 });
    });

    test('a Buffer body and a stream body upload in full', async () => {
      const aspose = client();
      const bytes = Buffer.alloc(300_000, 7);
      const fromBuffer = await aspose.put<{ Uploaded: string[] }>('/v4.0/words/storage/file/in/buffer.bin', bytes);
      expect(fromBuffer).toMatchObject({ Uploaded: ['in/buffer.bin'] });
      expect(server.storage.get('in/buffer.bin')?.bytes.equals(bytes)).toBe(true);
      await aspose.put('/v4.0/words/storage/file/in/stream.bin', Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]));
      expect(server.storage.get('in/stream.bin')?.bytes.equals(bytes)).toBe(true);
    });

    describe.each([
      ["Node's global FormData", () => new globalThis.FormData()],
      ["undici 8's own FormData", () => new undici8.FormData() as unknown as FormData],
      ["undici 7's FormData (the library's own)", () => new Undici7FormData() as unknown as FormData],
    ])('a multipart upload with %s', (_, makeForm) => {
      test('arrives intact, file names and field values included', async () => {
        const capture = await captureServer();
        const aspose = client({ auth: 'none', baseUrl: capture.url });
        const res = await aspose.request({ method: 'PUT', path: '/v4.0/words/storage/file/in/report.pdf', body: fill(makeForm()) });
        expect(res.statusCode).toBe(200);
        await res.body.dump();
        const [received] = capture.requests;
        expect(received.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
        expect(Number(received.headers['content-length'])).toBe(received.body.length);
        expect(await parseMultipart(received.headers['content-type'], received.body)).toEqual({
          folder: expectedFields.folder,
          file: expectedFields.file,
          notes: { ...expectedFields.notes, type: 'application/octet-stream' },
        });
      });

      test('uploads to the storage route, and is replayed in full after a 401', async () => {
        const aspose = client();
        const first = await aspose.put<{ Uploaded: string[] }>('/v4.0/words/storage/file/in/report.pdf', fill(makeForm()));
        expect(first.Uploaded).toEqual(['in/report.pdf']);
        // The stand-in keeps the form's first file part: the document.
        expect(server.storage.get('in/report.pdf')?.bytes.toString()).toBe('%PDF-1.7 the document');
        server.storage.delete('in/report.pdf');
        server.revoke();
        await aspose.put('/v4.0/words/storage/file/in/report.pdf', fill(makeForm()));
        expect(server.storage.get('in/report.pdf')?.bytes.toString()).toBe('%PDF-1.7 the document');
        expect({ unauthorized: server.unauthorized, tokenRequests: server.tokenRequests }).toEqual({ unauthorized: 1, tokenRequests: 2 });
      });
    });

    test('timeoutMs holds: a call to a slow route fails with ERR_ASPOSE_TIMEOUT, and the request is cancelled', async () => {
      const aspose = client({ timeoutMs: 200 });
      await aspose.get('/v4.0/words/warm.docx'); // the token is not what is slow
      const err = await rejectionOf(aspose.get('/__stand-in/slow/2000'));
      expect(err).toMatchObject({ code: 'ERR_ASPOSE_TIMEOUT' });
      expect(err.message).toContain('timeoutMs');
      // The stand-in sees its client go away, instead of answering after 2 s.
      await waitFor(() => server.closedEarly > 0, 'the stand-in to see the request cancelled');
    });

    test('connections holds: with connections: 2, at most 2 of 8 concurrent calls are under way at the server', async () => {
      const target = await holdingServer();
      const aspose = client({ auth: 'none', baseUrl: target.url, connections: 2 });
      const calls = Array.from({ length: 8 }, (_, i) => aspose.get(`/v4.0/words/c${i}.docx`));
      await target.waitFor(2);
      // Release in rounds: each round lets the next (at most 2) through.
      while (target.served < 8) {
        await sleep(50);
        target.release();
      }
      expect(await Promise.all(calls)).toHaveLength(8);
      expect(target.max).toBe(2);
    });

    test('a standalone TokenService takes its tokens through it', async () => {
      const tokens = track(new TokenService({ ...credentials(server), dispatcher }), (t) => t.close());
      const token = await tokens.getToken();
      expect(server.verifyToken(token.value)).toBe(true);
      expect(server.tokenRequests).toBe(1);
      expectProxied(['POST /connect/token']);
    });
  });

  test('an undici 8 redirect interceptor does not carry the client secret to a redirect target', async () => {
    const elsewhere = await captureServer();
    const redirecting = await captureServer();
    redirecting.respond = () => ({ status: 307, headers: { location: `${elsewhere.url}/connect/token` } });
    const dispatcher = track(new undici8.Agent().compose(undici8.interceptors.redirect({ maxRedirections: 3 })), (d) => d.close());
    const tokens = track(new TokenService({ clientId: 'id', clientSecret: 'the-secret', baseUrl: redirecting.url, dispatcher, retry: { retries: 0 } }), (t) =>
      t.close(),
    );
    const err = await rejectionOf(tokens.getToken());
    expect(err.code).toMatch(/^ERR_ASPOSE_AUTH_/);
    expect(redirecting.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  test('the types accept undici 8 dispatchers as AsposeDispatcher', () => {
    const agent: AsposeDispatcher = track(new undici8.Agent(), (d) => d.close());
    expect(typeof agent.dispatch).toBe('function');
  });
}

if (supported) {
  describe('undici 8 dispatchers', suite);
} else if (required) {
  test(`undici 8 dispatchers: required here (ASPOSE_REQUIRE_UNDICI8=1) but cannot run: ${reason}`, () => {
    throw new Error(`ASPOSE_REQUIRE_UNDICI8=1 but the undici 8 suite cannot run: ${reason}`);
  });
} else {
  describe.skip(`undici 8 dispatchers (skipped: ${reason}; set ASPOSE_REQUIRE_UNDICI8=1 to fail instead)`, suite);
}
