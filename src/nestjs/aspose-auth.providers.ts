import type { InjectionToken, Provider } from '@nestjs/common';
import { AsposeConfigError } from '../errors/errors.js';
import { AsposeClient } from '../http/aspose-client.js';
import { TokenService } from '../token/token-service.js';
import type { AsposeAuthModuleOptions } from './aspose-auth-options.interface.js';
import { ASPOSE_AUTH_MODULE_OPTIONS, ASPOSE_CLIENT_HOST } from './aspose-auth.constants.js';
import { AsposeClientHost } from './aspose-client.host.js';
import { AsposeHttpService } from './aspose-http.service.js';

/**
 * Tokens are strings, not symbols, on purpose: a CommonJS and an ESM copy of
 * this package loaded side by side still agree on them.
 */
function named(kind: string, name: string): string {
  return `aspose-cloud-auth:${kind}:${name}`;
}

/**
 * Whether a registration name was given: false for none (the default client),
 * true for a usable name. A name that is not a non-empty string throws, so a
 * typo such as `''` never silently means the default client.
 */
function isClientName(name: string | undefined): name is string {
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
  return isClientName(name) ? named('AsposeClient', name) : AsposeClient;
}

/**
 * The injection token of the {@link TokenService} behind the client registered
 * under `name` (the `TokenService` class for the default client).
 */
export function getTokenServiceToken(name?: string): InjectionToken<TokenService> {
  return isClientName(name) ? named('TokenService', name) : TokenService;
}

/**
 * The injection token of the {@link AsposeHttpService} over the client
 * registered under `name` (the `AsposeHttpService` class for the default client).
 */
export function getAsposeHttpServiceToken(name?: string): InjectionToken<AsposeHttpService> {
  return isClientName(name) ? named('AsposeHttpService', name) : AsposeHttpService;
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
