/**
 * The published shape: the built package (dist/, made by `npm run build`, which
 * `npm test` runs first) loads through every subpath export both as CommonJS
 * (`require`, what Nest 11 apps use) and as ESM (`import`, what Nest 12 apps
 * use), and each format makes a real authenticated call.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { entryPoints as subpaths, node, packageExports, requireBuild, root } from '../support/package';

beforeAll(requireBuild);

test.each(subpaths)('%s loads with require() from the CommonJS build', async (name) => {
  const out = await node([
    '-e',
    `const m = require(${JSON.stringify(name)}); console.log(JSON.stringify({ keys: Object.keys(m).length, file: require.resolve(${JSON.stringify(name)}) }))`,
  ]);
  const { keys, file } = JSON.parse(out) as { keys: number; file: string };
  expect(keys).toBeGreaterThan(0);
  expect(file).toContain(`${join('dist', 'cjs')}`);
});

test.each(subpaths)('%s loads with import from the ESM build', async (name) => {
  const out = await node([
    '--input-type=module',
    '-e',
    `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify({ keys: Object.keys(m).length, url: import.meta.resolve(${JSON.stringify(name)}) }))`,
  ]);
  const { keys, url } = JSON.parse(out) as { keys: number; url: string };
  expect(keys).toBeGreaterThan(0);
  expect(url).toContain('dist/esm/');
});

test.each(['cjs', 'esm'])('the %s build makes an authenticated call against the stand-in, sharing one token', async (format) => {
  const body = `
    const s = await startAsposeStandIn({ documents: 'any' });
    const c = new AsposeClient({ clientId: s.clientId, clientSecret: s.clientSecret, baseUrl: s.url });
    const docs = await Promise.all([1, 2, 3].map((i) => c.get('/v4.0/words/d' + i + '.docx')));
    console.log(JSON.stringify({ names: docs.map((d) => d.Document.FileName), tokenRequests: s.tokenRequests }));
    await c.close(); await s.close();`;
  const script =
    format === 'cjs'
      ? `const { AsposeClient } = require('aspose-cloud-auth'); const { startAsposeStandIn } = require('aspose-cloud-auth/testing'); (async () => { ${body} })();`
      : `import { AsposeClient } from 'aspose-cloud-auth'; import { startAsposeStandIn } from 'aspose-cloud-auth/testing'; ${body}`;
  const out = await node(format === 'cjs' ? ['-e', script] : ['--input-type=module', '-e', script]);
  expect(JSON.parse(out)).toEqual({ names: ['d1.docx', 'd2.docx', 'd3.docx'], tokenRequests: 1 });
});

test.each([
  ['CommonJS', 'ESM'],
  ['ESM', 'CommonJS'],
])(
  'the %s build of aspose-cloud-auth/openapi makes a typed JSON POST through an AsposeClient of the %s build, replayed after a 401',
  async (apiFrom, clientFrom) => {
    const load = (format: string, entry: string) => (format === 'CommonJS' ? `require(${JSON.stringify(entry)})` : `await import(${JSON.stringify(entry)})`);
    const script = `
    const { createRequire } = await import('node:module');
    const require = createRequire(process.cwd() + '/');
    const { createServer } = await import('node:http');
    const { createAsposeApi } = ${load(apiFrom, 'aspose-cloud-auth/openapi')};
    const { AsposeClient } = ${load(clientFrom, 'aspose-cloud-auth')};
    const { startAsposeStandIn } = ${load(clientFrom, 'aspose-cloud-auth/testing')};
    const s = await startAsposeStandIn();
    const seen = [];
    const product = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const ok = s.verifyToken((req.headers.authorization ?? '').slice(7));
      seen.push([req.url, ok ? 200 : 401, body]);
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { echoed: JSON.parse(body) } : { error: 'invalid_token' }));
    });
    await new Promise((r) => product.listen(0, '127.0.0.1', r));
    const c = new AsposeClient({ clientId: s.clientId, clientSecret: s.clientSecret, baseUrl: 'http://127.0.0.1:' + product.address().port, tokenUrl: s.url + '/connect/token' });
    await c.tokens.getToken();
    s.revoke();
    const api = createAsposeApi(c, { prefix: '/v4.0' });
    const { data } = await api.POST('/words/{name}/notes', { params: { path: { name: 'a b/c.docx' } }, body: { text: 'x' } });
    console.log(JSON.stringify({ data, seen }));
    await c.close(); await s.close(); product.close();`;
    expect(JSON.parse(await node(['--input-type=module', '-e', script]))).toEqual({
      data: { echoed: { text: 'x' } },
      seen: [
        ['/v4.0/words/a%20b%2Fc.docx/notes', 401, '{"text":"x"}'],
        ['/v4.0/words/a%20b%2Fc.docx/notes', 200, '{"text":"x"}'],
      ],
    });
  },
);

test('the core entry point loads no framework: express, koa, fastify and @nestjs stay out of a plain require', async () => {
  const out = await node([
    '-e',
    `require('aspose-cloud-auth'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules[\\\\/](express|koa|fastify|@nestjs|rxjs)[\\\\/]/.test(k))))`,
  ]);
  expect(JSON.parse(out)).toEqual([]);
});

test('the core entry point never loads @opentelemetry/api: only aspose-cloud-auth/otel does', async () => {
  const loaded = (entry: string) =>
    node([
      '-e',
      `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache).some((k) => /node_modules[\\\\/]@opentelemetry[\\\\/]api[\\\\/]/.test(k))))`,
    ]);
  expect(JSON.parse(await loaded('aspose-cloud-auth'))).toBe(false);
  expect(JSON.parse(await loaded('aspose-cloud-auth/otel'))).toBe(true);
});

test.each(['cjs', 'esm'])('the %s build of aspose-cloud-auth/otel counts a token request on a real meter', async (format) => {
  const body = `
    const reader = new (class extends MetricReader { async onShutdown() {} async onForceFlush() {} })();
    const undo = instrumentAsposeAuth({ meterProvider: new MeterProvider({ readers: [reader] }) });
    const s = await startAsposeStandIn({ documents: 'any' });
    const c = new AsposeClient({ clientId: s.clientId, clientSecret: s.clientSecret, baseUrl: s.url });
    await c.get('/v4.0/words/a.docx');
    const { resourceMetrics } = await reader.collect();
    const m = resourceMetrics.scopeMetrics.flatMap((x) => x.metrics).find((x) => x.descriptor.name === 'aspose.auth.token.requests');
    console.log(JSON.stringify(m.dataPoints.map((p) => [p.attributes['aspose.auth.outcome'], p.value])));
    undo(); await c.close(); await s.close();`;
  const script =
    format === 'cjs'
      ? `const { AsposeClient } = require('aspose-cloud-auth'); const { instrumentAsposeAuth } = require('aspose-cloud-auth/otel'); const { startAsposeStandIn } = require('aspose-cloud-auth/testing'); const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics'); (async () => { ${body} })();`
      : `import { AsposeClient } from 'aspose-cloud-auth'; import { instrumentAsposeAuth } from 'aspose-cloud-auth/otel'; import { startAsposeStandIn } from 'aspose-cloud-auth/testing'; import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'; ${body}`;
  const out = await node(format === 'cjs' ? ['-e', script] : ['--input-type=module', '-e', script]);
  expect(JSON.parse(out)).toEqual([['ok', 1]]);
});

test('aspose-cloud-auth/nestjs does not load @nestjs/terminus, an optional peer: only aspose-cloud-auth/nestjs/terminus does (require)', async () => {
  const loaded = (entry: string) =>
    node([
      '-e',
      `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache).some((k) => /node_modules[\\\\/]@nestjs[\\\\/]terminus[\\\\/]/.test(k))))`,
    ]);
  expect(JSON.parse(await loaded('aspose-cloud-auth/nestjs'))).toBe(false);
  expect(JSON.parse(await loaded('aspose-cloud-auth/nestjs/terminus'))).toBe(true);
});

test('aspose-cloud-auth/nestjs does not import @nestjs/terminus, an optional peer: only aspose-cloud-auth/nestjs/terminus does (import)', async () => {
  // A resolve hook that refuses @nestjs/terminus, as if it were not installed.
  const hook = `export async function resolve(specifier, context, next) { if (specifier === '@nestjs/terminus') throw new Error('@nestjs/terminus asked for'); return next(specifier, context); }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const tryImport = (entry: string) =>
    node([
      '--import',
      `data:text/javascript,${encodeURIComponent(register)}`,
      '--input-type=module',
      '-e',
      `try { await import(${JSON.stringify(entry)}); console.log('loaded'); } catch (e) { console.log(e.message); }`,
    ]);
  expect(await tryImport('aspose-cloud-auth/nestjs')).toBe('loaded');
  expect(await tryImport('aspose-cloud-auth/nestjs/terminus')).toContain('@nestjs/terminus asked for');
});

test.each([
  ['CommonJS', 'ESM'],
  ['ESM', 'CommonJS'],
])('the %s AsposeExceptionFilter catches an error thrown by the %s build (Nest matches @Catch() by instanceof)', async (filterFrom, errorFrom) => {
  const load = (format: string, entry: string) => (format === 'CommonJS' ? `require(${JSON.stringify(entry)})` : `await import(${JSON.stringify(entry)})`);
  const script = `
    const { createRequire } = await import('node:module');
    const require = createRequire(process.cwd() + '/');
    require('reflect-metadata');
    const { FILTER_CATCH_EXCEPTIONS } = require('@nestjs/common/constants');
    const { AsposeExceptionFilter } = ${load(filterFrom, 'aspose-cloud-auth/nestjs')};
    const { AsposeApiError, AsposeError } = ${load(errorFrom, 'aspose-cloud-auth')};
    const caught = Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, AsposeExceptionFilter);
    const error = new AsposeApiError({ status: 404, method: 'GET', path: '/x', headers: {}, body: '' });
    console.log(JSON.stringify({ otherCopy: caught.length === 1 && caught[0] !== AsposeError, caught: caught.some((t) => error instanceof t), plain: caught.some((t) => new Error('x') instanceof t) }));`;
  expect(JSON.parse(await node(['--input-type=module', '-e', script]))).toEqual({ otherCopy: true, caught: true, plain: false });
});

test.each(['aspose-cloud-auth/fastify', 'aspose-cloud-auth/node'])(
  '%s loads no framework at run time: the Fastify adapter imports fastify for its types only',
  async (name) => {
    const out = await node([
      '-e',
      `require(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules[\\\\/](express|koa|fastify|fastify-plugin|@nestjs|rxjs)[\\\\/]/.test(k))))`,
    ]);
    expect(JSON.parse(out)).toEqual([]);
  },
);

test('every export condition points at a file that exists, with its type declarations', () => {
  for (const [sub, conditions] of Object.entries(packageExports)) {
    if (typeof conditions === 'string') continue;
    for (const target of Object.values(conditions as Record<string, Record<string, string>>)) {
      expect({ sub, exists: existsSync(join(root, target.default)) }).toEqual({ sub, exists: true });
      expect({ sub, exists: existsSync(join(root, target.types)) }).toEqual({ sub, exists: true });
    }
  }
});

test('subpath types resolve under the node10 resolution of older CommonJS tsconfigs (typesVersions)', async () => {
  const { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'aspose-node10-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'aspose-cloud-auth'), 'dir');
    const imports = subpaths.map((s, i) => `import * as m${i} from '${s}';`).join('\n');
    writeFileSync(join(dir, 'consumer.ts'), `${imports}\nexport const all = [${subpaths.map((_, i) => `m${i}`).join(', ')}];\n`);
    await node([
      join(root, 'node_modules/typescript/bin/tsc'),
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--module',
      'commonjs',
      '--moduleResolution',
      'node10',
      '--types',
      'node',
      '--typeRoots',
      join(root, 'node_modules/@types'),
      join(dir, 'consumer.ts'),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
