/**
 * AsposeClient: request() hands back any status; the JSON helpers parse and
 * throw AsposeApiError in every Aspose error shape; failures below HTTP map
 * to stable codes; connections are reused; close() is clean.
 */
import {
  AsposeApiError,
  AsposeApiInvalidResponseError,
  AsposeClient,
  AsposeError,
  AsposeRequestError,
  AsposeResponseError,
  TokenService,
} from 'aspose-cloud-auth';
import { inspect } from 'node:util';
import { cleanup, track } from '../support/cleanup';
import { client, credentials } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { sleep, waitFor } from '../support/polling';
import { captureServer, closedPort, serve, standIn } from '../support/servers';

afterEach(cleanup);

describe('request()', () => {
  test('does not throw on an HTTP error status', async () => {
    const server = await standIn();
    const aspose = client(server);
    const res = await aspose.request({ path: '/v4.0/words/missing.docx' });
    expect(res.statusCode).toBe(404);
    expect(await res.body.json()).toMatchObject({ Error: { Code: 'ErrorItemNotFound' } });
  });

  test('paths are relative to baseUrl, including a base path', async () => {
    const api = await captureServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: `${api.url}/gateway/` });
    const res = await aspose.request({ path: '/v4.0/words/a.docx' });
    await res.body.dump();
    expect(api.requests[0].url).toBe('/gateway/v4.0/words/a.docx');
  });

  test('query parameters are encoded; undefined and null are left out; arrays repeat the key', async () => {
    const api = await captureServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url });
    const res = await aspose.request({
      path: '/v4.0/words/a b.docx?existing=1',
      query: { folder: 'my docs/2024', storage: 'First Storage', n: 5, flag: true, skip: undefined, none: null, tags: ['a&b', 'c=d'], 'wéird key': 'ü' },
    });
    await res.body.dump();
    const url = new URL(api.requests[0].url, api.url);
    expect(url.pathname).toBe('/v4.0/words/a%20b.docx');
    expect(url.search).toBe('?existing=1&folder=my%20docs%2F2024&storage=First%20Storage&n=5&flag=true&tags=a%26b&tags=c%3Dd&w%C3%A9ird%20key=%C3%BC');
    expect(url.searchParams.getAll('tags')).toEqual(['a&b', 'c=d']);
    expect(url.searchParams.get('folder')).toBe('my docs/2024');
  });

  test('default headers are sent, and a call can override them', async () => {
    const api = await captureServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, headers: { 'x-aspose-client': 'my-app', 'x-two': 'a' } });
    await (await aspose.request({ path: '/__stand-in/echo/x', headers: { 'x-two': 'b' } })).body.dump();
    expect(api.requests[0].headers).toMatchObject({ 'x-aspose-client': 'my-app', 'x-two': 'b' });
  });

  test("a call's header replaces a default header whatever the casing of either, and is sent once", async () => {
    const api = await captureServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, headers: { 'X-Aspose-Client': 'my-app' } });
    await (await aspose.request({ path: '/__stand-in/echo/x', headers: { 'x-aspose-CLIENT': 'my-app/2' } })).body.dump();
    // Node joins a repeated header into one value ("my-app, my-app/2"), so this also proves it was sent once.
    expect(api.requests[0].headers['x-aspose-client']).toBe('my-app/2');
  });

  test('file names with spaces, quotes and non-ASCII are percent-encoded; an already encoded path is sent as it is', async () => {
    const api = await captureServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url });
    await (await aspose.request({ path: '/v4.0/words/Quarterly report "final" {v2} – ü.docx' })).body.dump();
    await (await aspose.request({ path: '/v4.0/words/already%20encoded%2Fname.docx' })).body.dump();
    expect(api.requests.map((r) => r.url)).toEqual([
      '/v4.0/words/Quarterly%20report%20%22final%22%20%7Bv2%7D%20%E2%80%93%20%C3%BC.docx',
      '/v4.0/words/already%20encoded%2Fname.docx',
    ]);
  });

  test('a header value undici cannot send is ERR_ASPOSE_INVALID_ARGUMENT, not a network error', async () => {
    const api = await captureServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url });
    const err = await rejectionOf(aspose.request({ path: '/__stand-in/echo/x', headers: { 'x-bad': 'a\r\nInjected: 1' } }));
    expect(err).toBeInstanceOf(AsposeError);
    expect(err.code).toBe('ERR_ASPOSE_INVALID_ARGUMENT');
    expect(api.requests).toHaveLength(0);
  });

  test.each(['v4.0/words/a.docx', '//evil.example/x', '/\\evil.example/x', 'ftp://example.com/x', ''])(
    'a bad path (%j) is ERR_ASPOSE_INVALID_ARGUMENT, and nothing is sent',
    async (path) => {
      const api = await captureServer();
      const aspose = client(undefined, { auth: 'none', baseUrl: api.url });
      const err = await rejectionOf(aspose.request({ path }));
      expect(err).toBeInstanceOf(AsposeError);
      expect(err.code).toBe('ERR_ASPOSE_INVALID_ARGUMENT');
      expect(api.requests).toHaveLength(0);
    },
  );
});

describe('JSON helpers', () => {
  test('get/post/put/delete send the method and parse JSON', async () => {
    const server = await standIn();
    const aspose = client(server);
    expect(await aspose.get('/v4.0/words/a.docx')).toMatchObject({ Document: { FileName: 'a.docx' } });
    expect(await aspose.post('/__stand-in/echo/post', { a: 1 })).toMatchObject({
      method: 'POST',
      bodyBytes: 7,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
    expect(await aspose.put('/__stand-in/echo/put', 'raw text', { headers: { 'content-type': 'text/plain' } })).toMatchObject({
      method: 'PUT',
      bodyBytes: 8,
      headers: { 'content-type': 'text/plain' },
    });
    expect(await aspose.delete('/__stand-in/echo/delete', { query: { version: 2 } })).toMatchObject({ method: 'DELETE', query: { version: '2' } });
  });

  test("a caller's Accept or Content-Type header, in any casing, replaces the JSON default instead of joining it", async () => {
    const server = await standIn();
    const aspose = client(server);
    const out = await aspose.post<{ headers: Record<string, string> }>(
      '/__stand-in/echo',
      { a: 1 },
      { headers: { Accept: 'application/vnd.aspose+json', 'Content-Type': 'application/merge-patch+json' } },
    );
    expect(out.headers.accept).toBe('application/vnd.aspose+json');
    expect(out.headers['content-type']).toBe('application/merge-patch+json');
  });

  test('an empty 2xx answer resolves undefined', async () => {
    const api = await captureServer();
    api.respond = () => ({ status: 204 });
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url });
    await expect(aspose.delete('/v4.0/storage/file/a')).resolves.toBeUndefined();
  });

  test('Words error shape {"Error":{"Code","Message"},"RequestId"} becomes an AsposeApiError', async () => {
    const server = await standIn();
    const aspose = client(server);
    const err = await rejectionOf(aspose.get('/v4.0/words/missing.docx', { query: { folder: 'f' } }));
    expect(err).toBeInstanceOf(AsposeApiError);
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_API', status: 404, apiCode: 'ErrorItemNotFound', method: 'GET', path: '/v4.0/words/missing.docx' });
    expect(err.apiMessage).toMatch(/^Error while loading file 'f\/missing.docx'/);
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(err.body)).toMatchObject({ Error: { Code: 'ErrorItemNotFound' }, RequestId: err.requestId });
    expect(err.headers['content-type']).toMatch(/json/);
    expect(err.message).toContain('404');
    expect(err.message).toContain('ErrorItemNotFound');
    expect(err.message).toContain(err.requestId);
  });

  test('BarCode shape {"error":{"code","message"},"requestId"} becomes an AsposeApiError', async () => {
    const server = await standIn();
    const aspose = client(server);
    const err = await rejectionOf(aspose.post('/v4.0/barcode/generate-body', { barcodeType: 'QR', encodeData: {} }));
    expect(err).toBeInstanceOf(AsposeApiError);
    expect(err).toMatchObject({ status: 400, apiCode: 'BadRequest', apiMessage: "The 'data' parameter is required", method: 'POST' });
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('PDF shape {"Code","Message","InnerError":{"RequestId"}} becomes an AsposeApiError', async () => {
    const server = await standIn();
    server.failApi(400, {
      Code: 400,
      Message: 'Invalid page number',
      Description: 'Operation Failed.',
      InnerError: { RequestId: 'pdf-req-1', Date: '2024-01-01T00:00:00Z' },
    });
    const aspose = client(server);
    const err = await rejectionOf(aspose.get('/v3.0/pdf/a.pdf/pages/99'));
    expect(err).toMatchObject({ status: 400, apiCode: '400', apiMessage: 'Invalid page number', requestId: 'pdf-req-1' });
  });

  test('a non-JSON error page still becomes an AsposeApiError with the raw body', async () => {
    const api = await captureServer();
    api.respond = () => ({ status: 502, body: '<html>Bad Gateway</html>', headers: { 'content-type': 'text/html' } });
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url });
    const err = await rejectionOf(aspose.get('/v4.0/words/a.docx'));
    expect(err).toBeInstanceOf(AsposeApiError);
    expect(err).toMatchObject({ status: 502, apiCode: undefined, apiMessage: undefined });
    expect(err.body).toContain('Bad Gateway');
  });

  test('the raw body and headers stay out of JSON.stringify of an AsposeApiError', async () => {
    const server = await standIn();
    const aspose = client(server);
    const err = await rejectionOf(aspose.get('/v4.0/words/missing.docx'));
    const json = JSON.parse(JSON.stringify(err)) as Record<string, unknown>;
    expect(json).toMatchObject({ code: 'ERR_ASPOSE_API', status: 404 });
    expect(json).not.toHaveProperty('body');
    expect(json).not.toHaveProperty('headers');
  });

  test('a non-JSON 2xx answer is ERR_ASPOSE_API_INVALID_RESPONSE', async () => {
    const server = await standIn();
    const aspose = client(server);
    const err = await rejectionOf(aspose.get('/v4.0/barcode/generate/QR', { query: { data: 'abc', imageFormat: 'Svg' } }));
    expect(err).toBeInstanceOf(AsposeApiInvalidResponseError);
    expect(err).toBeInstanceOf(AsposeResponseError);
    expect(err.code).toBe('ERR_ASPOSE_API_INVALID_RESPONSE');
    expect(err.message).toMatch(/image\/svg\+xml/);
  });

  test('a non-JSON 2xx answer whose Content-Type and body echo the token: neither reaches the error (found by probing)', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9iZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
    const api = await captureServer();
    api.respond = (req) => ({
      status: 200,
      body: `not json ${req.authorization[0]}`,
      headers: { 'content-type': `text/plain; debug="${req.authorization[0]}"` },
    });
    const aspose = client(undefined, { accessToken: token, baseUrl: api.url });
    const err = await rejectionOf(aspose.get('/v4.0/words/x'));
    expect(err.code).toBe('ERR_ASPOSE_API_INVALID_RESPONSE');
    expect(err.message).toContain('text/plain; debug="Bearer [redacted]"');
    expect([err.message, err.stack, inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err)].join('\n')).not.toContain(token);
  });
});

describe('failures below HTTP', () => {
  test('no answer within timeoutMs is ERR_ASPOSE_TIMEOUT', async () => {
    const server = await standIn();
    const aspose = client(server, { timeoutMs: 200 });
    await aspose.get('/v4.0/words/warm.docx');
    const err = await rejectionOf(aspose.get('/__stand-in/slow/1500'));
    expect(err).toBeInstanceOf(AsposeRequestError);
    expect(err.code).toBe('ERR_ASPOSE_TIMEOUT');
    expect(err.message).toMatch(/timeoutMs/);
  });

  test('a per-call timeoutMs overrides the client’s', async () => {
    const server = await standIn();
    const aspose = client(server);
    const err = await rejectionOf(aspose.request({ path: '/__stand-in/slow/1500', timeoutMs: 200 }));
    expect(err.code).toBe('ERR_ASPOSE_TIMEOUT');
  });

  test('AbortSignal.timeout() is reported as a timeout, a plain abort as ERR_ASPOSE_ABORTED', async () => {
    const server = await standIn();
    const aspose = client(server);
    await aspose.get('/v4.0/words/warm.docx');
    expect(await rejectionOf(aspose.get('/__stand-in/slow/1500', { signal: AbortSignal.timeout(150) }))).toMatchObject({ code: 'ERR_ASPOSE_TIMEOUT' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect(await rejectionOf(aspose.get('/__stand-in/slow/1500', { signal: controller.signal }))).toMatchObject({ code: 'ERR_ASPOSE_ABORTED' });
  });

  test('connection refused is ERR_ASPOSE_NETWORK', async () => {
    const port = await closedPort();
    const aspose = client(undefined, { auth: 'none', baseUrl: `http://127.0.0.1:${port}` });
    const err = await rejectionOf(aspose.get('/v4.0/words/a.docx'));
    expect(err).toBeInstanceOf(AsposeRequestError);
    expect(err.code).toBe('ERR_ASPOSE_NETWORK');
    expect(err.message).toMatch(/ECONNREFUSED/);
  });
});

describe('connections', () => {
  // undici's pool may still count a socket busy for a tick after a body has
  // been read, so back-to-back calls can alternate between two sockets. Reuse
  // means a handful of connections, not one per call.
  test('keep-alive: 50 sequential calls, token request included, reuse their connections', async () => {
    const server = await standIn();
    const aspose = client(server);
    for (let i = 0; i < 50; i++) await aspose.get(`/v4.0/words/doc-${i}.docx`);
    expect(server.tokenRequests).toBe(1);
    expect(server.apiRequests).toBe(50);
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  test('with connections: 1, 50 sequential calls and the token request share one connection', async () => {
    const server = await standIn();
    const aspose = client(server, { connections: 1 });
    for (let i = 0; i < 50; i++) await aspose.get(`/v4.0/words/doc-${i}.docx`);
    expect(server.connections).toBe(1);
  });

  test('request() bodies dumped by the caller keep the connections reusable', async () => {
    const api = await captureServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url });
    for (let i = 0; i < 50; i++) await (await aspose.request({ path: `/__stand-in/echo/x/${i}` })).body.dump();
    expect(api.connections).toBeLessThanOrEqual(2);
  });

  test('close() is idempotent, closes its connections, and later calls fail cleanly', async () => {
    const api = await captureServer();
    const aspose = new AsposeClient({ auth: 'none', baseUrl: api.url });
    await aspose.get('/__stand-in/echo/x');
    expect(api.open).toBe(1);
    await Promise.all([aspose.close(), aspose.close()]);
    await aspose.close();
    await waitFor(() => api.open === 0, 'the connection to close', 1_000);
    expect(api.open).toBe(0);
    const err = await rejectionOf(aspose.get('/__stand-in/echo/x'));
    expect(err).toBeInstanceOf(AsposeError);
  });

  test('close() closes the token service it made, but not one it was given', async () => {
    const server = await standIn();
    const own = new AsposeClient(credentials(server));
    await own.get('/v4.0/words/a.docx');
    await own.close();
    expect(own.tokens.closed).toBe(true);

    const shared = track(new TokenService(credentials(server)), (t) => t.close());
    const a = new AsposeClient({ tokens: shared });
    const b = client(undefined, { tokens: shared });
    await Promise.all([a.get('/v4.0/words/a.docx'), b.get('/v4.0/words/b.docx')]);
    await a.close();
    expect(shared.closed).toBe(false);
    await b.get('/v4.0/words/c.docx');
    expect(server.tokenRequests).toBe(2); // one for `own`, one shared by a and b
  });
});

test('an error answer is read only so far: a 256 MiB error page costs about 1 MiB, and the rest is never downloaded', async () => {
  const total = 256 * 1024 * 1024;
  let written = 0;
  const server = await serve((_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain', 'content-length': total });
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    const pump = () => {
      while (written < total && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  const aspose = client(undefined, { auth: 'none', baseUrl: server.url });
  const err: AsposeApiError = await rejectionOf(aspose.get('/v4.0/words/a.docx'));
  expect(err).toBeInstanceOf(AsposeApiError);
  expect(err.status).toBe(500);
  expect(err.body.length).toBeLessThan(1.1 * 1024 * 1024);
  expect(err.body.startsWith('xxxx')).toBe(true);
  await sleep(100);
  expect(written).toBeLessThan(total / 4);
});
