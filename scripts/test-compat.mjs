#!/usr/bin/env node
// Proves the packed library works in a CommonJS Nest 11 app and in an ESM-only
// Nest 12 app, and that a Nest 11 app which got the ESM-only @nestjs/config 12
// from a plain `npm install @nestjs/config` is told what happened and what to
// install (nest11-config12). For each fixture under test/compat/ it installs, into an empty
// node_modules, the fixture's own locked dependencies plus the library from a
// fresh `npm pack` tarball, in one `npm install --no-save <tarball>` (so the
// committed lockfile never names the tarball and is never rewritten); then it
// type-checks the app and runs its jest suite (CommonJS jest for Nest 11, ESM
// jest for Nest 12) with --detectOpenHandles, failing the fixture if Jest
// reports anything left open after app.close(); nest12-vitest, the app
// `nest new` generates for Nest 12, runs its vitest suite instead. Every step
// has a time limit.
// Needs only the npm registry (or npm's cache).
//
// Why not `npm ci`: jest 30 pulls in unrs-resolver, whose optional per-platform
// bindings for other platforms are not on the registry this project reaches, so
// no lockfile written here lists them and `npm ci` refuses it as out of sync.
// `npm install` with the lockfile installs the same locked versions.
//
//   node scripts/test-compat.mjs              build, pack, test every fixture
//   node scripts/test-compat.mjs nest12       only the named fixture(s)
//   node scripts/test-compat.mjs --no-build   reuse dist/ as it is
//   node scripts/test-compat.mjs --reuse      keep a fixture's node_modules if it is newer than its lockfile
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const compat = join(root, 'test', 'compat');
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const fixtures = readdirSync(compat)
  .filter((d) => existsSync(join(compat, d, 'package.json')))
  .sort();
const wanted = args.filter((a) => !a.startsWith('--'));
for (const w of wanted) if (!fixtures.includes(w)) fail(`no fixture test/compat/${w} (have: ${fixtures.join(', ')})`);
const selected = wanted.length > 0 ? wanted : fixtures;

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];

function fail(message) {
  console.error(`test-compat: ${message}`);
  process.exit(1);
}

function run(cmd, argv, cwd, { capture = false, echo = false, timeoutMs = 20 * 60_000 } = {}) {
  const started = Date.now();
  const stdio = echo ? ['ignore', 'pipe', 'pipe'] : capture ? ['ignore', 'pipe', 'inherit'] : 'inherit';
  const res = spawnSync(cmd, argv, { cwd, stdio, encoding: 'utf8', shell: false, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (res.error?.code === 'ETIMEDOUT') console.error(`   ${cmd} ${argv.join(' ')}: killed after ${timeoutMs / 1000} s`);
  if (echo) {
    process.stdout.write(res.stdout ?? '');
    process.stderr.write(res.stderr ?? '');
  }
  const out = echo ? `${res.stdout}${res.stderr}` : res.stdout;
  return { ok: res.status === 0, ms: Date.now() - started, out };
}

if (!flags.has('--no-build')) {
  console.log('== build');
  if (!run(process.execPath, ['scripts/build.mjs'], root).ok) fail('build failed');
}

console.log('== pack');
const packDir = mkdtempSync(join(tmpdir(), 'aspose-cloud-auth-pack-'));
const packed = run(npm, ['pack', '--json', '--pack-destination', packDir, ...quiet], root, { capture: true });
if (!packed.ok) fail('npm pack failed');
const tarball = join(packDir, JSON.parse(packed.out)[0].filename);
console.log(`   ${tarball} (${Math.round(statSync(tarball).size / 1024)} KiB)`);

const results = [];
try {
  for (const name of selected) {
    const dir = join(compat, name);
    console.log(`\n== ${name}`);
    const steps = [];
    const step = (label, cmd, argv, options) => {
      const r = run(cmd, argv, dir, options);
      steps.push(`${label} ${(r.ms / 1000).toFixed(1)} s`);
      if (!r.ok) throw new Error(`${name}: ${label} failed`);
      return r;
    };
    try {
      const lock = join(dir, 'package-lock.json');
      const installed = join(dir, 'node_modules', '.package-lock.json');
      const fresh = flags.has('--reuse') && existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs;
      if (!fresh) rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
      const lockBefore = readFileSync(lock, 'utf8');
      step('npm install', npm, ['install', '--no-save', ...quiet, tarball]);
      if (readFileSync(lock, 'utf8') !== lockBefore) throw new Error(`${name}: npm install rewrote package-lock.json`);
      const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'aspose-cloud-auth', 'package.json'), 'utf8'));
      const nest = JSON.parse(readFileSync(join(dir, 'node_modules', '@nestjs', 'core', 'package.json'), 'utf8'));
      const configFile = join(dir, 'node_modules', '@nestjs', 'config', 'package.json');
      const config = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : undefined;
      const esmOnly = (p) => (p.type === 'module' ? ' (ESM only)' : ' (CommonJS)');
      console.log(
        `   aspose-cloud-auth ${pkg.version} from the tarball, @nestjs/core ${nest.version}${esmOnly(nest)}${config ? `, @nestjs/config ${config.version}${esmOnly(config)}` : ''}`,
      );
      step('typecheck', npm, ['run', 'typecheck', '--silent']);
      // --detectOpenHandles: app.close() must leave nothing open. On its own it
      // makes Jest wait forever on a leaked server; with --forceExit Jest prints
      // the report and exits 0, so the report is what fails the step here.
      const own = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (own.devDependencies?.vitest) {
        // The app `nest new` generates for Nest 12 tests with vitest: its own
        // `npm test` as generated. (vitest's --detectAsyncLeaks counts undici
        // requests not yet garbage-collected as leaks, so it is not used; the
        // jest fixtures check open handles for the same library code.)
        step('vitest', npm, ['test', '--silent'], { echo: true, timeoutMs: 10 * 60_000 });
      } else {
        const jest = step('jest', npm, ['test', '--silent', '--', '--detectOpenHandles', '--forceExit'], { echo: true, timeoutMs: 10 * 60_000 });
        if (/open handles? potentially keeping Jest from exiting/i.test(jest.out)) throw new Error(`${name}: jest --detectOpenHandles reported open handles`);
      }
      results.push({ name, ok: true, steps, nest: nest.version });
    } catch (err) {
      results.push({ name, ok: false, steps, error: err.message });
    }
  }
} finally {
  rmSync(packDir, { recursive: true, force: true });
}

console.log('\n== compat summary');
for (const r of results)
  console.log(`   ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.nest ? ` (@nestjs/core ${r.nest})` : ''}: ${r.steps.join(', ')}${r.error ? ` — ${r.error}` : ''}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
