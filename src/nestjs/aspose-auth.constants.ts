import type { InjectionToken } from '@nestjs/common';
import { AsposeConfigError } from '../errors/errors.js';
import { AsposeClient } from '../http/aspose-client.js';
import { TokenService } from '../token/token-service.js';
import { AsposeHttpService } from './aspose-http.service.js';

/**
 * Injection token of the options object of one `AsposeAuthModule` registration.
 * Each registration (named or not) is its own module instance, so this one
 * token resolves to that registration's options inside it. Not exported from
 * the module: read the client, not its options.
 */
export const ASPOSE_AUTH_MODULE_OPTIONS = 'aspose-cloud-auth:AsposeAuthModuleOptions';

/** Internal token of the object that owns one registration's client and runs its lifecycle hooks. @internal */
export const ASPOSE_CLIENT_HOST = 'aspose-cloud-auth:AsposeClientHost';

/** Internal token through which `forRootAsync()` without a factory reaches `ConfigService`. @internal */
export const ASPOSE_CONFIG_SERVICE = 'aspose-cloud-auth:ConfigService';

/**
 * Tokens are strings, not symbols, on purpose: a CommonJS and an ESM copy of
 * this package loaded side by side still agree on them.
 */
function named(kind: string, name: string): string {
  return `aspose-cloud-auth:${kind}:${name}`;
}

function checkName(name: string | undefined): name is string {
  if (name === undefined) return false;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new AsposeConfigError(
      [{ option: 'name', problem: `must be a non-empty string (got ${JSON.stringify(name)}); leave it out for the default client` }],
      {
        source: 'Aspose client name',
      },
    );
  }
  return true;
}

/**
 * The injection token of the {@link AsposeClient} registered under `name`.
 * Without a name it is the `AsposeClient` class itself, so the default client
 * is injectable by type.
 *
 * ```ts
 * { provide: OcrGateway, useFactory: (c: AsposeClient) => new OcrGateway(c), inject: [getAsposeClientToken('ocr')] }
 * ```
 */
export function getAsposeClientToken(name?: string): InjectionToken<AsposeClient> {
  return checkName(name) ? named('AsposeClient', name) : AsposeClient;
}

/**
 * The injection token of the {@link TokenService} behind the client registered
 * under `name` (the `TokenService` class for the default client).
 */
export function getTokenServiceToken(name?: string): InjectionToken<TokenService> {
  return checkName(name) ? named('TokenService', name) : TokenService;
}

/**
 * The injection token of the {@link AsposeHttpService} over the client
 * registered under `name` (the `AsposeHttpService` class for the default client).
 */
export function getAsposeHttpServiceToken(name?: string): InjectionToken<AsposeHttpService> {
  return checkName(name) ? named('AsposeHttpService', name) : AsposeHttpService;
}
