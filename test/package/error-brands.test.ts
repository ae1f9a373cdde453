/**
 * `instanceof` holds across the two copies of the package an application can
 * load side by side: the CommonJS build (`require`) and the ESM build
 * (`import`), each with its own classes. An error thrown by one copy is an
 * instance of the other copy's class, of its family base and of
 * `AsposeError`, and of no other class; the same holds for `AsposeClient`
 * and `TokenService`, which the adapters and the proxy check with
 * `instanceof`. A plain object with a `code` is an instance of nothing.
 *
 * Runs in a child of `process.execPath` that loads dist/cjs and dist/esm;
 * needs `npm run build` first (`npm test` does).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

/** Every concrete error class, with the arguments that build one and the classes it must be an instance of (itself first). */
const CONCRETE: Record<string, { args: string; is: string[]; code: string }> = {
  AsposeConfigError: { args: `[{ option: 'x', problem: 'is bad' }]`, is: ['AsposeConfigError', 'AsposeError'], code: 'ERR_ASPOSE_CONFIG' },
  AsposeArgumentError: { args: `'bad path'`, is: ['AsposeArgumentError', 'AsposeError'], code: 'ERR_ASPOSE_INVALID_ARGUMENT' },
  AsposeAuthRefusedError: {
    args: `'refused', { status: 400 }`,
    is: ['AsposeAuthRefusedError', 'AsposeAuthError', 'AsposeError'],
    code: 'ERR_ASPOSE_AUTH_REFUSED',
  },
  AsposeAuthUnavailableError: {
    args: `'down', { status: 503 }`,
    is: ['AsposeAuthUnavailableError', 'AsposeAuthError', 'AsposeError'],
    code: 'ERR_ASPOSE_AUTH_UNAVAILABLE',
  },
  AsposeAuthInvalidResponseError: {
    args: `'no token', { status: 200 }`,
    is: ['AsposeAuthInvalidResponseError', 'AsposeAuthError', 'AsposeError'],
    code: 'ERR_ASPOSE_AUTH_INVALID_RESPONSE',
  },
  AsposeAuthRateLimitedError: {
    args: `'wait', { status: 429, retryAt: Date.now() + 1000 }`,
    is: ['AsposeAuthRateLimitedError', 'AsposeAuthError', 'AsposeError'],
    code: 'ERR_ASPOSE_AUTH_RATE_LIMITED',
  },
  AsposeTimeoutError: {
    args: `'slow', { method: 'GET', path: '/a' }`,
    is: ['AsposeTimeoutError', 'AsposeRequestError', 'AsposeError'],
    code: 'ERR_ASPOSE_TIMEOUT',
  },
  AsposeNetworkError: {
    args: `'down', { method: 'GET', path: '/a' }`,
    is: ['AsposeNetworkError', 'AsposeRequestError', 'AsposeError'],
    code: 'ERR_ASPOSE_NETWORK',
  },
  AsposeAbortError: {
    args: `'aborted', { method: 'GET', path: '/a' }`,
    is: ['AsposeAbortError', 'AsposeRequestError', 'AsposeError'],
    code: 'ERR_ASPOSE_ABORTED',
  },
  AsposeApiError: {
    args: `{ status: 404, method: 'GET', path: '/a', body: '', headers: {} }`,
    is: ['AsposeApiError', 'AsposeResponseError', 'AsposeError'],
    code: 'ERR_ASPOSE_API',
  },
  AsposeApiInvalidResponseError: {
    args: `'not json', { status: 200, method: 'GET', path: '/a', headers: {} }`,
    is: ['AsposeApiInvalidResponseError', 'AsposeResponseError', 'AsposeError'],
    code: 'ERR_ASPOSE_API_INVALID_RESPONSE',
  },
  AsposeProxyInternalError: { args: `'bug'`, is: ['AsposeProxyInternalError', 'AsposeProxyError', 'AsposeError'], code: 'ERR_ASPOSE_PROXY_INTERNAL' },
  ...Object.fromEntries(
    (
      [
        ['AsposeProxyBadPathError', 'ERR_ASPOSE_PROXY_BAD_PATH', `'bad'`],
        ['AsposeProxyBadHeaderError', 'ERR_ASPOSE_PROXY_BAD_HEADER', `'bad'`],
        ['AsposeProxyForbiddenError', 'ERR_ASPOSE_PROXY_FORBIDDEN', `'no'`],
        ['AsposeProxyTokenEndpointError', 'ERR_ASPOSE_PROXY_TOKEN_ENDPOINT', `'no'`],
        ['AsposeProxyCsrfError', 'ERR_ASPOSE_PROXY_CSRF', `'no'`],
        ['AsposeProxyRateLimitedError', 'ERR_ASPOSE_PROXY_RATE_LIMITED', `'wait', 5`],
        ['AsposeProxyRefusedError', 'ERR_ASPOSE_PROXY_REFUSED', `'no', { status: 402 }`],
        ['AsposeProxyBodyTooLargeError', 'ERR_ASPOSE_PROXY_BODY_TOO_LARGE', `'big'`],
        ['AsposeProxyBodyConsumedError', 'ERR_ASPOSE_PROXY_BODY_CONSUMED', `'read'`],
        ['AsposeProxyUpstreamError', 'ERR_ASPOSE_PROXY_UPSTREAM', `'down', { status: 502 }`],
      ] as const
    ).map(([name, code, args]) => [name, { args, is: [name, 'AsposeProxyError', 'AsposeError'], code }]),
  ),
};
const FAMILIES = ['AsposeError', 'AsposeAuthError', 'AsposeRequestError', 'AsposeResponseError', 'AsposeProxyError'];
const ALL = [...FAMILIES, ...Object.keys(CONCRETE)];

/**
 * The child: loads both copies, builds each concrete error in one and asks
 * every class of the other whether it is an instance. Prints what it found.
 */
const CHILD = `
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
const require = createRequire(import.meta.url);
const copies = { cjs: require('aspose-cloud-auth'), esm: await import('aspose-cloud-auth') };
const express = { cjs: require('aspose-cloud-auth/express'), esm: await import('aspose-cloud-auth/express') };
const ALL = ${JSON.stringify(ALL)};
const out = { distinct: copies.cjs.AsposeError !== copies.esm.AsposeError && copies.cjs.AsposeClient !== copies.esm.AsposeClient, built: {}, thrown: {}, plain: {}, objects: {} };
const make = {
${Object.entries(CONCRETE)
  .map(([name, c]) => `  ${name}: (m) => new m.${name}(${c.args}),`)
  .join('\n')}
};
const instanceOf = (value, m) => Object.fromEntries(ALL.map((k) => [k, value instanceof m[k]]));
for (const [from, to] of [['cjs', 'esm'], ['esm', 'cjs']]) {
  for (const [name, build] of Object.entries(make)) {
    const err = build(copies[from]);
    out.built[from + '>' + to + ' ' + name] = { instanceOf: instanceOf(err, copies[to]), code: err.code, staticCode: copies[to][name].code, name: err.name };
  }
  // Errors the library itself throws or rejects with, caught by code holding the other copy's classes.
  const caught = async (p) => { try { await p(); return 'no error'; } catch (e) { return { code: e.code, instanceOf: instanceOf(e, copies[to]) }; } };
  const port = await new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
  const C = copies[from];
  out.thrown[from + '>' + to + ' config'] = await caught(() => new C.AsposeClient({ clientId: 'id' }));
  const offline = new C.AsposeClient({ auth: 'none', baseUrl: 'http://127.0.0.1:' + port });
  out.thrown[from + '>' + to + ' argument'] = await caught(() => offline.get('no-slash'));
  out.thrown[from + '>' + to + ' network'] = await caught(() => offline.get('/a'));
  out.thrown[from + '>' + to + ' abort'] = await caught(() => offline.get('/a', { signal: AbortSignal.abort() }));
  await offline.close();
  out.thrown[from + '>' + to + ' closed'] = await caught(() => offline.get('/a'));
  // The client and token service of one copy, handed to the other's classes and adapters.
  const tokens = new C.TokenService({ accessToken: 'a.b.c' });
  const client = new C.AsposeClient({ tokens });
  const other = copies[to];
  let sharing = 'ok';
  try { await new other.AsposeClient({ tokens }).close(); } catch (e) { sharing = e.code; }
  let proxy = 'ok';
  try { express[to].asposeProxy({ client, allow: ['GET /v4.0/words/'] }); } catch (e) { proxy = e.code; }
  out.objects[from + '>' + to] = { client: client instanceof other.AsposeClient, tokens: tokens instanceof other.TokenService, sharing, proxy,
    crossed: client instanceof other.TokenService || tokens instanceof other.AsposeClient || client instanceof other.AsposeError };
  await client.close(); await tokens.close();
}
// Look-alikes of no copy are instances of nothing.
const lookalikes = { plain: { code: 'ERR_ASPOSE_TIMEOUT', message: 'x', name: 'AsposeTimeoutError' }, error: Object.assign(new Error('x'), { code: 'ERR_ASPOSE_CONFIG' }),
  client: { request() {}, close() {}, tokens: {}, dispatcher: {} }, nothing: null, text: 'ERR_ASPOSE_CONFIG' };
for (const [what, value] of Object.entries(lookalikes)) for (const m of ['cjs', 'esm']) {
  out.plain[m + ' ' + what] = Object.values(instanceOf(value, copies[m])).some(Boolean) || value instanceof copies[m].AsposeClient || value instanceof copies[m].TokenService;
}
console.log(JSON.stringify(out));
`;

interface ChildOutput {
  distinct: boolean;
  built: Record<string, { instanceOf: Record<string, boolean>; code: string; staticCode: string; name: string }>;
  thrown: Record<string, { code: string; instanceOf: Record<string, boolean> } | string>;
  plain: Record<string, boolean>;
  objects: Record<string, { client: boolean; tokens: boolean; sharing: string; proxy: string; crossed: boolean }>;
}

let out: ChildOutput;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/cjs/index.js')) || !existsSync(join(root, 'dist/esm/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  }
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD], { cwd: root, timeout: 30_000 });
  out = JSON.parse(stdout) as ChildOutput;
  expect(out.distinct).toBe(true);
});

/** What `instanceof` must answer for an instance of the classes `is`, against every class. */
const expected = (is: string[]) => Object.fromEntries(ALL.map((k) => [k, is.includes(k)]));

describe.each([
  ['CommonJS', 'ESM', 'cjs>esm'],
  ['ESM', 'CommonJS', 'esm>cjs'],
])('an error made by the %s build, checked with the %s build’s classes', (_from, _to, dir) => {
  test.each(Object.keys(CONCRETE))('%s is an instance of its class, its family and AsposeError, and of nothing else', (name) => {
    const got = out.built[`${dir} ${name}`];
    expect(got.instanceOf).toEqual(expected(CONCRETE[name].is));
    // One code per class: on the instance, and the same on the class.
    expect(got.code).toBe(CONCRETE[name].code);
    expect(got.staticCode).toBe(CONCRETE[name].code);
    expect(got.name).toBe(name);
  });

  test.each([
    ['config', 'AsposeConfigError'],
    ['argument', 'AsposeArgumentError'],
    ['network', 'AsposeNetworkError'],
    ['abort', 'AsposeAbortError'],
    ['closed', 'AsposeAbortError'],
  ])('the %s error the library throws is an instance of %s', (what, name) => {
    expect(out.thrown[`${dir} ${what}`]).toEqual({ code: CONCRETE[name].code, instanceOf: expected(CONCRETE[name].is) });
  });

  test('an AsposeClient and a TokenService are instances of the other build’s classes, and are accepted by its client and proxy', () => {
    expect(out.objects[dir]).toEqual({ client: true, tokens: true, sharing: 'ok', proxy: 'ok', crossed: false });
  });
});

test('every code belongs to one class', () => {
  const codes = Object.values(CONCRETE).map((c) => c.code);
  expect(new Set(codes).size).toBe(codes.length);
});

test('a plain object with a code, an Error with an Aspose code, a duck-typed client, null and a string are instances of nothing', () => {
  expect(Object.keys(out.plain)).toHaveLength(10);
  for (const [what, any] of Object.entries(out.plain)) expect({ what, any }).toEqual({ what, any: false });
});
