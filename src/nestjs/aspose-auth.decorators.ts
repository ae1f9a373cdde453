import { Inject } from '@nestjs/common';
import { getAsposeClientToken, getAsposeHttpServiceToken, getTokenServiceToken } from './aspose-auth.providers.js';

/**
 * Injects the `AsposeClient` registered under `name`, or the default client.
 * The default client is also injectable by class, without this decorator.
 *
 * ```ts
 * constructor(@InjectAsposeClient('ocr') private readonly ocr: AsposeClient) {}
 * ```
 */
export function InjectAsposeClient(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getAsposeClientToken(name));
}

/** Injects the `TokenService` behind the client registered under `name`, or the default one. */
export function InjectTokenService(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getTokenServiceToken(name));
}

/** Injects the `AsposeHttpService` over the client registered under `name`, or the default one. */
export function InjectAsposeHttpService(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getAsposeHttpServiceToken(name));
}
