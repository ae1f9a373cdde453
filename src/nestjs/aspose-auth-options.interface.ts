import type { AsposeClientOptions } from '../http/aspose-client.js';
import type { AsposeLogger } from '../config/options.js';

/**
 * Options of one `AsposeAuthModule` registration: every option of
 * `new AsposeClient(…)` (credentials, `baseUrl`, `tokenUrl`, timeouts,
 * retry…) plus the Nest-side ones below.
 *
 * The module builds one `AsposeClient` from them and shares its one
 * `TokenService` with `AsposeHttpService`, so one token serves the whole
 * registration.
 */
export interface AsposeAuthModuleOptions extends Omit<AsposeClientOptions, 'tokens' | 'logger'> {
  /**
   * Take a token while the module initialises (`onModuleInit`), so that
   * wrong credentials or an unreachable token endpoint stop `app.init()` /
   * `app.listen()` instead of failing the first user request. Default false.
   */
  prefetchToken?: boolean;
  /**
   * Where token lines go (fetched, refreshed ahead, failed, with timings;
   * never a secret or a token). Default: a Nest `Logger` with the context
   * `AsposeAuth` (or `AsposeAuth:<name>` for a named client), so the app's
   * logger settings apply. `false` turns them off.
   */
  logger?: AsposeLogger | false;
  /**
   * How long `app.close()` lets calls still under way finish, in ms, before
   * aborting them (`ERR_ASPOSE_ABORTED`) and closing the connections. Default
   * 10000: a hung call never holds up a shutdown for longer. `0` aborts them
   * at once.
   */
  shutdownTimeoutMs?: number;
}

/**
 * The class a `forRootAsync({ useClass })` or `forRootAsync({ useExisting })`
 * registration points at.
 *
 * ```ts
 * @Injectable()
 * class AsposeConfig implements AsposeAuthOptionsFactory {
 *   constructor(private readonly vault: Vault) {}
 *   async createAsposeAuthOptions() {
 *     return { clientId: await this.vault.read('aspose/id'), clientSecret: await this.vault.read('aspose/secret') };
 *   }
 * }
 * ```
 */
export interface AsposeAuthOptionsFactory {
  createAsposeAuthOptions(): AsposeAuthModuleOptions | Promise<AsposeAuthModuleOptions>;
}

/** Options of the module definition itself, accepted by both `forRoot` and `forRootAsync`. */
export interface AsposeAuthModuleExtras {
  /**
   * Register the module globally, so every module can inject the client
   * without importing `AsposeAuthModule`. Default false.
   */
  isGlobal?: boolean;
  /**
   * Register a named client, independent of the default one: its own
   * credentials, token, connections and lifecycle. Inject it with
   * `@InjectAsposeClient(name)`, `@InjectTokenService(name)` or
   * `@InjectAsposeHttpService(name)`. Leave it out for the default client,
   * which is also injectable by class.
   */
  name?: string;
}

/**
 * What `forRootAsync()` accepts when it has no `useFactory`, `useClass` or
 * `useExisting`: the options then come from `ASPOSE_*` variables read through
 * `@nestjs/config`'s `ConfigService`.
 */
export interface AsposeAuthEnvOptions {
  /**
   * Prefix of the variables read. Default `ASPOSE_` for the default client and
   * `ASPOSE_<NAME>_` for a named one (`ASPOSE_OCR_CLIENT_ID` for `name: 'ocr'`).
   */
  envPrefix?: string;
  /** As {@link AsposeAuthModuleOptions.prefetchToken}. */
  prefetchToken?: boolean;
}
