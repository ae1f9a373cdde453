/**
 * The auth interceptor: the token goes only to the API origin (checked on
 * every dispatch, so redirects to other origins never see it); a 401 is
 * replayed once with a fresh token when the body can be sent again; a
 * one-shot stream gets its 401 back; a second 401 is not looped on.
 */
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Agent, FormData as UndiciFormData, fetch, interceptors, request } from 'undici';
import { AccessToken, AsposeClient, AsposeConfigError, TokenService, asposeAuthInterceptor } from 'aspose-cloud-auth';
import { cleanup, track } from '../support/cleanup';
import { client, credentials } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { sleep } from '../support/polling';
import { captureServer, standIn } from '../support/servers';
import { runScenario } from '../support/unhandled-rejections';

const SCENARIOS = join(__dirname, 'unhandled-rejection.scenarios.cjs');

afterEach(cleanup);

describe('Bearer only for the API origin', () => {
  test('a request through client.dispatcher to another origin carries no authorization', async () => {
    const server = await standIn();
    const other = await captureServer();
    const aspose = client(server);
    const api = await request(`${server.url}/v4.0/words/a.docx`, { dispatcher: aspose.dispatcher });
    expect(api.statusCode).toBe(200);
    await api.body.dump();
    const res = await request(`${other.url}/elsewhere`, { dispatcher: aspose.dispatcher });
    await res.body.dump();
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0].authorization).toEqual([]);
  });

  test('an absolute URL to another origin through AsposeClient.request is sent without credentials', async () => {
    const server = await standIn();
    const other = await captureServer();
    const aspose = client(server);
    const res = await aspose.request({ path: `${other.url}/upload?x=1` });
    await res.body.dump();
    expect(other.requests[0].url).toBe('/upload?x=1');
    expect(other.requests[0].authorization).toEqual([]);
  });

  describe.each([
    ['redirect interceptor outermost', 'outer'],
    ['redirect interceptor innermost', 'inner'],
  ] as const)('redirects, %s', (_, order) => {
    function compose(aspose: AsposeClient) {
      const redirect = interceptors.redirect({ maxRedirections: 3 });
      const agent = track(new Agent(), (a) => a.close());
      return order === 'outer'
        ? agent.compose(asposeAuthInterceptor({ tokens: aspose.tokens }), redirect)
        : agent.compose(redirect, asposeAuthInterceptor({ tokens: aspose.tokens }));
    }

    test('a redirect to another origin never hands it the token', async () => {
      const server = await standIn();
      const other = await captureServer();
      const aspose = client(server);
      const res = await request(`${server.url}/__stand-in/redirect?to=${encodeURIComponent(`${other.url}/landing`)}`, { dispatcher: compose(aspose) });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
      expect(other.requests.map((r) => r.url)).toEqual(['/landing']);
      expect(other.requests[0].authorization).toEqual([]);
      // The first hop was authenticated: the stand-in's redirect route needs a token.
      expect(server.unauthorized).toBe(0);
    });

    test('a same-origin redirect stays authenticated', async () => {
      const server = await standIn();
      const aspose = client(server);
      const res = await request(`${server.url}/__stand-in/redirect?to=${encodeURIComponent('/v4.0/words/b.docx')}`, { dispatcher: compose(aspose) });
      expect(res.statusCode).toBe(200);
      expect(((await res.body.json()) as { Document: { FileName: string } }).Document.FileName).toBe('b.docx');
      expect(server.unauthorized).toBe(0);
    });
  });

  test('client.dispatcher composed with the redirect interceptor keeps the token on the API origin', async () => {
    const server = await standIn();
    const other = await captureServer();
    const aspose = client(server);
    const dispatcher = aspose.dispatcher.compose(interceptors.redirect({ maxRedirections: 3 }));
    const res = await request(`${server.url}/__stand-in/redirect?to=${encodeURIComponent(`${other.url}/landing`)}`, { dispatcher });
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    expect(other.requests[0].authorization).toEqual([]);
  });

  test('undici fetch with the dispatcher: authenticated on the API, no token after a cross-origin redirect', async () => {
    const server = await standIn();
    const other = await captureServer();
    const aspose = client(server);
    const api = await fetch(`${server.url}/v4.0/words/a.docx`, { dispatcher: aspose.dispatcher });
    expect(api.status).toBe(200);
    await api.arrayBuffer();
    const res = await fetch(`${server.url}/__stand-in/redirect?to=${encodeURIComponent(`${other.url}/landing`)}`, { dispatcher: aspose.dispatcher });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(other.requests[0].authorization).toEqual([]);
    expect(server.unauthorized).toBe(0);
  });

  test.each([
    ['object', { Authorization: 'Bearer stale', 'x-keep': '1' }],
    ['object, other casing', { AUTHORIZATION: ['Bearer a', 'Bearer b'], 'x-keep': '1' }],
    ['flat array', ['authorization', 'Bearer stale', 'x-keep', '1', 'Authorization', 'Basic Zm9vOmJhcg==']],
    [
      'pairs',
      [
        ['Authorization', 'Bearer stale'],
        ['x-keep', '1'],
      ],
    ],
    [
      'Map',
      new Map([
        ['authorization', 'Bearer stale'],
        ['x-keep', '1'],
      ]),
    ],
    ['none', undefined],
  ])('headers as %s: authorization is replaced, not duplicated', async (_, headers) => {
    const server = await standIn();
    const api = await captureServer();
    const aspose = client(undefined, { ...credentials(server), baseUrl: api.url, tokenUrl: `${server.url}/connect/token` });
    const token = await aspose.tokens.getToken();
    const res = await aspose.dispatcher.request({ origin: api.url, path: '/__stand-in/echo/x', method: 'GET', headers: headers as never });
    await res.body.dump();
    expect(api.requests[0].authorization).toEqual([`Bearer ${token.value}`]);
    if (headers) expect(api.requests[0].headers['x-keep']).toBe('1');
  });
});

describe('401 replay', () => {
  test.each([
    ['string', () => 'hello world'],
    ['Buffer', () => Buffer.from('hello world')],
    ['Uint8Array', () => new Uint8Array(Buffer.from('hello world'))],
  ])('a %s body is replayed once with a fresh token and succeeds', async (_, body) => {
    const server = await standIn();
    const aspose = client(server);
    await aspose.get('/v4.0/words/warm.docx');
    server.revoke();
    const before = server.apiRequests;
    const res = await aspose.request({ method: 'POST', path: '/__stand-in/echo', body: body() });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ method: 'POST', bodyBytes: 11 });
    expect(server.apiRequests - before).toBe(2);
    expect(server.unauthorized).toBe(1);
    expect(server.tokenRequests).toBe(2);
  });

  test.each([
    [
      'FormData (a multipart storage upload)',
      () => {
        // undici's own FormData class.
        const form = new UndiciFormData();
        form.append('file', new Blob([Buffer.alloc(10_000, 1)]), 'a.bin');
        return form;
      },
    ],
    [
      'Node global FormData (encoded by the interceptor: undici 7 cannot encode it itself)',
      () => {
        const form = new globalThis.FormData();
        form.append('file', new Blob([Buffer.alloc(10_000, 1)]), 'a.bin');
        form.append('folder', 'in');
        return form;
      },
    ],
    ['Blob', () => new Blob([Buffer.alloc(10_000, 1)])],
  ])('a %s body is re-encoded for the replay and succeeds', async (_, body) => {
    const server = await standIn();
    const aspose = client(server);
    await aspose.get('/v4.0/words/warm.docx');
    server.revoke();
    const before = server.apiRequests;
    const res = await aspose.request({ method: 'PUT', path: '/v4.0/words/storage/file/a.bin', body: body() as never });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ Uploaded: ['a.bin'] });
    // The file arrived whole in the replay: the form's file part, or the raw Blob.
    expect(server.storage.get('a.bin')?.bytes.equals(Buffer.alloc(10_000, 1))).toBe(true);
    expect(server.apiRequests - before).toBe(2);
  });

  test('a JSON body from post() is replayed and the call succeeds', async () => {
    const server = await standIn();
    const aspose = client(server);
    await aspose.get('/v4.0/words/warm.docx');
    server.revoke();
    const body = { data: 'abc', list: [1, 2, 3] };
    const out = await aspose.post<{ bodyBytes: number; headers: Record<string, string> }>('/__stand-in/echo', body);
    expect(out.bodyBytes).toBe(JSON.stringify(body).length);
    expect(out.headers['content-type']).toBe('application/json');
    expect(server.unauthorized).toBe(1);
    expect(server.tokenRequests).toBe(2);
  });

  test('a one-shot stream body gets the 401 back as is: never a truncated resend', async () => {
    const server = await standIn();
    const aspose = client(server);
    await aspose.get('/v4.0/words/warm.docx');
    server.revoke();
    const before = server.apiRequests;
    const chunk = Buffer.alloc(64 * 1024, 7);
    const res = await aspose.request({ method: 'PUT', path: '/v4.0/words/storage/file/one-shot.bin', body: Readable.from([chunk, chunk, chunk]) });
    expect(res.statusCode).toBe(401);
    expect(await res.body.json()).toMatchObject({ error: 'invalid_token' });
    expect(server.apiRequests - before).toBe(1);
    expect(server.uploadedBytes).toBe(0);
    // The stale token was dropped anyway, so the next call (with a replayable body) just works.
    const next = await aspose.request({ method: 'PUT', path: '/v4.0/words/storage/file/again.bin', body: chunk });
    expect(next.statusCode).toBe(200);
    await next.body.dump();
    expect(server.uploadedBytes).toBe(chunk.length);
  });

  test('a body factory is called again for the replay, and the whole stream arrives', async () => {
    const server = await standIn();
    const aspose = client(server);
    await aspose.get('/v4.0/words/warm.docx');
    server.revoke();
    const before = server.apiRequests;
    const chunk = Buffer.alloc(64 * 1024, 9);
    let made = 0;
    const res = await aspose.request({
      method: 'PUT',
      path: '/v4.0/words/storage/file/factory.bin',
      body: () => {
        made++;
        return Readable.from([chunk, chunk, chunk]);
      },
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ Uploaded: ['factory.bin'] });
    expect(server.storage.get('factory.bin')?.bytes.length).toBe(3 * chunk.length);
    expect(made).toBe(2);
    expect(server.apiRequests - before).toBe(2);
    expect(server.uploadedBytes).toBe(3 * chunk.length);
  });

  test("Node's global FormData works through undici.request on client.dispatcher and from a body factory, to the API and to another origin", async () => {
    const server = await standIn();
    const other = await captureServer();
    const aspose = client(server);
    const form = () => {
      const f = new globalThis.FormData();
      f.append('file', new Blob(['hello multipart']), 'hello.txt');
      return f;
    };
    const multipart = {
      headers: expect.objectContaining({ 'content-type': expect.stringMatching(/^multipart\/form-data; boundary=/), authorization: '[valid bearer token]' }),
      bodyBytes: expect.any(Number),
    };
    const direct = await request(`${server.url}/__stand-in/echo`, { method: 'PUT', body: form() as never, dispatcher: aspose.dispatcher });
    expect(direct.statusCode).toBe(200);
    const directOut = (await direct.body.json()) as { bodyBytes: number };
    expect(directOut).toMatchObject(multipart);
    expect(directOut.bodyBytes).toBeGreaterThan('hello multipart'.length);
    const viaFactory = await aspose.request({ method: 'PUT', path: '/__stand-in/echo', body: () => form() as never });
    expect(viaFactory.statusCode).toBe(200);
    expect(await viaFactory.body.json()).toMatchObject(multipart);
    const elsewhere = await aspose.request({ method: 'POST', path: `${other.url}/up`, body: form() });
    await elsewhere.body.dump();
    expect(other.requests[0].body.toString()).toContain('hello multipart');
    expect(other.requests[0].authorization).toEqual([]);
  });

  test('a body factory for another origin is called once and sent', async () => {
    const server = await standIn();
    const other = await captureServer();
    const aspose = client(server);
    const res = await aspose.request({ method: 'POST', path: `${other.url}/up`, body: () => Readable.from([Buffer.from('abc')]) });
    await res.body.dump();
    expect(other.requests[0].body.toString()).toBe('abc');
    expect(other.requests[0].authorization).toEqual([]);
  });

  test('a second 401 is returned to the caller: no loop', async () => {
    const server = await standIn();
    const aspose = client(server);
    await aspose.get('/v4.0/words/warm.docx');
    const tokenRequests = server.tokenRequests;
    const apiRequests = server.apiRequests;
    server.failApi(401, { error: 'invalid_token' }, 2);
    const res = await aspose.request({ method: 'POST', path: '/__stand-in/echo', body: 'x' });
    expect(res.statusCode).toBe(401);
    expect(await res.body.json()).toEqual({ error: 'invalid_token' });
    expect(server.apiRequests - apiRequests).toBe(2);
    expect(server.tokenRequests - tokenRequests).toBe(1);
  });

  test('a 401 on another origin is not the token service’s business', async () => {
    const server = await standIn();
    const other = await captureServer();
    other.respond = () => ({ status: 401, body: { error: 'nope' } });
    const aspose = client(server);
    await aspose.get('/v4.0/words/warm.docx');
    const res = await aspose.request({ path: `${other.url}/x` });
    expect(res.statusCode).toBe(401);
    await res.body.dump();
    expect(other.requests).toHaveLength(1);
    expect(server.tokenRequests).toBe(1);
    expect(aspose.tokens.stats.invalidations).toBe(0);
  });

  test('replayOn401: false returns the first 401', async () => {
    const server = await standIn();
    const tokens = track(new TokenService(credentials(server)), (t) => t.close());
    const agent = track(new Agent(), (a) => a.close());
    const dispatcher = agent.compose(asposeAuthInterceptor({ tokens, replayOn401: false }));
    await tokens.getToken();
    server.revoke();
    const res = await request(`${server.url}/v4.0/words/a.docx`, { dispatcher });
    expect(res.statusCode).toBe(401);
    await res.body.dump();
    expect(server.apiRequests).toBe(1);
  });

  test('static accessToken mode: a 401 is returned as is, no token request, no replay', async () => {
    const server = await standIn();
    const accessToken = server.issueToken();
    const aspose = client(undefined, { baseUrl: server.url, accessToken });
    const ok = await aspose.request({ path: '/v4.0/words/a.docx' });
    expect(ok.statusCode).toBe(200);
    await ok.body.dump();
    server.revoke();
    const res = await aspose.request({ path: '/v4.0/words/a.docx' });
    expect(res.statusCode).toBe(401);
    await res.body.dump();
    expect(server.apiRequests).toBe(2);
    expect(server.tokenRequests).toBe(0);
    expect(aspose.tokens.auth).toBe('static');
  });

  test("auth: 'none' sends no Authorization header at all", async () => {
    const api = await captureServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url });
    const res = await aspose.request({ path: '/v4.0/slides/info', headers: { 'x-keep': '1' } });
    await res.body.dump();
    expect(api.requests[0].authorization).toEqual([]);
    expect(api.requests[0].headers['x-keep']).toBe('1');
    const err = await rejectionOf(aspose.tokens.getToken());
    expect(err).toBeInstanceOf(AsposeConfigError); // as getToken's TSDoc promises
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_CONFIG', issues: [expect.objectContaining({ option: 'auth' })] });
  });

  test("auth: 'none' against a container run without auth", async () => {
    const server = await standIn({ auth: 'none' });
    const aspose = client(undefined, { auth: 'none', baseUrl: server.url });
    const info = await aspose.get<{ Document: { FileName: string } }>('/v4.0/words/a.docx');
    expect(info.Document.FileName).toBe('a.docx');
    expect(server.tokenRequests).toBe(0);
  });
});

describe('aborting while waiting for a token', () => {
  // The tests here that look for unhandled rejections run their scenario in a child process,
  // where a real listener sees them (see no-unhandled.test.ts).
  test('rejects with ERR_ASPOSE_ABORTED before the token arrives, and the API is never called', async () => {
    const { unhandled, result } = await runScenario(SCENARIOS, 'an abort before the token arrives');
    expect(unhandled).toEqual([]);
    // It did not wait for the token (none issued when it was rejected); the shared token
    // request went on for the other caller, whose call alone reached the API.
    expect(result).toEqual({ code: 'ERR_ASPOSE_ABORTED', tokensIssuedAtAbort: 0, otherFileName: 'b.docx', apiRequests: 1 });
  });

  test('an already-aborted signal rejects without a request', async () => {
    const server = await standIn();
    const aspose = client(server);
    const err = await rejectionOf(aspose.request({ path: '/v4.0/words/a.docx', signal: AbortSignal.abort() }));
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_ABORTED' });
    await sleep(50);
    expect(server.apiRequests).toBe(0);
  });

  test('getToken({ signal }) stops waiting; the shared fetch goes on', async () => {
    const server = await standIn();
    server.failToken({ kind: 'delay', ms: 400 });
    const tokens = track(new TokenService(credentials(server)), (t) => t.close());
    const controller = new AbortController();
    const waiting = rejectionOf(tokens.getToken({ signal: controller.signal }));
    const patient = tokens.getToken();
    controller.abort();
    expect(await waiting).toMatchObject({ code: 'ERR_ASPOSE_ABORTED' });
    await expect(patient).resolves.toBeInstanceOf(AccessToken);
    expect(server.tokenRequests).toBe(1);
  });

  test('aborted while waiting for a token that then fails: no unhandled rejection', async () => {
    const { unhandled, result } = await runScenario(SCENARIOS, 'an abort while waiting for a token that then fails');
    expect(unhandled).toEqual([]);
    expect(result).toEqual({ code: 'ERR_ASPOSE_ABORTED', tokenRequests: 1 });
  });
});
