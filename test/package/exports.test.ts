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
    const s = await startAsposeStandIn();
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

test('the core entry point loads no framework: express, koa, fastify and @nestjs stay out of a plain require', async () => {
  const out = await node([
    '-e',
    `require('aspose-cloud-auth'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules[\\\\/](express|koa|fastify|@nestjs|rxjs)[\\\\/]/.test(k))))`,
  ]);
  expect(JSON.parse(out)).toEqual([]);
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
