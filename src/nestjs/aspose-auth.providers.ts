import { Logger, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { loadAsposeConfig, ASPOSE_ENV_VARIABLES } from '../config/env.js';
import type { AsposeLogger } from '../config/options.js';
import { AsposeConfigError, AsposeError } from '../errors/errors.js';
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
    const { prefetchToken, logger, shutdownTimeoutMs, ...clientOptions } = options ?? ({} as AsposeAuthModuleOptions);
    if (shutdownTimeoutMs !== undefined && !(Number.isInteger(shutdownTimeoutMs) && shutdownTimeoutMs >= 0)) {
      throw new AsposeConfigError([{ option: 'shutdownTimeoutMs', problem: `must be a whole number of ms, 0 or more (got ${JSON.stringify(shutdownTimeoutMs)?.slice(0, 40)})` }], { source: 'AsposeAuthModule options' });
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
      throw new AsposeError(
        'ERR_ASPOSE_CONFIG',
        'AsposeAuthModule.forRootAsync() without useFactory, useClass or useExisting reads the ASPOSE_* variables through @nestjs/config: install @nestjs/config, or pass a useFactory',
        { cause: err },
      );
    },
  );
  // Nest awaits this while scanning modules, later than one tick: keep an early
  // failure from being reported as an unhandled rejection before then.
  bridge.catch(() => undefined);
  return bridge;
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
    if (value !== undefined && value !== null) env[prefix + suffix] = String(value);
  }
  const options: AsposeAuthModuleOptions = loadAsposeConfig(env, { prefix });
  if (prefetchToken !== undefined) options.prefetchToken = prefetchToken;
  return options;
}

/** `ASPOSE_` for the default client, `ASPOSE_OCR_` for `name: 'ocr'`. @internal */
export function defaultEnvPrefix(name: string | undefined): string {
  return name === undefined ? 'ASPOSE_' : `ASPOSE_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_`;
}
