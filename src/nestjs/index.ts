/**
 * The NestJS adapter: `AsposeAuthModule` registers an Aspose Cloud client
 * (`AsposeClient`, its `TokenService` and the rxjs `AsposeHttpService`, all
 * sharing one token) for injection, and `AsposeExceptionFilter` answers the
 * library's errors. Import from `aspose-cloud-auth/nestjs`; the Terminus
 * health indicator is in `aspose-cloud-auth/nestjs/terminus`.
 *
 * ```ts
 * import { AsposeAuthModule } from 'aspose-cloud-auth/nestjs';
 *
 * @Module({ imports: [AsposeAuthModule.forRootAsync()] }) // reads ASPOSE_CLIENT_ID, ASPOSE_CLIENT_SECRET
 * export class AppModule {}
 * ```
 *
 * @packageDocumentation
 */
export { AsposeAuthModule, type AsposeAuthModuleSyncOptions, type AsposeAuthModuleAsyncOptions } from './aspose-auth.module.js';
export { AsposeHttpService, type AsposeHttpResponse, type AsposeHttpRequestOptions } from './aspose-http.service.js';
export { AsposeExceptionFilter } from './aspose-exception.filter.js';
export { asposeErrorAnswer, type AsposeErrorAnswer, type AsposeErrorResponseBody } from './aspose-error.answer.js';
export { InjectAsposeClient, InjectTokenService, InjectAsposeHttpService } from './aspose-auth.decorators.js';
export { getAsposeClientToken, getTokenServiceToken, getAsposeHttpServiceToken } from './aspose-auth.providers.js';
export type { AsposeAuthModuleOptions, AsposeAuthOptionsFactory, AsposeAuthModuleExtras, AsposeAuthEnvOptions } from './aspose-auth-options.interface.js';
// The core classes the module provides, so that one import serves a Nest app.
export {
  AsposeClient,
  type AsposeRequestOptions,
  type AsposeJsonOptions,
  type AsposeJsonRequestOptions,
  type AsposeJsonResponse,
  type AsposeResponse,
} from '../http/aspose-client.js';
export { TokenService } from '../token/token-service.js';
