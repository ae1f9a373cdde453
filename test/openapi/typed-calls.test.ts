/**
 * The typed layer (`aspose-cloud-auth/openapi`) at run time, on loopback:
 * the stand-in issues tokens, and a product server (./product-server.ts)
 * implements fixtures/products.openapi.yaml and takes only tokens the
 * stand-in vouches for. Calls are typed by the `paths` generated from that
 * description, so these tests also show the types fit real calls.
 */
import { Readable } from 'node:stream';
import { AsposeApiError, AsposeArgumentError, AsposeClient, AsposeConfigError, type AsposeClientOptions } from 'aspose-cloud-auth';
import { createAsposeApi } from 'aspose-cloud-auth/openapi';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import type { paths } from './fixtures/products';
import { startProductServer, type ProductServer } from './product-server';
import { cleanup, track } from '../support/cleanup';
import { rejectionOf, thrownBy } from '../support/errors';

let standIn: AsposeStandIn;
let product: ProductServer;

beforeAll(async () => {
  standIn = await startAsposeStandIn();
  product = await startProductServer(standIn);
});
afterAll(async () => {
  await product.close();
  await standIn.close();
});
beforeEach(() => {
  product.received.length = 0;
  product.files.clear();
});
afterEach(cleanup);

/** A client of the product server that gets its tokens from the stand-in: a new one per test, so each test's 401 is its first. */
function productClient(options: AsposeClientOptions = {}): AsposeClient {
  return track(
    new AsposeClient({
      clientId: standIn.clientId,
      clientSecret: standIn.clientSecret,
      baseUrl: product.url,
      tokenUrl: `${standIn.url}/connect/token`,
      ...options,
    }),
    (c) => c.close(),
  );
}

function productApi(options: AsposeClientOptions = {}) {
  return createAsposeApi<paths>(productClient(options), { prefix: '/v9.0' });
}

const bearerOf = (i: number) => product.received[i].headers.authorization;

describe('requests go where the description says', () => {
  test('a typed GET with path and query parameters reaches the right URL and resolves the typed JSON', async () => {
    const api = productApi();
    const { data, status, headers } = await api.GET('/docs/{name}/summary', {
      params: { path: { name: 'report one.docx' }, query: { folder: 'in/2024', storage: undefined, pages: [1, 2], withText: true } },
    });
    expect(product.received.map((r) => `${r.method} ${r.target}`)).toEqual([
      'GET /v9.0/docs/report%20one.docx/summary?folder=in%2F2024&pages=1&pages=2&withText=true',
    ]);
    expect(data).toEqual({ name: 'report one.docx', pageCount: 3, query: 'folder=in%2F2024&pages=1&pages=2&withText=true' });
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('application/json');
    expect(product.received[0].headers.accept).toBe('application/json');
  });

  test('query serialisation: undefined and null left out, an array repeats its key, booleans and numbers as text, every key and value encoded', async () => {
    const api = productApi();
    await api.GET('/docs/{name}/summary', { params: { path: { name: 'a' }, query: { withText: false, pages: [0, -1, 2.5], folder: 'a&b=c #d' } } });
    await api.GET('/docs/{name}/summary', { params: { path: { name: 'a' }, query: { pages: [], folder: undefined } } });
    // A JavaScript caller's null, which the types do not allow.
    await api.GET('/docs/{name}/summary', { params: { path: { name: 'a' }, query: { folder: null as unknown as string } } });
    expect(product.received.map((r) => r.target)).toEqual([
      '/v9.0/docs/a/summary?withText=false&pages=0&pages=-1&pages=2.5&folder=a%26b%3Dc%20%23d',
      '/v9.0/docs/a/summary',
      '/v9.0/docs/a/summary',
    ]);
  });

  test('several path parameters, one a number, each in its segment', async () => {
    const api = productApi();
    const { data } = await api.GET('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'b.pdf', pageNumber: 2 } } });
    expect(product.received[0].target).toBe('/v9.0/docs/b.pdf/pages/2');
    expect(data).toEqual({ number: 2, text: 'page 2 of b.pdf' });
  });

  test('header parameters go as headers, under the call’s own headers', async () => {
    const api = productApi();
    const { data, status } = await api.POST('/docs/{name}/notes', {
      params: { path: { name: 'a.docx' }, header: { 'x-note-source': 'param' } },
      body: { text: 'hi' },
      headers: { 'X-Extra': '1' },
    });
    expect(status).toBe(201);
    expect(data).toEqual({ id: 1, text: 'hi', tags: [], source: 'param' });
    expect(product.received[0].headers).toMatchObject({ 'x-note-source': 'param', 'x-extra': '1', 'content-type': 'application/json' });
    await api.POST('/docs/{name}/notes', {
      params: { path: { name: 'a.docx' }, header: { 'x-note-source': 'param' } },
      body: { text: 'hi' },
      headers: { 'X-Note-Source': 'call' },
    });
    expect(product.received[1].headers['x-note-source']).toBe('call');
  });

  test('the prefix, or a baseUrl that ends with the version, puts the description’s paths under it', async () => {
    const viaBase = createAsposeApi<paths>(productClient({ baseUrl: `${product.url}/v9.0/` }));
    const viaPrefix = createAsposeApi<paths>(productClient(), { prefix: '/v9.0/' });
    expect(viaPrefix.prefix).toBe('/v9.0');
    await viaBase.GET('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'a', pageNumber: 1 } } });
    await viaPrefix.GET('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'a', pageNumber: 1 } } });
    expect(product.received.map((r) => r.target)).toEqual(['/v9.0/docs/a/pages/1', '/v9.0/docs/a/pages/1']);
  });
});

describe('hostile path parameters stay in their segment', () => {
  const hostile = [
    'a/b',
    '../../admin',
    'a/../../x',
    '..docx',
    'a?folder=x',
    'x#frag',
    'a%2Fb',
    '%2e%2e',
    'back\\slash',
    'sp ace',
    'ü€😀.docx',
    '?',
    '#',
    '/',
    '...',
  ];
  test.each(hostile)('%j is one segment, decoded back to itself, with no query', async (name) => {
    const api = productApi();
    const { data } = await api.GET('/docs/{name}/summary', { params: { path: { name } } });
    expect(data).toEqual({ name, pageCount: 3, query: '' });
    const target = product.received[0].target;
    expect(target.split('/')).toHaveLength(5);
    expect(target).not.toContain('?');
    expect(target).not.toContain('#');
  });

  test.each(['', '.', '..'])('%j is refused before anything is sent: it would change the route', async (name) => {
    const api = productApi();
    const err = await rejectionOf(api.GET('/docs/{name}/summary', { params: { path: { name } } }));
    expect(err).toBeInstanceOf(AsposeArgumentError);
    expect(err.code).toBe('ERR_ASPOSE_INVALID_ARGUMENT');
    expect(err.message).toContain('path parameter "name" of /docs/{name}/summary');
    expect(product.received).toHaveLength(0);
  });

  test('a missing, null or object path parameter (a JavaScript caller) is refused by name, its value never quoted', async () => {
    const api = productApi();
    const untyped = api.GET as (path: string, init?: unknown) => Promise<unknown>;
    const missing = await rejectionOf(untyped('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'a' } } }));
    expect(missing).toBeInstanceOf(AsposeArgumentError);
    expect(missing.message).toMatch(/path parameter "pageNumber" of .* is missing: pass it in params\.path/);
    expect(await rejectionOf(untyped('/docs/{name}/summary'))).toBeInstanceOf(AsposeArgumentError);
    expect(await rejectionOf(untyped('/docs/{name}/summary', { params: { path: { name: null } } }))).toBeInstanceOf(AsposeArgumentError);
    const object = await rejectionOf(untyped('/docs/{name}/summary', { params: { path: { name: { secret: 'S3cr3t' } } } }));
    expect(object.message).toContain('must be a string or a number (got object)');
    expect(object.message).not.toContain('S3cr3t');
    // An inherited property is not a parameter.
    expect(await rejectionOf(untyped('/docs/{toString}/summary', { params: { path: {} } }))).toBeInstanceOf(AsposeArgumentError);
    const lone = await rejectionOf(untyped('/docs/{name}/summary', { params: { path: { name: '\ud800' } } }));
    expect(lone.message).toContain('lone UTF-16 surrogate');
    expect(await rejectionOf(untyped('https://elsewhere.invalid/docs'))).toBeInstanceOf(AsposeArgumentError);
    expect(product.received).toHaveLength(0);
  });
});

describe('folderPathParams: storage paths that name folders', () => {
  test('a listed parameter sends its folders as segments, each piece encoded; others stay one segment', async () => {
    const api = createAsposeApi<paths>(productClient(), { prefix: '/v9.0', folderPathParams: ['path'] });
    const form = new FormData();
    form.append('file', new Blob(['x']), 'r.docx');
    await api.PUT('/storage/file/{path}', { params: { path: { path: '/in/2024 q1/r#1?.docx' } }, body: form });
    await api.GET('/docs/{name}/summary', { params: { path: { name: 'in/r.docx' } } });
    expect(product.received.map((r) => r.target)).toEqual(['/v9.0/storage/file/in/2024%20q1/r%231%3F.docx', '/v9.0/docs/in%2Fr.docx/summary']);
    expect([...product.files.keys()]).toEqual(['in/2024 q1/r#1?.docx']);
    const { data } = await api.GET('/storage/file/{path}', { params: { path: { path: 'in/2024 q1/r#1?.docx' } }, parseAs: 'text' });
    expect(data).toBe('x');
  });

  test.each(['in/../../admin', '../x', 'in/./x', 'in//x', 'in/', '/', '//x', ''])(
    '%j is refused before anything is sent: a piece would be empty, . or ..',
    async (path) => {
      const api = createAsposeApi<paths>(productClient(), { prefix: '/v9.0', folderPathParams: ['path'] });
      const err = await rejectionOf(api.GET('/storage/file/{path}', { params: { path: { path } }, parseAs: 'buffer' }));
      expect(err).toBeInstanceOf(AsposeArgumentError);
      expect(err.message).toContain('path parameter "path" of /storage/file/{path}');
      expect(product.received).toHaveLength(0);
    },
  );

  test('the option is checked', () => {
    for (const folderPathParams of ['path', [''], [1], {}]) {
      const err = thrownBy(() => createAsposeApi<paths>(productClient(), { folderPathParams: folderPathParams as string[] }));
      expect(err).toBeInstanceOf(AsposeConfigError);
      expect(err.issues[0].option).toBe('folderPathParams');
    }
  });
});

describe('the 401 replay holds through the typed layer', () => {
  test('a JSON POST whose token was revoked is answered 401, replayed once with a fresh token, and the server gets the same JSON body twice', async () => {
    const api = productApi();
    await api.GET('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'a', pageNumber: 1 } } });
    const issued = standIn.tokensIssued;
    standIn.revoke();
    const { data, status } = await api.POST('/docs/{name}/notes', {
      params: { path: { name: 'a.docx' }, query: { folder: 'f' } },
      body: { text: 'replay me', tags: ['x'] },
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({ text: 'replay me', tags: ['x'] });
    const posts = product.received.filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.target, r.status])).toEqual([
      ['/v9.0/docs/a.docx/notes?folder=f', 401],
      ['/v9.0/docs/a.docx/notes?folder=f', 201],
    ]);
    expect(posts[0].body.toString()).toBe('{"text":"replay me","tags":["x"]}');
    expect(posts[1].body.equals(posts[0].body)).toBe(true);
    expect(posts[1].headers.authorization).not.toBe(posts[0].headers.authorization);
    expect(posts[0].headers.authorization).toBe(bearerOf(0));
    expect(standIn.tokensIssued).toBe(issued + 1);
  });

  test('a multipart upload (FormData) is replayed after a 401 with the same file, and downloads back byte for byte', async () => {
    const api = productApi();
    const bytes = Buffer.from([0, 1, 2, 255, 13, 10, 45, 45, 0x50, 0x4b]);
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'in/a b.bin');
    await api.GET('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'a', pageNumber: 1 } } });
    standIn.revoke();
    const { data } = await api.PUT('/storage/file/{path}', { params: { path: { path: 'in/a b.bin' } }, body: form });
    expect(data).toEqual({ uploaded: ['in/a b.bin'] });
    const puts = product.received.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => [r.target, r.status])).toEqual([
      ['/v9.0/storage/file/in%2Fa%20b.bin', 401],
      ['/v9.0/storage/file/in%2Fa%20b.bin', 200],
    ]);
    expect(puts[0].body.includes(bytes)).toBe(true);
    const download = await api.GET('/storage/file/{path}', { params: { path: { path: 'in/a b.bin' } }, parseAs: 'buffer' });
    expect(Buffer.isBuffer(download.data)).toBe(true);
    expect(download.data.equals(bytes)).toBe(true);
  });

  test('a raw body (bytes) is replayed after a 401; a one-shot stream is sent once and its 401 is the AsposeApiError', async () => {
    const api = productApi();
    await api.GET('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'a', pageNumber: 1 } } });
    standIn.revoke();
    const upper = await api.POST('/convert', { params: { query: { format: 'upper' } }, body: Buffer.from('abc'), parseAs: 'text' });
    expect(upper.data).toBe('ABC');
    expect(product.received.filter((r) => r.method === 'POST').map((r) => [r.body.toString(), r.status])).toEqual([
      ['abc', 401],
      ['abc', 200],
    ]);
    const fresh = productApi();
    await fresh.GET('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'a', pageNumber: 1 } } });
    standIn.revoke();
    const err = await rejectionOf(
      fresh.POST('/convert', { params: { query: { format: 'txt' } }, body: Readable.from([Buffer.from('once')]), parseAs: 'text' }),
    );
    expect(err).toBeInstanceOf(AsposeApiError);
    expect(err.status).toBe(401);
    // A function returning a fresh stream is replayed.
    const replayed = await fresh.POST('/convert', {
      params: { query: { format: 'upper' } },
      body: () => Readable.from([Buffer.from('twice')]),
      parseAs: 'text',
    });
    expect(replayed.data).toBe('TWICE');
  });
});

describe('answers', () => {
  test('a non-2xx answer rejects with AsposeApiError, as the JSON helpers do: status, Aspose code and message, request id, the path without its query', async () => {
    const api = productApi();
    const err = await rejectionOf(api.GET('/docs/{name}/summary', { params: { path: { name: 'missing.docx' }, query: { folder: 'private' } } }));
    expect(err).toBeInstanceOf(AsposeApiError);
    expect(err).toMatchObject({
      code: 'ERR_ASPOSE_API',
      status: 404,
      apiCode: 'ItemNotFound',
      apiMessage: 'Document missing.docx was not found',
      requestId: 'req-404',
      method: 'GET',
      path: '/v9.0/docs/missing.docx/summary',
    });
    expect(err.body).toContain('ItemNotFound');
    // The same error from a call whose answer is read as bytes, text or a stream.
    for (const parseAs of ['buffer', 'text', 'stream'] as const) {
      const raw = await rejectionOf(api.GET('/storage/file/{path}', { params: { path: { path: 'nothing.bin' } }, parseAs }));
      expect(raw).toBeInstanceOf(AsposeApiError);
      expect(raw).toMatchObject({ status: 404, apiCode: 'ItemNotFound', method: 'GET', path: '/v9.0/storage/file/nothing.bin' });
    }
    const bad = await rejectionOf(api.POST('/docs/{name}/notes', { params: { path: { name: 'a' } }, body: { text: 7 as unknown as string } }));
    expect(bad).toMatchObject({ status: 400, apiCode: 'BadNote', method: 'POST' });
  });

  test('a token the server never accepts: the replay’s 401 is the AsposeApiError, after exactly one renewal', async () => {
    const before = standIn.tokensIssued;
    // A client of another stand-in: its tokens are unknown to the product server.
    const other = await startAsposeStandIn();
    track(other, (s) => s.close());
    const stranger = createAsposeApi<paths>(
      productClient({ clientId: other.clientId, clientSecret: other.clientSecret, tokenUrl: `${other.url}/connect/token` }),
      { prefix: '/v9.0' },
    );
    const err = await rejectionOf(stranger.POST('/docs/{name}/notes', { params: { path: { name: 'a' } }, body: { text: 'x' } }));
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_API', status: 401, apiCode: 'invalid_token' });
    expect(product.received.map((r) => r.status)).toEqual([401, 401]);
    expect(other.tokensIssued).toBe(2);
    expect(standIn.tokensIssued).toBe(before);
  });

  test('parseAs: buffer, text and stream read a binary answer; DELETE and HEAD resolve undefined data with their status', async () => {
    const api = productApi();
    const form = new FormData();
    form.append('file', new Blob(['hello']), 'h.txt');
    await api.PUT('/storage/file/{path}', { params: { path: { path: 'h.txt' } }, body: form });
    const asText = await api.GET('/storage/file/{path}', { params: { path: { path: 'h.txt' } }, parseAs: 'text' });
    expect(asText).toMatchObject({ data: 'hello', status: 200 });
    const asStream = await api.GET('/storage/file/{path}', { params: { path: { path: 'h.txt' } }, parseAs: 'stream' });
    expect(await asStream.data.text()).toBe('hello');
    const head = await api.HEAD('/storage/file/{path}', { params: { path: { path: 'h.txt' } } });
    expect(head).toMatchObject({ data: undefined, status: 200 });
    const deleted = await api.DELETE('/storage/file/{path}', { params: { path: { path: 'h.txt' } } });
    expect(deleted).toMatchObject({ data: undefined, status: 204 });
    expect(await rejectionOf(api.HEAD('/storage/file/{path}', { params: { path: { path: 'h.txt' } } }))).toMatchObject({ status: 404 });
    // A JSON body with a binary answer is still sent as JSON.
    const settings = await api.PATCH('/settings', { body: { locale: 'fr' }, parseAs: 'text' });
    expect(JSON.parse(settings.data)).toEqual({ locale: 'fr', pageSize: 10 });
    expect(product.received.at(-1)?.headers['content-type']).toBe('application/json');
    const untyped = api.GET as (path: string, init?: unknown) => Promise<unknown>;
    expect(await rejectionOf(untyped('/docs/{name}/summary', { params: { path: { name: 'a' } }, parseAs: 'blob' }))).toBeInstanceOf(AsposeArgumentError);
  });

  test('a PATCH with no init at all sends no body and resolves the typed JSON', async () => {
    const api = productApi();
    const { data } = await api.PATCH('/settings');
    expect(data).toEqual({ locale: 'en', pageSize: 10 });
    expect(product.received[0].body).toHaveLength(0);
  });
});

describe('createAsposeApi', () => {
  test('refuses what is not an AsposeClient, and a prefix that is not a plain path', () => {
    const client = productClient();
    for (const notClient of [undefined, {}, { request() {} }]) {
      const err = thrownBy(() => createAsposeApi<paths>(notClient as unknown as AsposeClient));
      expect(err).toBeInstanceOf(AsposeConfigError);
      expect(err.issues[0].option).toBe('client');
    }
    for (const prefix of ['v4.0', '//evil.invalid', '/v4.0/../x', '/a//b', '/v4.0?x=1', '/v4.0#x', '/a b', '/a%2F', 7]) {
      const err = thrownBy(() => createAsposeApi<paths>(client, { prefix: prefix as string }));
      expect(err).toBeInstanceOf(AsposeConfigError);
      expect(err.issues[0].option).toBe('prefix');
    }
    expect(createAsposeApi<paths>(client, { prefix: '/' }).prefix).toBe('');
    expect(createAsposeApi<paths>(client, { prefix: '/v4.0///' }).prefix).toBe('/v4.0');
    expect(createAsposeApi<paths>(client).client).toBe(client);
    expect(Object.isFrozen(createAsposeApi<paths>(client))).toBe(true);
  });
});
