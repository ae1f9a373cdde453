import { Module, type DynamicModule } from '@nestjs/common';
import { AsposeConfigError } from '../errors/errors.js';
import { ASPOSE_CONFIG_SERVICE } from './aspose-auth.constants.js';

/**
 * Carries `@nestjs/config`'s `ConfigService` into `forRootAsync()` without a
 * factory, under a string token. `@nestjs/config` is an optional peer, so it is
 * loaded only on that path, never by `forRoot()` users.
 *
 * @internal
 */
@Module({})
export class AsposeConfigBridgeModule {}

/**
 * The bridge as a lazily loaded dynamic module. It imports the plain
 * `ConfigModule`, whose `ConfigService` is the app-wide one: it sees what
 * `ConfigModule.forRoot()` loaded (`.env` files, `load` factories, validated
 * values) and falls back to `process.env`.
 *
 * @internal
 */
export function asposeConfigBridge(): Promise<DynamicModule> {
  const bridge = import('@nestjs/config').then(
    (mod) => {
      const m = mod as Partial<typeof import('@nestjs/config')> & { default?: typeof import('@nestjs/config') };
      const ConfigModule = m.ConfigModule ?? m.default?.ConfigModule;
      const ConfigService = m.ConfigService ?? m.default?.ConfigService;
      if (!ConfigModule || !ConfigService) throw new Error('@nestjs/config exports no ConfigModule/ConfigService');
      return {
        module: AsposeConfigBridgeModule,
        imports: [ConfigModule],
        providers: [{ provide: ASPOSE_CONFIG_SERVICE, useExisting: ConfigService }],
        exports: [ASPOSE_CONFIG_SERVICE],
      } satisfies DynamicModule;
    },
    (err: unknown) => {
      throw configBridgeError(err);
    },
  );
  // Nest awaits this while scanning modules, later than one tick: keep an early
  // failure from being reported as an unhandled rejection before then.
  bridge.catch(() => undefined);
  return bridge;
}

const BRIDGE_NEEDS = 'AsposeAuthModule.forRootAsync() without useFactory, useClass or useExisting reads the ASPOSE_* variables through @nestjs/config';

/**
 * Says why `@nestjs/config` could not be loaded, and what to install.
 *
 * The common case besides "not installed": a CommonJS (Nest 11) app gets
 * `@nestjs/config` 12 from a plain `npm install @nestjs/config` (its peer
 * range takes Nest 11), and version 12 is ESM-only. Node 20.19+ can
 * `require()` it, but Jest's CommonJS runtime cannot (`ERR_REQUIRE_ESM` from
 * Jest 30, a `SyntaxError` on `export` from Jest 29), unless Jest 30 runs on
 * Node 24.9+ with `--experimental-vm-modules`; older loaders fail with
 * `ERR_REQUIRE_ESM` too, or `ERR_REQUIRE_ASYNC_MODULE` for ESM with top-level
 * await.
 *
 * @internal
 */
export function configBridgeError(err: unknown): AsposeConfigError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(err);
  if ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && message.includes("'@nestjs/config'")) {
    return new AsposeConfigError(
      `${BRIDGE_NEEDS}: install @nestjs/config, or pass a useFactory (with Nest 11, \`npm install @nestjs/config@4\`: version 12, which a plain install brings, is ESM-only; with Nest 12, \`npm install @nestjs/config@12\`)`,
      { cause: err },
    );
  }
  const esm =
    code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE' || (e.name === 'SyntaxError' && /\b(?:import|export)\b/.test(message.slice(0, 200)));
  const version = esm ? installedConfigVersion() : undefined;
  const major = version === undefined ? undefined : Number.parseInt(version, 10);
  if (esm && (major === undefined || major >= 12)) {
    const installed = version === undefined ? '@nestjs/config is installed' : `@nestjs/config ${version} is installed`;
    const which = major === undefined ? 'its versions 12 and later are' : `version ${major} is`;
    return new AsposeConfigError(
      `${installed} but could not be loaded into this CommonJS app: ${which} ESM-only (made for Nest 12), and this module loader cannot require() an ES module ` +
        `(Jest's CommonJS runtime cannot, unless Jest 30 runs on Node 24.9+ with --experimental-vm-modules; Node 20.19+ itself can). ` +
        `With Nest 11, install @nestjs/config 4 (\`npm install @nestjs/config@4\`), or pass a useFactory to AsposeAuthModule.forRootAsync()`,
      { cause: err },
    );
  }
  const detail = `${code === undefined ? '' : `${code}: `}${message.split('\n', 1)[0].slice(0, 300)}`;
  return new AsposeConfigError(`${BRIDGE_NEEDS}, which could not be loaded (${detail}): check its installation, or pass a useFactory`, {
    cause: err,
  });
}

/**
 * The installed `@nestjs/config` version, if this is CommonJS (the only
 * place the ESM failure happens) and its package.json can be read.
 */
function installedConfigVersion(): string | undefined {
  try {
    // `typeof`: in the ESM build there is no `require`, and this is never reached there.
    if (typeof require !== 'function') return undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS only, guarded above; reading a package's version
    const version = (require('@nestjs/config/package.json') as { version?: unknown }).version;
    return typeof version === 'string' && /^\d+\.\d+\.\d+/.test(version) ? version.slice(0, 40) : undefined;
  } catch {
    return undefined;
  }
}
