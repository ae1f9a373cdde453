// `npm run sample:express` / `npm run sample:koa`: compiles the Express and
// Koa samples (sample/tsconfig.express-koa.json) and runs one of them. They
// import the package by name, which resolves to dist/ (so build first).
// Extra arguments go to the sample: `npm run sample:koa -- --serve`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [which, ...args] = process.argv.slice(2);
if (which !== 'express' && which !== 'koa') {
  console.error('usage: node scripts/sample-express-koa.mjs <express|koa> [--serve]');
  process.exit(2);
}
if (!existsSync(`${root}dist/cjs/${which}/index.js`)) {
  console.error('dist/ is missing: run `npm run build` first (npm run sample:express does)');
  process.exit(1);
}
execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}sample/tsconfig.express-koa.json`], { stdio: 'inherit' });
const child = spawn(process.execPath, [`${root}sample/dist/express-koa/${which}/app.js`, ...args], { stdio: 'inherit', cwd: root });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
