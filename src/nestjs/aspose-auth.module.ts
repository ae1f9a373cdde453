import { Module, type DynamicModule } from '@nestjs/common';
import { AsposeConfigError } from '../errors/errors.js';
import type { AsposeAuthEnvOptions } from './aspose-auth-options.interface.js';
import { ASPOSE_CONFIG_SERVICE } from './aspose-auth.constants.js';
import { AsposeAuthConfigurableModule, ASYNC_OPTIONS_TYPE, OPTIONS_TYPE } from './aspose-auth.module-definition.js';
import { asposeOptionsFromConfig, defaultEnvPrefix, type ConfigReader } from './aspose-auth.env.js';
import { asposeConfigBridge } from './aspose-config.bridge.js';

/** Options of {@link AsposeAuthModule.forRoot}: client options plus `isGlobal` and `name`. */
export type AsposeAuthModuleSyncOptions = typeof OPTIONS_TYPE;

/**
 * Options of {@link AsposeAuthModule.forRootAsync}: `imports`, `inject` and one of
 * `useFactory`, `useClass`, `useExisting`, plus `isGlobal` and `name`; or none
 * of the three, with `envPrefix` and `prefetchToken`, to read `ASPOSE_*`
 * through `ConfigService`.
 */
export type AsposeAuthModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE & AsposeAuthEnvOptions;

/**
 * Registers an Aspose Cloud client in a Nest app. Each registration provides,
 * all sharing one `TokenService` (so one token serves the whole app):
 *
 * - `AsposeClient`: the promise-based client (`@InjectAsposeClient()`, or by class);
 * - `TokenService`: its token cache (`@InjectTokenService()`, or by class);
 * - `AsposeHttpService`: an rxjs face of the same client (`@InjectAsposeHttpService()`, or by class).
 *
 * The simplest setup reads `ASPOSE_CLIENT_ID` and `ASPOSE_CLIENT_SECRET`
 * (and the other `ASPOSE_*` variables) through `@nestjs/config`:
 *
 * ```ts
 * @Module({ imports: [AsposeAuthModule.forRootAsync()] })
 * export class AppModule {}
 * ```
 *
 * A misconfigured app fails to start with one `AsposeConfigError` naming
 * every bad variable, never a secret. `app.close()` closes the client: no
 * socket or timer stays open.
 */
@Module({})
export class AsposeAuthModule extends AsposeAuthConfigurableModule {
  /**
   * Registers a client from options known up front.
   *
   * ```ts
   * AsposeAuthModule.forRoot({ clientId: '…', clientSecret: '…' })
   * AsposeAuthModule.forRoot({ name: 'ocr', ...AsposePresets.asposeId, clientId, clientSecret })
   * ```
   */
  static override forRoot(options: AsposeAuthModuleSyncOptions): DynamicModule {
    return super.forRoot(options);
  }

  /**
   * Registers a client whose options come from elsewhere.
   *
   * - With `useFactory` (and `inject`, `imports`), `useClass` or `useExisting`
   *   (a class implementing `createAsposeAuthOptions()`): as any configurable Nest module.
   * - With none of them: from the `ASPOSE_*` variables (or `envPrefix`, by
   *   default `ASPOSE_<NAME>_` for a named client) read through
   *   `@nestjs/config`'s `ConfigService`. The module imports `ConfigModule`
   *   itself, so nothing else is needed; call `ConfigModule.forRoot()` in your
   *   app as usual to load a `.env` file or validate, and this registration
   *   sees the same values. Any `imports` you pass are added.
   *
   * @throws {AsposeConfigError} if `envPrefix` or `prefetchToken` is combined with a factory
   *   (the factory's options carry `prefetchToken` then).
   */
  static override forRootAsync(options: AsposeAuthModuleAsyncOptions = {}): DynamicModule {
    const { envPrefix, prefetchToken, ...rest } = options;
    if (rest.useFactory || rest.useClass || rest.useExisting) {
      if (envPrefix !== undefined) {
        throw new AsposeConfigError(
          [
            {
              option: 'envPrefix',
              problem: 'applies only without useFactory, useClass or useExisting; in a factory, read the variables with loadAsposeConfig(env, { prefix })',
            },
          ],
          { source: 'AsposeAuthModule.forRootAsync() options' },
        );
      }
      if (prefetchToken !== undefined) {
        throw new AsposeConfigError(
          [
            {
              option: 'prefetchToken',
              problem: 'applies only without useFactory, useClass or useExisting: with one, set prefetchToken in the options the factory returns',
            },
          ],
          { source: 'AsposeAuthModule.forRootAsync() options' },
        );
      }
      return super.forRootAsync(rest);
    }
    const prefix = envPrefix ?? defaultEnvPrefix(rest.name);
    return super.forRootAsync({
      ...rest,
      imports: [...(rest.imports ?? []), asposeConfigBridge()],
      useFactory: (config: ConfigReader) => asposeOptionsFromConfig(config, prefix, prefetchToken),
      inject: [ASPOSE_CONFIG_SERVICE],
    });
  }
}
