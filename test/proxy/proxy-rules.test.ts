// The proxy's rules, held by real Express 5 and Koa 3 apps in front of the
// local Aspose stand-in, driven over HTTP on loopback.
import { inspect } from 'node:util';
import { AsposeClient, type AsposeError } from 'aspose-cloud-auth';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { FRAMEWORKS } from '../support/frameworks';
import { listen, sendRaw, sendRawParsed, type Handler } from '../support/http';
import { sleep } from '../support/polling';
import { send, sendTokenRequest, startProxyApp, startProxyStack, type ProxyApp, type ProxyStack } from './fixture-apps';

/** Whether `path` is valid percent-encoded UTF-8 (Fastify's router refuses any other with 400 FST_ERR_BAD_URL). */
const decodable = (path: string): boolean => {
  try {
    decodeURI(path);
    return true;
  } catch {
    return false;
  }
};

const ALLOW = [
  'GET /v4.0/words/',
  'PUT /v4.0/words/storage/file/',
  'POST /v4.0/barcode/generate',
  'POST /v4.0/barcode/generate-body',
  '* /v5.0/ocr/',
  '* /v9.9/echo',
  '* /__stand-in/',
];

describe.each(FRAMEWORKS)('asposeProxy on %s', (framework) => {
  let standIn: AsposeStandIn;
  let client: AsposeClient;
  let app: ProxyApp;
  let stack: ProxyStack;
  const errors: AsposeError[] = [];

  beforeAll(async () => {
    // One token up front, so the counters below only move for what a test sends.
    ({ standIn, client, app } = stack = await startProxyStack(framework, { allow: ALLOW, onError: (e) => errors.push(e) }, { warm: true }));
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    errors.length = 0;
  });

  describe('allow list', () => {
    it('forwards an allowed GET with the server token and streams the answer back', async () => {
      const res = await send(app.port, '/aspose/v4.0/words/report.docx');
      expect(res.status).toBe(200);
      expect(res.json().Document.FileName).toBe('report.docx');
      expect(standIn.log.at(-1)).toMatchObject({ method: 'GET', path: '/v4.0/words/report.docx', authorized: true });
    });

    it('passes the query string through unchanged', async () => {
      const res = await send(app.port, '/aspose/v9.9/echo/x?folder=in%2Fbox&storage=First%20Storage&flag&a=1&a=2');
      expect(res.status).toBe(200);
      expect(res.json().query).toEqual({ folder: 'in/box', storage: 'First Storage', flag: '', a: '2' });
      expect(res.json().path).toBe('/v9.9/echo/x');
    });

    it('forwards a POST body and the content type', async () => {
      const res = await send(app.port, '/aspose/v4.0/barcode/generate-body', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ barcodeType: 'QR', encodeData: { data: 'hello' }, barcodeImageParams: { imageFormat: 'Svg' } }),
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/svg+xml');
      expect(res.text).toContain('<title>QR: hello</title>');
    });

    it('lets "*" stand for any ordinary method', async () => {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        const res = await send(app.port, '/aspose/v9.9/echo', { method, body: method === 'GET' || method === 'OPTIONS' ? undefined : 'x' });
        expect([method, res.status]).toEqual([method, 200]);
        expect(res.json().method).toBe(method);
      }
      const head = await send(app.port, '/aspose/v9.9/echo', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.text).toBe('');
    });

    it.each([
      ['a method that is not listed for the path', 'DELETE', '/aspose/v4.0/words/report.docx'],
      ['a method that is not listed for the path (POST)', 'POST', '/aspose/v4.0/words/report.docx'],
      ['a path outside every prefix', 'GET', '/aspose/v4.0/cells/book.xlsx'],
      ['a path that only shares characters with a prefix', 'GET', '/aspose/v4.0/wordsX/report.docx'],
      ['a sibling of an exact entry', 'POST', '/aspose/v4.0/barcode/generateX'],
      ['the parent of a prefix', 'GET', '/aspose/v4.0'],
      ['the root', 'GET', '/aspose/'],
      ['the bare mount point', 'GET', '/aspose'],
      ['an encoded slash joining two segments', 'GET', '/aspose/v4.0%2Fwords/report.docx'],
      ['a matrix parameter on a prefix segment', 'GET', '/aspose/v4.0/words;x=1/report.docx'],
      ['TRACE, even under "*" (it would echo the token)', 'TRACE', '/aspose/v9.9/echo'],
    ])('answers 403 to %s', async (_what, method, path) => {
      const before = standIn.apiRequests;
      const res = await send(app.port, path, { method });
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json().error.code).toBe('ERR_ASPOSE_PROXY_FORBIDDEN');
      expect(standIn.apiRequests).toBe(before);
    });

    it('matches prefixes on whole segments, ignoring case', async () => {
      // Forwarded, so the stand-in answers: its echo for the bare prefix, its 404 for a route it only has in lower case.
      expect((await send(app.port, '/aspose/v4.0/words')).status).toBe(200);
      const before = standIn.apiRequests;
      expect((await send(app.port, '/aspose/V4.0/Words/report.docx')).status).toBe(404);
      expect(standIn.apiRequests).toBe(before + 1);
      expect(standIn.log.at(-1)?.path).toBe('/V4.0/Words/report.docx');
      expect((await send(app.port, '/aspose/v4.0/barcode/generate?data=x')).status).toBe(403); // GET is not listed
    });
  });

  describe('token endpoints', () => {
    it.each([
      '/aspose/connect/token',
      '/aspose/CONNECT/Token',
      '/aspose/v4.0/words/connect/token',
      '/aspose/v4.0/words/connect/token/',
      '/aspose/v4.0/words/connect/token?grant_type=client_credentials',
      '/aspose/v4.0/words/%63onnect/%74oken',
      '/aspose/v4.0/words/connect%2ftoken',
      '/aspose/v4.0/words/connect%252Ftoken',
      '/aspose/v4.0/words/connect;a=b/token',
      '/aspose/v4.0/words/connect/token.',
      '/aspose/v5.0/ocr/x/oauth2/token',
      '/aspose/v5.0/ocr/%EF%BD%83onnect/token',
    ])('never forwards %s', async (path) => {
      const tokens = standIn.tokenRequests;
      const api = standIn.apiRequests;
      for (const method of ['GET', 'POST'] as const) {
        const res = await sendTokenRequest(app.port, path, method);
        expect([method, res.status, res.json().error.code]).toEqual([method, 403, 'ERR_ASPOSE_PROXY_TOKEN_ENDPOINT']);
      }
      expect(standIn.tokenRequests).toBe(tokens);
      expect(standIn.apiRequests).toBe(api);
    });

    it('refuses a token endpoint even when the allow list would let it through', async () => {
      const open = await startProxyApp(framework, client, { allow: ['* /'] });
      try {
        const tokens = standIn.tokenRequests;
        const res = await send(open.port, '/aspose/connect/token', { method: 'POST', body: 'grant_type=client_credentials' });
        expect(res.status).toBe(403);
        expect(res.json().error.code).toBe('ERR_ASPOSE_PROXY_TOKEN_ENDPOINT');
        expect(standIn.tokenRequests).toBe(tokens);
        expect((await send(open.port, '/aspose/v9.9/anything')).status).toBe(200);
      } finally {
        await open.close();
      }
    });
  });

  it("refuses the client's own token path when it lives on the API origin", async () => {
    const custom = new AsposeClient({
      clientId: standIn.clientId,
      clientSecret: standIn.clientSecret,
      baseUrl: standIn.url,
      tokenUrl: `${standIn.url}/identity/issue`,
    });
    const open = await startProxyApp(framework, custom, { allow: ['* /'] });
    try {
      const api = standIn.apiRequests;
      for (const path of ['/aspose/identity/issue', '/aspose/Identity/Issue/', '/aspose/identity/%69ssue?x=1']) {
        const res = await send(open.port, path, { method: 'POST', body: 'grant_type=client_credentials' });
        expect([path, res.status, res.json().error.code]).toEqual([path, 403, 'ERR_ASPOSE_PROXY_TOKEN_ENDPOINT']);
      }
      expect(standIn.apiRequests).toBe(api);
    } finally {
      await open.close();
      await custom.close();
    }
  });

  describe('path traversal and malformed targets', () => {
    it.each([
      '/aspose/v4.0/words/../../connect/token',
      '/aspose/v4.0/words/../cells/x',
      '/aspose/v4.0/words/./report.docx',
      '/aspose/v4.0/words/..',
      '/aspose/v4.0/words/%2e%2e/cells/x',
      '/aspose/v4.0/words/%2E%2E/cells/x',
      '/aspose/v4.0/words/%2E./cells/x',
      '/aspose/v4.0/words/.%2e/cells/x',
      '/aspose/v4.0/words/%2e/report.docx',
      '/aspose/v4.0/words/%252e%252e/cells/x',
      '/aspose/v4.0/words/%25252e%25252e/cells/x',
      '/aspose/v4.0/words/..%2fcells/x',
      '/aspose/v4.0/words/..%2Fcells/x',
      '/aspose/v4.0/words/x%2f..%2f..%2fcells',
      '/aspose/v4.0/words/..%252fcells/x',
      '/aspose/v4.0/words/..%5ccells/x',
      '/aspose/v4.0/words/..%5Ccells/x',
      '/aspose/v4.0/words/%5c..%5ccells',
      '/aspose/v4.0/words/..%255ccells/x',
      '/aspose/v4.0/words/..\\cells/x',
      '/aspose/v4.0/words\\..\\cells\\x',
      '/aspose/v4.0/words/..;/cells/x',
      '/aspose/v4.0/words/%2e%2e;x/cells',
      '/aspose/v4.0/words/%2e%2e%20/cells',
      '/aspose/v4.0/words/%u002e%u002e/cells/x',
      '/aspose/v4.0/words/%c0%ae%c0%ae/cells/x',
      '/aspose/v4.0/words/%e0%80%ae%e0%80%ae/cells/x',
      '/aspose/v4.0/words/%ef%bc%8e%ef%bc%8e/cells/x',
      '/aspose/v4.0/words/%zz/x',
      '/aspose/v4.0/words/report.docx%',
      '/aspose//evil.example/v4.0/words/x',
      '/aspose///evil.example',
      '/aspose/v4.0//words/x',
      '/aspose/http://evil.example/v4.0/words/x',
      '/aspose/v4.0/words/%00.docx',
      '/aspose/v4.0/words/a%0d%0aX-Injected:%201',
      '/aspose/v4.0/words/a%250d%250aX-Injected:%201',
      '/aspose/v4.0/words/a%0ab',
      '/aspose/v4.0/words/a%09b',
      '/aspose/v4.0/words/a%7fb',
      '/aspose/v4.0/words/"quoted"',
      '/aspose/v4.0/words/a<b>',
      '/aspose/v4.0/words/%25252525252e',
    ])('answers 400 ERR_ASPOSE_PROXY_BAD_PATH to %s and sends nothing upstream', async (path) => {
      const before = standIn.apiRequests;
      const res = await send(app.port, path);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      // Fastify's router refuses a path that is not valid percent-encoded UTF-8 before any plugin runs.
      if (framework === 'fastify' && !decodable(path)) expect(res.json().code).toBe('FST_ERR_BAD_URL');
      else expect(res.json().error.code).toBe('ERR_ASPOSE_PROXY_BAD_PATH');
      expect(standIn.apiRequests).toBe(before);
    });

    it('refuses an absolute-form request target (GET http://evil/… HTTP/1.1)', async () => {
      const before = standIn.apiRequests;
      const res = await sendRawParsed(
        app.port,
        `GET http://evil.example/aspose/v4.0/words/report.docx HTTP/1.1\r\nHost: evil.example\r\nx-user: alice\r\nConnection: close\r\n\r\n`,
      );
      expect([res.status, res.json().error.code]).toEqual([400, 'ERR_ASPOSE_PROXY_BAD_PATH']);
      expect(standIn.apiRequests).toBe(before);
    });

    it('never lets a raw CR, LF or NUL in the request line reach the Aspose API', async () => {
      const before = standIn.apiRequests;
      for (const line of ['GET /aspose/v4.0/words/a\rX-Injected: 1 HTTP/1.1', 'GET /aspose/v4.0/words/a\0b HTTP/1.1', 'GET /aspose/v4.0/words/a b HTTP/1.1']) {
        const answer = await sendRaw(app.port, `${line}\r\nHost: x\r\nx-user: alice\r\nConnection: close\r\n\r\n`);
        // Node's own HTTP parser refuses these before any middleware runs: its bare 400, no body (Fastify's clientError handler adds one).
        if (framework === 'fastify') expect([line, answer.slice(0, answer.indexOf('\r\n'))]).toEqual([line, 'HTTP/1.1 400 Bad Request']);
        else expect([line, answer]).toEqual([line, 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n']);
      }
      expect(standIn.apiRequests).toBe(before);
    });

    it('keeps encoded CR/LF in the query encoded, so it cannot become a header upstream', async () => {
      const res = await send(app.port, '/aspose/v9.9/echo?text=a%0d%0aX-Injected:%201');
      expect(res.status).toBe(200);
      const echo = res.json();
      expect(echo.query.text).toBe('a\r\nX-Injected: 1');
      expect(echo.headers['x-injected']).toBeUndefined();
    });

    it('forwards names with ordinary escapes (spaces, %, unicode) unchanged', async () => {
      const res = await send(app.port, '/aspose/v4.0/words/My%20Report%20(50%25%20off)%20%C3%A9t%C3%A9.docx');
      expect(res.status).toBe(200);
      expect(res.json().Document.FileName).toBe('My Report (50% off) été.docx');
    });
  });

  describe('headers', () => {
    it("strips the caller's credentials, Host and every hop-by-hop header on the way up", async () => {
      // Raw, because no HTTP client lets you send all of these at once.
      const res = await sendRawParsed(
        app.port,
        [
          'GET /aspose/v9.9/echo HTTP/1.1',
          'Host: evil.example',
          'x-user: alice',
          'Authorization: Bearer the-users-own-session-jwt',
          'Cookie: session=s3cr3t',
          'Proxy-Authorization: Basic dXNlcjpwYXNz',
          'Connection: close, X-Hop-Secret',
          'X-Hop-Secret: must-not-pass',
          'Keep-Alive: timeout=5',
          'TE: trailers',
          'Trailer: x-checksum',
          'Proxy-Connection: keep-alive',
          'HTTP2-Settings: AAMAAABkAAQAAP__',
          'Upgrade: h2c',
          'Expect: 100-continue',
          'X-Custom: passes',
          'Accept: application/json',
          '',
          '',
        ].join('\r\n'),
      );
      expect(res.status).toBe(200);
      const up = res.json().headers as Record<string, string>;
      expect(up.authorization).toBe('[valid bearer token]'); // the server's token, not the caller's
      for (const h of [
        'cookie',
        'proxy-authorization',
        'x-hop-secret',
        'keep-alive',
        'te',
        'trailer',
        'proxy-connection',
        'http2-settings',
        'upgrade',
        'expect',
        'transfer-encoding',
      ]) {
        expect([h, up[h]]).toEqual([h, undefined]);
      }
      expect(up.connection ?? 'keep-alive').toBe('keep-alive'); // undici's own, if any
      expect(up.host).toBe(new URL(standIn.url).host);
      expect(up['x-custom']).toBe('passes');
      expect(up.accept).toBe('application/json');
      expect(res.text).not.toContain('the-users-own-session-jwt');
      expect(res.text).not.toContain('s3cr3t');
    });

    it('sends a chunked upload upstream without forwarding Transfer-Encoding itself', async () => {
      const { Readable } = await import('node:stream');
      const res = await send(app.port, '/aspose/v9.9/echo', { method: 'POST', body: Readable.from([Buffer.alloc(1000), Buffer.alloc(234)]) });
      expect(res.status).toBe(200);
      expect(res.json().bodyBytes).toBe(1234);
    });

    it('strips Set-Cookie and hop-by-hop headers from the answer, and keeps the rest', async () => {
      const q = new URLSearchParams({
        'set-cookie': 'aspose_session=abc; Path=/; HttpOnly',
        'set-cookie2': 'legacy=1',
        connection: 'x-upstream-hop',
        'x-upstream-hop': 'must-not-pass',
        'keep-alive': 'timeout=1',
        'proxy-authenticate': 'Basic realm="aspose"',
        'x-request-id': 'req-42',
        'cache-control': 'private, max-age=60',
      });
      const res = await send(app.port, `/aspose/__stand-in/headers?${q.toString()}`);
      expect(res.status).toBe(200);
      for (const h of ['set-cookie', 'set-cookie2', 'x-upstream-hop', 'proxy-authenticate']) expect([h, res.headers[h]]).toEqual([h, undefined]);
      expect(res.headers['keep-alive']).not.toBe('timeout=1');
      expect(res.headers['x-request-id']).toBe('req-42');
      expect(res.headers['cache-control']).toBe('private, max-age=60');
    });
  });

  describe('upstream answers and failures', () => {
    /** A bare upstream (an Aspose container without auth, say) that misbehaves on purpose. */
    async function withUpstream(handler: Handler, run: (port: number) => Promise<void>): Promise<void> {
      const upstream = await listen(handler);
      const bare = new AsposeClient({ auth: 'none', baseUrl: upstream.url });
      const proxied = await startProxyApp(framework, bare, { allow: ['* /'], onError: (e) => errors.push(e) });
      try {
        await run(proxied.port);
      } finally {
        await proxied.close();
        await bare.close();
        await upstream.close();
      }
    }

    it('cuts the connection, and reports it, when the upstream answer breaks off mid-body', async () => {
      await withUpstream(
        (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000000' });
          res.write(Buffer.alloc(1000), () => setTimeout(() => res.socket?.destroy(), 20));
        },
        async (port) => {
          await expect(send(port, '/aspose/v1.0/file')).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
          await sleep(50);
          expect(errors.map((e) => e.code)).toEqual(['ERR_ASPOSE_NETWORK']);
          expect(errors[0].message).toContain('while its answer was streaming');
        },
      );
    });

    it('does not pass informational answers (103 Early Hints) on as the final status', async () => {
      await withUpstream(
        (_req, res) => {
          res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
          res.writeHead(201, { 'content-type': 'application/json' }).end('{"created":true}');
        },
        async (port) => {
          const res = await send(port, '/aspose/v1.0/thing', { method: 'POST', body: '{}' });
          expect(res.status).toBe(201);
          expect(res.json()).toEqual({ created: true });
        },
      );
    });

    it("sends the client's own headers option upstream", async () => {
      const tagged = new AsposeClient({
        clientId: standIn.clientId,
        clientSecret: standIn.clientSecret,
        baseUrl: standIn.url,
        headers: { 'x-aspose-client': 'my-bff/1.0' },
      });
      const proxied = await startProxyApp(framework, tagged, { allow: ALLOW });
      try {
        const res = await send(proxied.port, '/aspose/v9.9/echo');
        expect(res.json().headers['x-aspose-client']).toBe('my-bff/1.0');
      } finally {
        await proxied.close();
        await tagged.close();
      }
    });

    it("keeps the client's own headers over the browser's, whatever their case", async () => {
      const tagged = new AsposeClient({
        clientId: standIn.clientId,
        clientSecret: standIn.clientSecret,
        baseUrl: standIn.url,
        headers: { 'X-Aspose-Client': 'my-bff/1.0' },
      });
      const proxied = await startProxyApp(framework, tagged, { allow: ALLOW });
      try {
        const res = await send(proxied.port, '/aspose/v9.9/echo', { headers: { 'x-aspose-CLIENT': 'forged/6.6', 'x-other': 'kept' } });
        expect(res.status).toBe(200);
        expect(res.json().headers['x-aspose-client']).toBe('my-bff/1.0');
        expect(res.json().headers['x-other']).toBe('kept');
      } finally {
        await proxied.close();
        await tagged.close();
      }
    });

    it('passes an upstream 404 through unchanged', async () => {
      const res = await send(app.port, '/aspose/v4.0/words/missing.docx');
      expect(res.status).toBe(404);
      expect(res.json().Error.Code).toBe('ErrorItemNotFound');
    });

    it.each([400, 409, 429, 500, 503])('passes an upstream %i through unchanged', async (status) => {
      standIn.failApi(status, { error: { code: `Fault${status}`, message: 'from upstream' } });
      const res = await send(app.port, '/aspose/v9.9/echo');
      expect(res.status).toBe(status);
      expect(res.json()).toEqual({ error: { code: `Fault${status}`, message: 'from upstream' } });
    });

    it('renews a revoked token once and answers the caller normally', async () => {
      standIn.revoke();
      const tokens = standIn.tokenRequests;
      const res = await send(app.port, '/aspose/v4.0/words/report.docx');
      expect(res.status).toBe(200);
      expect(standIn.tokenRequests).toBe(tokens + 1);
    });

    it('answers 504 JSON when the Aspose API is too slow', async () => {
      const slow = await startProxyApp(framework, client, { allow: ALLOW, timeoutMs: 150, onError: (e) => errors.push(e) });
      try {
        const res = await send(slow.port, '/aspose/__stand-in/slow/3000');
        expect(res.status).toBe(504);
        expect(res.json().error.code).toBe('ERR_ASPOSE_TIMEOUT');
        expect(errors.map((e) => e.code)).toEqual(['ERR_ASPOSE_TIMEOUT']);
      } finally {
        await slow.close();
      }
    });

    it('answers 502 JSON when the Aspose API cannot be reached', async () => {
      const dead = await startAsposeStandIn({ unknownRoutes: 'echo', documents: 'any' });
      const deadUrl = dead.url;
      await dead.close();
      const unreachable = new AsposeClient({
        clientId: standIn.clientId,
        clientSecret: standIn.clientSecret,
        baseUrl: deadUrl,
        tokenUrl: `${standIn.url}/connect/token`,
      });
      const broken = await startProxyApp(framework, unreachable, { allow: ALLOW, onError: (e) => errors.push(e) });
      try {
        const res = await send(broken.port, '/aspose/v4.0/words/report.docx');
        expect(res.status).toBe(502);
        expect(res.json().error.code).toBe('ERR_ASPOSE_NETWORK');
        expect(errors.map((e) => e.code)).toEqual(['ERR_ASPOSE_NETWORK']);
      } finally {
        await broken.close();
        await unreachable.close();
      }
    });

    it('answers 502 JSON when no token can be had, without a word of the secret', async () => {
      const wrong = new AsposeClient({ clientId: standIn.clientId, clientSecret: 'wrong-secret-0123456789', baseUrl: standIn.url });
      const broken = await startProxyApp(framework, wrong, { allow: ALLOW, onError: (e) => errors.push(e) });
      try {
        const res = await send(broken.port, '/aspose/v4.0/words/report.docx');
        expect(res.status).toBe(502);
        expect(res.json().error.code).toBe('ERR_ASPOSE_AUTH_REFUSED');
        expect(res.text).not.toContain('wrong-secret-0123456789');
        expect(inspect(errors, { depth: 10 })).not.toContain('wrong-secret-0123456789');
      } finally {
        await broken.close();
        await wrong.close();
      }
    });
  });

  describe('request bodies', () => {
    it('answers 413 at once when Content-Length is over maxBodyBytes', async () => {
      const small = await startProxyApp(framework, client, { allow: ALLOW, maxBodyBytes: 1000 });
      try {
        const before = standIn.apiRequests;
        const res = await send(small.port, '/aspose/v9.9/echo', { method: 'POST', body: Buffer.alloc(1001) });
        expect(res.status).toBe(413);
        expect(res.json().error.code).toBe('ERR_ASPOSE_PROXY_BODY_TOO_LARGE');
        expect(standIn.apiRequests).toBe(before);
        expect((await send(small.port, '/aspose/v9.9/echo', { method: 'POST', body: Buffer.alloc(1000) })).json().bodyBytes).toBe(1000);
      } finally {
        await small.close();
      }
    });

    it('answers 413 when a chunked body passes maxBodyBytes, and cancels the upstream request', async () => {
      const { Readable } = await import('node:stream');
      const small = await startProxyApp(framework, client, { allow: ALLOW, maxBodyBytes: 100_000 });
      try {
        const chunks = (function* () {
          for (let i = 0; i < 50; i++) yield Buffer.alloc(10_000);
        })();
        const res = await send(small.port, '/aspose/v9.9/echo', { method: 'POST', body: Readable.from(chunks) });
        expect(res.status).toBe(413);
        expect(res.json().error.code).toBe('ERR_ASPOSE_PROXY_BODY_TOO_LARGE');
      } finally {
        await small.close();
      }
    });

    it('answers 500 with advice when a body parser read the body first', async () => {
      const parsed = await startProxyApp(framework, client, { allow: ALLOW, bodyParserFirst: true });
      try {
        const res = await send(parsed.port, '/aspose/v9.9/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
        expect(res.status).toBe(500);
        expect(res.json().error).toEqual({ code: 'ERR_ASPOSE_PROXY_BODY_CONSUMED', message: expect.stringContaining('before any body parser') });
      } finally {
        await parsed.close();
      }
    });
  });

  it('sits behind the app’s own authentication', async () => {
    const before = standIn.apiRequests;
    const res = await send(app.port, '/aspose/v4.0/words/report.docx', { user: false });
    expect(res.status).toBe(401);
    expect(standIn.apiRequests).toBe(before);
  });

  it('never puts the client secret or a token in an answer or an onError report', async () => {
    const bodies: string[] = [];
    const paths = ['/aspose/connect/token', '/aspose/v4.0/words/%2e%2e/x', '/aspose/v4.0/cells/x', '/aspose/v4.0/words/missing.docx', '/aspose/v9.9/echo'];
    for (const p of paths) {
      const r = await send(app.port, p, { headers: { authorization: 'Bearer caller' } });
      bodies.push(r.text, JSON.stringify(r.headers));
    }
    const slow = await startProxyApp(framework, client, { allow: ALLOW, timeoutMs: 50, onError: (e) => errors.push(e) });
    try {
      const r = await send(slow.port, '/aspose/__stand-in/slow/1000');
      bodies.push(r.text, JSON.stringify(r.headers));
    } finally {
      await slow.close();
    }
    const everything = bodies.join('\n') + inspect(errors, { depth: 10, showHidden: true }) + inspect(client, { depth: 10 });
    expect(everything).not.toContain(standIn.clientSecret);
    expect(everything).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT
    expect(everything).not.toContain((await client.tokens.getToken()).value);
  });
});
