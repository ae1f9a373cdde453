#!/usr/bin/env node
// `npm start` (after `npm run build`): compiles a sample app and runs it.
//
//   npm start                     the NestJS sample: demo run against the local stand-in, then exit 0
//   npm start -- --serve          the NestJS sample, kept serving on PORT (default 3000)
//   npm start -- express|koa      the Express or Koa sample (same flags)
//
// With ASPOSE_CLIENT_ID and ASPOSE_CLIENT_SECRET in the environment the samples
// call the real Aspose Cloud API instead of the stand-in.
//
// To add a sample: add an entry to SAMPLES with the tsconfig that compiles it
// and the file to run, or a `delegate` script that does both.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** @type {Record<string, { tsconfig?: string; entry?: string; delegate?: string[] }>} */
const SAMPLES = {
  nestjs: { tsconfig: 'sample/nestjs/tsconfig.json', entry: 'sample/dist/nestjs/main.js' },
  // Owned by the Express/Koa sample, which has its own runner.
  express: { delegate: ['scripts/sample-express-koa.mjs', 'express'] },
  koa: { delegate: ['scripts/sample-express-koa.mjs', 'koa'] },
};

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('-')) ?? 'nestjs';
const rest = args.filter((a) => a !== name);
const sample = SAMPLES[name];
if (!sample) {
  console.error(`usage: npm start -- [${Object.keys(SAMPLES).join('|')}] [--serve]`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist/cjs/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first (`npm start` does)');
  process.exit(1);
}

let command;
if (sample.delegate) {
  command = [join(root, sample.delegate[0]), ...sample.delegate.slice(1), ...rest];
} else {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, sample.tsconfig)], { stdio: 'inherit' });
  command = [join(root, sample.entry), ...rest];
}
const child = spawn(process.execPath, command, { stdio: 'inherit', cwd: root });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
