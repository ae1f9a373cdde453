import { Logger, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { loadAsposeConfig, ASPOSE_ENV_VARIABLES } from '../config/env.js';
import type { AsposeLogger } from '../config/options.js';
import { AsposeConfigError } from '../errors/errors.js';
import { AsposeClient } from '../http/aspose-client.js';
import type { AsposeAuthModuleOptions } from './aspose-auth-options.interface.js';
import {
  ASPOSE_AUTH_MODULE_OPTIONS,
  ASPOSE_CLIENT_HOST,
  ASPOSE_CONFIG_SERVICE,
  getAsposeClientToken,
  getAsposeHttpServiceToken,
  getTokenServiceToken,
} from './aspose-auth.constants.js';
import { AsposeHttpService } from './aspose-http.service.js';

/** How long `app.close()` waits for calls under way by default. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Owns the one {@link AsposeClient} of a registration, and with it the one
 * `TokenService` and the connection pool; runs their lifecycle.
 *
 * - `onModuleInit`: with `prefetchToken`, takes a token, so bad credentials
 *   stop the app before it listens.
 * - `onApplicationShutdown`: closes the client (pool and token service). It is
 *   the last hook of `app.close()`, after the HTTP server has stopped and other
 *   providers' `onModuleDestroy` have run, so requests still in flight during
 *   shutdown finish with a working client (for up to `shutdownTimeoutMs`,
 *   then they are aborted), and nothing stays open after.
 *
 * @internal
 */
export class AsposeClientHost implements OnModuleInit, OnApplicationShutdown {
  /** The client every provider of this registration hands out. */
  readonly client: AsposeClient;
  readonly #prefetch: boolean;
  readonly #shutdownTimeoutMs: number;

  constructor(options: AsposeAuthModuleOptions, name: string | undefined) {
    const { prefetchToken, logger, shutdownTimeoutMs, ...clientOptions } = options ?? {};
    if (shutdownTimeoutMs !== undefined && !(Number.isInteger(shutdownTimeoutMs) && shutdownTimeoutMs >= 0)) {
      throw new AsposeConfigError(
        [{ option: 'shutdownTimeoutMs', problem: `must be a whole number of ms, 0 or more (got ${JSON.stringify(shutdownTimeoutMs)?.slice(0, 40)})` }],
        { source: 'AsposeAuthModule options' },
      );
    }
    const log: AsposeLogger | undefined = logger === false ? undefined : (logger ?? new Logger(name === undefined ? 'AsposeAuth' : `AsposeAuth:${name}`));
    this.client = new AsposeClient({ ...clientOptions, logger: log });
    this.#prefetch = prefetchToken === true;
    this.#shutdownTimeoutMs = shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  }

  async onModuleInit(): Promise<void> {
    if (!this.#prefetch || !this.client.tokens.canRefresh) return;
    try {
      await this.client.tokens.getToken();
    } catch (err) {
      // app.init() is failing: nobody will call app.close(), so let go of the
      // sockets now rather than leave them to the process.
      await this.client.close({ force: true });
      throw err;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close({ timeoutMs: this.#shutdownTimeoutMs });
  }
}

/**
 * The providers of one registration. Only the host reads the options; the
 * client, token service and HTTP service are all views of the host's one client.
 *
 * @internal
 */
export function createAsposeAuthProviders(name: string | undefined): Provider[] {
  const clientToken = getAsposeClientToken(name);
  return [
    {
      provide: ASPOSE_CLIENT_HOST,
      useFactory: (options: AsposeAuthModuleOptions) => new AsposeClientHost(options, name),
      inject: [ASPOSE_AUTH_MODULE_OPTIONS],
    },
    { provide: clientToken, useFactory: (host: AsposeClientHost) => host.client, inject: [ASPOSE_CLIENT_HOST] },
    { provide: getTokenServiceToken(name), useFactory: (client: AsposeClient) => client.tokens, inject: [clientToken] },
    { provide: getAsposeHttpServiceToken(name), useFactory: (client: AsposeClient) => new AsposeHttpService(client), inject: [clientToken] },
  ];
}

/** The tokens a registration exports: its client, token service and HTTP service. @internal */
export function asposeAuthExports(name: string | undefined): Provider[] {
  return [getAsposeClientToken(name), getTokenServiceToken(name), getAsposeHttpServiceToken(name)] as Provider[];
}

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

/** What the bridge injects: just the method we use. @internal */
export interface ConfigReader {
  get(name: string): unknown;
}

/**
 * Builds options from the `{prefix}*` variables as `ConfigService` sees them,
 * validated all at once by the core's {@link loadAsposeConfig}: one
 * `AsposeConfigError` naming every bad variable, and never a secret.
 *
 * @internal
 */
export function asposeOptionsFromConfig(config: ConfigReader, prefix: string, prefetchToken: boolean | undefined): AsposeAuthModuleOptions {
  const env: Record<string, string | undefined> = {};
  for (const suffix of Object.values(ASPOSE_ENV_VARIABLES)) {
    const value = config.get(prefix + suffix);
    // ConfigService may hold validated, converted values (a number, a boolean).
    if (value !== undefined && value !== null) env[prefix + suffix] = configText(value as string | number | boolean);
  }
  const options: AsposeAuthModuleOptions = loadAsposeConfig(env, { prefix });
  if (prefetchToken !== undefined) options.prefetchToken = prefetchToken;
  return options;
}

/** `ASPOSE_` for the default client, `ASPOSE_OCR_` for `name: 'ocr'`. @internal */
export function defaultEnvPrefix(name: string | undefined): string {
  return name === undefined ? 'ASPOSE_' : `ASPOSE_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_`;
}

/** A `ConfigService` value as the text an environment variable would hold. */
function configText(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}
