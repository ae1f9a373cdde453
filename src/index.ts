/**
 * aspose-cloud-auth: correct, fast, secure access to the Aspose Cloud and
 * GroupDocs Cloud REST APIs from Node.js, on undici.
 *
 * @packageDocumentation
 */
export { TokenService, type GetTokenOptions, type TokenServiceStatus, type TokenStats } from './token/token-service.js';
export { AccessToken } from './token/access-token.js';
export { memoryTokenStore, type AsposeTokenStore, type AsposeTokenStoreSetOptions } from './token/token-store.js';
export {
  AsposeClient,
  type AsposeCloseOptions,
  type AsposeClientOptions,
  type AsposeRequestOptions,
  type AsposeJsonOptions,
  type AsposeResponse,
  type AsposeJsonRequestOptions,
  type AsposeJsonResponse,
  type AsposeQuery,
  type AsposeBody,
} from './http/aspose-client.js';
export { asposeAuthInterceptor, type AsposeAuthInterceptorOptions } from './http/auth-interceptor.js';
export type { BodyFactory } from './http/replayable-body.js';
export { loadAsposeConfig, ASPOSE_ENV_VARIABLES, type LoadAsposeConfigOptions } from './config/env.js';
export {
  AsposePresets,
  isLoopbackHost,
  DEFAULT_BASE_URL,
  type AsposeAuthMode,
  type AsposeCredential,
  type AsposeDispatcher,
  type AsposeLogger,
  type AsposeRefusalBackoffOptions,
  type AsposeRetryOptions,
  type TokenServiceOptions,
} from './config/options.js';
export {
  AsposeError,
  AsposeConfigError,
  AsposeArgumentError,
  AsposeAuthError,
  AsposeAuthRefusedError,
  AsposeAuthUnavailableError,
  AsposeAuthInvalidResponseError,
  AsposeAuthRateLimitedError,
  AsposeRequestError,
  AsposeTimeoutError,
  AsposeNetworkError,
  AsposeAbortError,
  AsposeResponseError,
  AsposeApiError,
  AsposeApiInvalidResponseError,
  AsposeProxyError,
  AsposeProxyInternalError,
  AsposeProxyBadPathError,
  AsposeProxyBadHeaderError,
  AsposeProxyForbiddenError,
  AsposeProxyTokenEndpointError,
  AsposeProxyCsrfError,
  AsposeProxyRateLimitedError,
  AsposeProxyRefusedError,
  AsposeProxyBodyTooLargeError,
  AsposeProxyBodyConsumedError,
  AsposeProxyUpstreamError,
  type AsposeProxyErrorFamilyCode,
  type AsposeProxyErrorOptions,
  type AsposeErrorCode,
  type AsposeAuthErrorCode,
  type AsposeRequestErrorCode,
  type AsposeResponseErrorCode,
  type AsposeErrorOptions,
  type AsposeAuthErrorDetails,
  type AsposeRequestErrorDetails,
  type AsposeResponseErrorDetails,
  type AsposeApiErrorDetails,
  type ConfigIssue,
} from './errors/errors.js';
export {
  ASPOSE_CHANNELS,
  type AsposeTokenOutcome,
  type AsposeTokenRequestMessage,
  type AsposeTokenRefreshReason,
  type AsposeTokenRefreshMessage,
  type AsposeTokenInvalidateMessage,
  type AsposeTokenLockoutMessage,
  type AsposeRequestReplayMessage,
  type AsposeProxyEvent,
} from './diagnostics/channels.js';
