/**
 * `forRootAsync()` without a factory loads `@nestjs/config` lazily. When that
 * fails, the error says what happened and what to install. The case that
 * matters most: a CommonJS Nest 11 app where a plain
 * `npm install @nestjs/config` brought version 12, which is ESM-only, and
 * Jest cannot require() it. The whole story, with a real @nestjs/config 12
 * in a real Nest 11 app under Jest 30, is test/compat/nest11-config12; here
 * each loader's failure is recognised (this root suite runs Jest 29, whose
 * failure is a real `SyntaxError`, made below from a real ES module).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ConfigBridge from '../../src/nestjs/aspose-config.bridge';

/** `configBridgeError(cause)`, with `@nestjs/config/package.json` reporting `version` (or unreadable) while it runs. */
function bridgeErrorWithConfigVersion(version: string | undefined, cause: unknown): ReturnType<typeof ConfigBridge.configBridgeError> {
  let err: ReturnType<typeof ConfigBridge.configBridgeError> | undefined;
  jest.isolateModules(() => {
    jest.doMock('@nestjs/config/package.json', () => {
      if (version === undefined) throw Object.assign(new Error("Cannot find module '@nestjs/config/package.json'"), { code: 'MODULE_NOT_FOUND' });
      return { name: '@nestjs/config', version };
    });
    const configBridge = require('../../src/nestjs/aspose-config.bridge') as typeof ConfigBridge;
    err = configBridge.configBridgeError(cause);
  });
  jest.dontMock('@nestjs/config/package.json');
  return err!;
}

/** What Jest 29 throws when required code is an ES module: a real SyntaxError from a real file. */
function jest29EsmError(): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'aspose-esm-only-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(join(dir, 'index.js'), 'export const ConfigModule = class {};\n');
    require(join(dir, 'index.js'));
  } catch (err) {
    return err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('expected requiring an ES module to fail under Jest 29');
}

const WHAT_TO_DO = 'With Nest 11, install @nestjs/config 4 (`npm install @nestjs/config@4`), or pass a useFactory to AsposeAuthModule.forRootAsync()';

test("Jest 29's SyntaxError on an ESM-only @nestjs/config 12: names the installed version and says to install @nestjs/config@4", () => {
  const cause = jest29EsmError();
  expect(cause).toMatchObject({ name: 'SyntaxError' });
  const err = bridgeErrorWithConfigVersion('12.0.1', cause);
  expect(err).toMatchObject({ code: 'ERR_ASPOSE_CONFIG', cause });
  expect(err.message).toContain('@nestjs/config 12.0.1 is installed but could not be loaded into this CommonJS app: version 12 is ESM-only');
  expect(err.message).toContain(WHAT_TO_DO);
});

test.each([
  [
    'ERR_REQUIRE_ESM (Jest 30, and Node before require(esm))',
    'ERR_REQUIRE_ESM',
    'Must use import to load ES Module: /app/node_modules/@nestjs/config/dist/index.js',
  ],
  ['ERR_REQUIRE_ASYNC_MODULE (an ES module with top-level await)', 'ERR_REQUIRE_ASYNC_MODULE', 'require() cannot be used on an ESM graph with top-level await'],
])('%s: the same message', (_, code, message) => {
  const cause = Object.assign(new Error(message), { code });
  const err = bridgeErrorWithConfigVersion('12.3.0', cause);
  expect(err.message).toContain('@nestjs/config 12.3.0 is installed but could not be loaded into this CommonJS app: version 12 is ESM-only');
  expect(err.message).toContain(WHAT_TO_DO);
});

test('the version unknown: says which versions are ESM-only', () => {
  const err = bridgeErrorWithConfigVersion(undefined, Object.assign(new Error('Must use import to load ES Module'), { code: 'ERR_REQUIRE_ESM' }));
  expect(err.message).toContain('@nestjs/config is installed but could not be loaded into this CommonJS app: its versions 12 and later are ESM-only');
  expect(err.message).toContain(WHAT_TO_DO);
});

test('an ESM failure with a CommonJS @nestjs/config (4) installed is not blamed on @nestjs/config being ESM-only', () => {
  const err = bridgeErrorWithConfigVersion(
    '4.0.4',
    Object.assign(new Error('Must use import to load ES Module: /app/node_modules/some-dep/index.js'), { code: 'ERR_REQUIRE_ESM' }),
  );
  expect(err.message).not.toContain('ESM-only');
  expect(err.message).toContain('which could not be loaded (ERR_REQUIRE_ESM: Must use import to load ES Module: /app/node_modules/some-dep/index.js)');
});

test('not installed: says to install it, with the right version for each Nest major', () => {
  const cause = Object.assign(new Error("Cannot find module '@nestjs/config'\nRequire stack:\n- /app/dist/main.js"), { code: 'MODULE_NOT_FOUND' });
  const err = bridgeErrorWithConfigVersion('12.0.1', cause);
  expect(err.message).toContain('install @nestjs/config, or pass a useFactory');
  expect(err.message).toContain('with Nest 11, `npm install @nestjs/config@4`');
  expect(err.message).toContain('with Nest 12, `npm install @nestjs/config@12`');
  expect(err.message).not.toContain('is installed but');
});

test('any other failure is quoted (first line, bounded) with its code', () => {
  const cause = Object.assign(new Error(`Cannot find module 'dotenv'\n${'x'.repeat(10_000)}`), { code: 'MODULE_NOT_FOUND' });
  const err = bridgeErrorWithConfigVersion('4.0.4', cause);
  expect(err.message).toContain("which could not be loaded (MODULE_NOT_FOUND: Cannot find module 'dotenv'): check its installation, or pass a useFactory");
  expect(err.message.length).toBeLessThan(600);
});
