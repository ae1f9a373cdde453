import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { AppModule } from '../src/app.module';

const version = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', name, 'package.json'), 'utf8')) as { version: string; type?: string };

let standIn: AsposeStandIn;

beforeAll(async () => {
  standIn = await startAsposeStandIn({ documents: 'any' }); // these apps read arbitrary document names: any but missing… answers
  process.env.ASPOSE_CLIENT_ID = standIn.clientId;
  process.env.ASPOSE_CLIENT_SECRET = standIn.clientSecret;
  process.env.ASPOSE_BASE_URL = standIn.url;
});

afterAll(async () => {
  await standIn?.close();
});

test('this is a CommonJS Nest 11 app with the ESM-only @nestjs/config 12 that `npm install @nestjs/config` brings', () => {
  expect(version('@nestjs/core').version).toMatch(/^11\./);
  expect(version('@nestjs/config')).toMatchObject({ version: expect.stringMatching(/^12\./), type: 'module' });
  expect(require.resolve('aspose-cloud-auth/nestjs')).toMatch(/[\\/]aspose-cloud-auth[\\/]dist[\\/]cjs[\\/]nestjs[\\/]index\.js$/);
});

test('under Jest, forRootAsync() fails with ERR_ASPOSE_CONFIG saying @nestjs/config 12 is installed but ESM-only, and to install @nestjs/config@4', async () => {
  const installed = version('@nestjs/config').version;
  const err = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false }).then(
    () => {
      throw new Error('expected the bootstrap to fail');
    },
    (e: unknown) => e as Error & { code?: string; cause?: { code?: string } },
  );
  expect(err.code).toBe('ERR_ASPOSE_CONFIG');
  expect(err.message).toBe(
    `@nestjs/config ${installed} is installed but could not be loaded into this CommonJS app: version 12 is ESM-only (made for Nest 12), and this module loader cannot require() an ES module ` +
      `(Jest's CommonJS runtime cannot, unless Jest 30 runs on Node 24.9+ with --experimental-vm-modules; Node 20.19+ itself can). ` +
      'With Nest 11, install @nestjs/config 4 (`npm install @nestjs/config@4`), or pass a useFactory to AsposeAuthModule.forRootAsync()',
  );
  // Jest 30's own error for require() of an ES module.
  expect(err.cause?.code).toBe('ERR_REQUIRE_ESM');
  expect(standIn.tokenRequests).toBe(0);
});

test('under plain Node (require(esm), Node 20.19+), the same app boots, takes its token from the ASPOSE_* variables, and serves AsposeExceptionFilter and a Terminus 12 /health', async () => {
  const before = standIn.tokenRequests;
  const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'boot-plain-node.cjs')], {
    cwd: join(__dirname, '..'),
    env: process.env,
    timeout: 30_000,
  });
  expect(JSON.parse(stdout.trim())).toEqual({
    booted: true,
    tokensIssued: 1,
    terminus: expect.stringMatching(/^12\./),
    health: [200, 'up'],
    missing: [404, 'ErrorItemNotFound'],
  });
  expect(standIn.tokenRequests).toBe(before + 1);
});
