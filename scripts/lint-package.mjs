#!/usr/bin/env node
// Lints the package as a user gets it: builds (unless --no-build), packs a fresh
// tarball with `npm pack`, and checks that tarball, failing on any problem:
//
// - publint, at its strictest: strict mode and every level, so a suggestion
//   fails the run as an error would.
// - the declarations compile: a consumer importing every entry point is
//   type-checked against the tarball's .d.ts files with skipLibCheck off;
// - arethetypeswrong (attw), strict profile: every entry point in `exports`,
//   under node10 (older CommonJS tsconfigs, through `typesVersions`), node16
//   from CommonJS, node16 from ESM and bundler, must resolve to type
//   declarations with no problem. The node16 profile would skip node10, which
//   this package supports.
// - what the package promises: LICENSE, README.md and every docs/*.md are
//   shipped, with `type`, `repository`, `homepage` and `bugs`; no source map
//   whose sources are neither shipped nor inlined (`sourcesContent`); and the
//   links in the shipped Markdown work where it is read. The npm page renders
//   README.md alone, so the README links to other files absolutely, into the
//   repository (REPO_BLOB below), and only to files the tarball ships; an
//   in-page link names a heading of its file, and a link to another file's
//   heading names one that file has.
//
// Offline: publint and attw read the local tarball; nothing is fetched.
//
//   node scripts/lint-package.mjs             build, pack, lint
//   node scripts/lint-package.mjs --no-build  lint the dist/ there is
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const REPO_BLOB = 'https://github.com/aspose-cloud-auth/aspose-cloud-auth/blob/HEAD/';
const RESOLUTION_KINDS = ['node10', 'node16-cjs', 'node16-esm', 'bundler'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const problems = [];
const problem = (area, text) => problems.push(`${area}: ${text}`);

if (!process.argv.includes('--no-build')) {
  console.log('== build');
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}

console.log('== pack');
const packDir = mkdtempSync(join(tmpdir(), 'aspose-cloud-auth-lint-'));
try {
  const packed = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--pack-destination', packDir, '--loglevel=error'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      shell: process.platform === 'win32',
    }),
  )[0];
  const tarball = join(packDir, packed.filename);
  const tarData = readFileSync(tarball);
  const files = untar(gunzipSync(tarData));
  const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`   ${packed.filename}: ${files.size} files, ${kib(packed.size)} packed, ${kib(packed.unpackedSize)} unpacked`);

  console.log('== what the package promises');
  checkPromises(files);
  checkSourceMaps(files);
  checkMarkdownLinks(files);

  console.log('== publint (strict, every level)');
  const lint = await publint({
    pack: { tarball: tarData.buffer.slice(tarData.byteOffset, tarData.byteOffset + tarData.byteLength) },
    level: 'suggestion',
    strict: true,
  });
  for (const m of lint.messages) problem(`publint ${m.type} ${m.code}`, formatMessage(m, lint.pkg, { color: false }) ?? m.code);
  console.log(`   ${lint.messages.length} message(s)`);

  console.log('== arethetypeswrong (strict profile: node10, node16 from CJS and ESM, bundler)');
  checkTypes(tarball, JSON.parse(files.get('package.json')));

  console.log('== the declarations compile (skipLibCheck off, from CommonJS and from ESM)');
  checkDeclarations(files);
} finally {
  rmSync(packDir, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`\nlint-package: ${problems.length} problem(s) in the packed package:`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log('\nlint-package: the packed package is clean');

/**
 * Type-checks a consumer that imports every entry point, against the
 * tarball's own `.d.ts` files with `skipLibCheck` off, as CommonJS
 * (node16 from a `.cts` file) and as ESM (node16 from a `.mts` file). attw
 * checks that types resolve, not that they compile: a declaration that
 * names a type it no longer imports (stripInternal can drop an import whose
 * leading comment says `@internal`) passes attw and breaks every user with
 * `skipLibCheck: false`. Only problems inside the package are reported; the
 * peers' own types come from this repository's node_modules.
 */
function checkDeclarations(files) {
  const dir = join(root, '.lint-package');
  rmSync(dir, { recursive: true, force: true });
  try {
    const pkgDir = join(dir, 'node_modules', 'aspose-cloud-auth');
    for (const [path, content] of files) {
      mkdirSync(dirname(join(pkgDir, path)), { recursive: true });
      writeFileSync(join(pkgDir, path), content);
    }
    const entries = [
      'aspose-cloud-auth',
      'aspose-cloud-auth/nestjs',
      'aspose-cloud-auth/nestjs/terminus',
      'aspose-cloud-auth/express',
      'aspose-cloud-auth/koa',
      'aspose-cloud-auth/fastify',
      'aspose-cloud-auth/node',
      'aspose-cloud-auth/testing',
      'aspose-cloud-auth/otel',
      'aspose-cloud-auth/redis',
      'aspose-cloud-auth/openapi',
    ];
    const consumer =
      entries.map((e, i) => `import * as e${i} from '${e}';`).join('\n') + `\nexport const all = [${entries.map((_, i) => `e${i}`).join(', ')}];\n`;
    // A package of its own: inside this repository's package scope, 'aspose-cloud-auth' would
    // resolve to the repository itself (a package may import itself by name), not the tarball.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lint-package-consumer', private: true }));
    writeFileSync(join(dir, 'consumer.cts'), consumer);
    writeFileSync(join(dir, 'consumer.mts'), consumer);
    // One program each: a project is CommonJS or ESM, and each build declares the adapters'
    // global augmentations (Express's Request.aspose) with its own AsposeClient.
    let count = 0;
    for (const consumerFile of ['consumer.cts', 'consumer.mts']) {
      const program = ts.createProgram({
        rootNames: [join(dir, consumerFile)],
        options: {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          module: ts.ModuleKind.Node16,
          moduleResolution: ts.ModuleResolutionKind.Node16,
          target: ts.ScriptTarget.ES2022,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
          experimentalDecorators: true,
        },
      });
      for (const d of ts.getPreEmitDiagnostics(program)) {
        const file = d.file?.fileName ?? '';
        // The peers' own types are theirs to mend; anything of this package's, or a failure to find it, is ours.
        if (file.includes('/node_modules/') && !file.startsWith(pkgDir)) continue;
        count++;
        const at = d.file ? `${relative(pkgDir, file)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
        problem('declarations', `${consumerFile}: ${at} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
      }
    }
    console.log(`   ${count} problem(s) in the package's declarations`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The regular files of an (uncompressed) npm tarball, by path under `package/`. */
function untar(buf) {
  const out = new Map();
  for (let off = 0; off + 512 <= buf.length;) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start, len) =>
      header
        .subarray(start, start + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join('/');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    if (type === '' || type === '0') out.set(name.replace(/^package\//, ''), buf.subarray(off + 512, off + 512 + size).toString('utf8'));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

function checkPromises(files) {
  const pkg = JSON.parse(files.get('package.json'));
  const docs = execFileSync('git', ['ls-files', 'docs/*.md'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const f of ['LICENSE', 'README.md', ...docs]) if (!files.has(f)) problem('files', `${f} is not in the tarball`);
  for (const field of ['type', 'repository', 'homepage', 'bugs', 'license']) if (pkg[field] === undefined) problem('package.json', `no "${field}"`);
  console.log(`   LICENSE, README.md, ${docs.length} docs; type ${pkg.type}; repository ${pkg.repository?.url ?? pkg.repository}`);
}

/** A map pointing at sources that are neither shipped nor inlined names files users do not have. */
function checkSourceMaps(files) {
  let maps = 0;
  for (const [path, text] of files) {
    if (!path.endsWith('.map')) continue;
    maps++;
    const map = JSON.parse(text);
    map.sources.forEach((source, i) => {
      const shipped = files.has(posix.normalize(posix.join(posix.dirname(path), map.sourceRoot ?? '', source)));
      if (!shipped && typeof map.sourcesContent?.[i] !== 'string')
        problem('source maps', `${path} points at ${source}, which is neither shipped nor inlined (sourcesContent)`);
    });
  }
  console.log(`   ${maps} source map(s)`);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown) {
  const seen = new Map();
  const out = new Set();
  for (const line of withoutCode(markdown)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** The lines of a Markdown file outside fenced code blocks. */
function withoutCode(markdown) {
  let fence = null;
  return markdown.split('\n').filter((line) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m && (fence === null || m[1].startsWith(fence))) {
      fence = fence === null ? m[1] : null;
      return false;
    }
    return fence === null;
  });
}

function checkMarkdownLinks(files) {
  let links = 0;
  for (const [path, text] of files) {
    if (!path.endsWith('.md')) continue;
    for (const line of withoutCode(text)) {
      for (const [, target] of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        links++;
        const where = `${path} → ${target}`;
        let file;
        let anchor;
        if (target.startsWith('#')) {
          [file, anchor] = [path, target.slice(1)];
        } else if (target.startsWith(REPO_BLOB)) {
          [file, anchor] = target.slice(REPO_BLOB.length).split('#');
          if (!files.has(file)) problem('links', `${where}: ${file} is not shipped in the tarball`);
        } else if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
          continue; // another site
        } else if (path === 'README.md') {
          problem('links', `${where}: a relative link in the README is dead on the npm page; link to ${REPO_BLOB}${target}`);
          continue;
        } else {
          [file, anchor] = target.split('#');
          file = posix.normalize(posix.join(posix.dirname(path), file));
          if (!files.has(file)) problem('links', `${where}: ${file} is not shipped in the tarball`);
        }
        if (anchor !== undefined && files.has(file) && file.endsWith('.md') && !anchors(files.get(file)).has(decodeURIComponent(anchor)))
          problem('links', `${where}: ${file} has no heading #${anchor}`);
      }
    }
  }
  console.log(`   ${links} Markdown link(s) checked`);
}

function checkTypes(tarball, pkg) {
  const require = createRequire(import.meta.url);
  const cliDir = dirname(require.resolve('@arethetypeswrong/cli/package.json'));
  const bin = join(cliDir, JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')).bin.attw);
  const entrypoints = Object.keys(pkg.exports);
  const res = spawnSync(process.execPath, [bin, tarball, '--profile', 'strict', '--format', 'json', '--entrypoints', ...entrypoints], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  let analysis;
  try {
    analysis = JSON.parse(res.stdout).analysis;
  } catch {
    problem('attw', `no JSON report (exit ${res.status}): ${res.stderr.trim() || res.stdout.trim()}`);
    return;
  }
  if (!analysis.types) problem('attw', 'the package ships no types');
  for (const p of analysis.problems ?? []) problem(`attw ${p.kind}`, `${p.entrypoint ?? ''} ${p.resolutionKind ?? ''} ${JSON.stringify(p)}`);
  for (const sub of entrypoints) {
    const entry = analysis.entrypoints?.[sub];
    const row = RESOLUTION_KINDS.map((kind) => {
      const fileName = entry?.resolutions?.[kind]?.resolution?.fileName;
      const ok = typeof fileName === 'string' && /\.d\.ts$|\.json$/.test(fileName);
      if (!ok) problem('attw', `${sub} does not resolve to types under ${kind}`);
      return `${kind} ${ok ? fileName.replace('/node_modules/aspose-cloud-auth/', '') : 'NONE'}`;
    });
    console.log(`   ${sub}: ${row.join(', ')}`);
  }
  if (res.status !== 0 && problems.every((p) => !p.startsWith('attw'))) problem('attw', `exited ${res.status}: ${res.stderr.trim()}`);
}
