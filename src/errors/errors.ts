/**
 * Every error this library throws or rejects with is an {@link AsposeError}
 * with a stable `code` from {@link AsposeErrorCode}. Switch on `code`, never
 * on message text: messages are for humans and may be reworded.
 *
 * As in panva/jose, each concrete class has exactly one code, on the class
 * (`AsposeTimeoutError.code`) and on the instance, so a class and its code
 * never disagree. Family bases ({@link AsposeAuthError},
 * {@link AsposeRequestError}, {@link AsposeResponseError}) group them for
 * `instanceof` by kind.
 *
 * As in undici (`lib/core/errors.js`), every class carries a brand
 * (`Symbol.for('aspose-cloud-auth.error.<Name>')`, a getter on its prototype)
 * and a `static [Symbol.hasInstance]` that checks it. The package ships a
 * CommonJS and an ESM build, and an application can load both (an ESM app
 * with a CommonJS dependency that requires this package): without the brand,
 * an error thrown by one copy would fail `instanceof` against the other
 * copy's class.
 *
 * No error here ever holds the client secret or an access token: messages
 * are built only from values we know are safe, and any text that came from a
 * server is passed through `redact` first.
 */

/** The closed set of `code` values carried by {@link AsposeError}s. */
export type AsposeErrorCode =
  /** Options or environment variables are missing or malformed. {@link AsposeConfigError}. */
  | 'ERR_ASPOSE_CONFIG'
  /** The token endpoint refused the credentials (RFC 6749 §5.2 error). Not retried. {@link AsposeAuthRefusedError}. */
  | 'ERR_ASPOSE_AUTH_REFUSED'
  /** The token endpoint kept failing transiently; retries are exhausted. {@link AsposeAuthUnavailableError}. */
  | 'ERR_ASPOSE_AUTH_UNAVAILABLE'
  /** The token endpoint answered 2xx, but not with a usable Bearer token. {@link AsposeAuthInvalidResponseError}. */
  | 'ERR_ASPOSE_AUTH_INVALID_RESPONSE'
  /**
   * No token request may be sent yet: the token endpoint answered with a
   * `Retry-After` (Aspose's 10-minute lockout is a 429 with `Retry-After: 600`)
   * and it has not passed. `retryAt` on the error says when requests resume.
   * {@link AsposeAuthRateLimitedError}.
   */
  | 'ERR_ASPOSE_AUTH_RATE_LIMITED'
  /** The API answered with a non-2xx status (JSON helpers only). {@link AsposeApiError}. */
  | 'ERR_ASPOSE_API'
  /** The API answered 2xx, but the body was not the JSON that was asked for. {@link AsposeApiInvalidResponseError}. */
  | 'ERR_ASPOSE_API_INVALID_RESPONSE'
  /** The request did not get an answer in time. {@link AsposeTimeoutError}. */
  | 'ERR_ASPOSE_TIMEOUT'
  /** The request failed below HTTP: DNS, connection refused or reset, TLS. {@link AsposeNetworkError}. */
  | 'ERR_ASPOSE_NETWORK'
  /**
   * The wait was cut short: the caller's `AbortSignal` fired (on a request, or
   * on `TokenService.getToken({ signal })`), or the client was closed.
   * {@link AsposeAbortError}.
   */
  | 'ERR_ASPOSE_ABORTED'
  /** A method was called with an argument it cannot use (a malformed path, say). {@link AsposeArgumentError}. */
  | 'ERR_ASPOSE_INVALID_ARGUMENT'
  /**
   * The proxy failed unexpectedly (a bug, or a request object that code in
   * front of it left in a state it cannot use): answered 500, and reported to
   * its `onError` hook with what was thrown as `cause`. {@link AsposeProxyInternalError}.
   */
  | 'ERR_ASPOSE_PROXY_INTERNAL'
  /** The proxy refused a malformed target or one that tries to leave its path. 400. {@link AsposeProxyBadPathError}. */
  | 'ERR_ASPOSE_PROXY_BAD_PATH'
  /** The proxy refused a request header it cannot forward faithfully. 400. {@link AsposeProxyBadHeaderError}. */
  | 'ERR_ASPOSE_PROXY_BAD_HEADER'
  /** The method and path match no entry of the proxy's allow list. 403. {@link AsposeProxyForbiddenError}. */
  | 'ERR_ASPOSE_PROXY_FORBIDDEN'
  /** The target is a token endpoint, never forwarded. 403. {@link AsposeProxyTokenEndpointError}. */
  | 'ERR_ASPOSE_PROXY_TOKEN_ENDPOINT'
  /** A state-changing request without the proxy's CSRF header. 403. {@link AsposeProxyCsrfError}. */
  | 'ERR_ASPOSE_PROXY_CSRF'
  /** The caller spent its `rateLimit` points. 429, with `Retry-After`. {@link AsposeProxyRateLimitedError}. */
  | 'ERR_ASPOSE_PROXY_RATE_LIMITED'
  /** The proxy's `beforeForward` hook refused the request. 4xx (403 unless the hook chose). {@link AsposeProxyRefusedError}. */
  | 'ERR_ASPOSE_PROXY_REFUSED'
  /** The request body is larger than the proxy's `maxBodyBytes`. 413. {@link AsposeProxyBodyTooLargeError}. */
  | 'ERR_ASPOSE_PROXY_BODY_TOO_LARGE'
  /** Something (a body parser) read the request body before the proxy could stream it. 500. {@link AsposeProxyBodyConsumedError}. */
  | 'ERR_ASPOSE_PROXY_BODY_CONSUMED'
  /** The Aspose API failed (timeout, network, no token) before the proxy's answer started. 502 or 504. {@link AsposeProxyUpstreamError}. */
  | 'ERR_ASPOSE_PROXY_UPSTREAM';

/** The codes of the {@link AsposeAuthError} family. */
export type AsposeAuthErrorCode =
  'ERR_ASPOSE_AUTH_REFUSED' | 'ERR_ASPOSE_AUTH_UNAVAILABLE' | 'ERR_ASPOSE_AUTH_INVALID_RESPONSE' | 'ERR_ASPOSE_AUTH_RATE_LIMITED';

/** The codes of the {@link AsposeRequestError} family. */
export type AsposeRequestErrorCode = 'ERR_ASPOSE_TIMEOUT' | 'ERR_ASPOSE_NETWORK' | 'ERR_ASPOSE_ABORTED';

/** The codes of the {@link AsposeResponseError} family. */
export type AsposeResponseErrorCode = 'ERR_ASPOSE_API' | 'ERR_ASPOSE_API_INVALID_RESPONSE';

/** Options shared by every {@link AsposeError} constructor. */
export interface AsposeErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
}

/** True when `value` carries `brand` (own or inherited): how every class here answers `instanceof`. */
function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

const kAsposeError = Symbol.for('aspose-cloud-auth.error.AsposeError');

/**
 * The base of every error thrown by aspose-cloud-auth. Not constructed
 * itself: every error is one of its subclasses, whose class fixes `code`.
 */
export abstract class AsposeError extends Error {
  /** Stable, machine-readable error code: the class's own `static code`. */
  readonly code: AsposeErrorCode;

  constructor(message: string, options?: AsposeErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = (new.target as unknown as { readonly code: AsposeErrorCode }).code;
    // Keep `name` off the instance's enumerable keys so JSON.stringify stays small.
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true, writable: true });
  }

  /** True for any {@link AsposeError}, from either module format of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kAsposeError);
  }

  /** @internal The brand `instanceof` checks. */
  get [kAsposeError](): true {
    return true;
  }
}

/** One problem found while validating options or environment variables. */
export interface ConfigIssue {
  /** The option name, such as `clientSecret`. */
  readonly option: string;
  /** The environment variable that sets it, when the options came from the environment. */
  readonly variable?: string;
  /** What is wrong and what to do, such as `is missing: set it to the Client Secret…`. */
  readonly problem: string;
}

const kConfigError = Symbol.for('aspose-cloud-auth.error.AsposeConfigError');

/**
 * Options or environment variables are missing or malformed, or a dependency
 * the configuration needs cannot be loaded. `issues` lists every problem
 * found, so one failed start tells the operator everything.
 */
export class AsposeConfigError extends AsposeError {
  static readonly code = 'ERR_ASPOSE_CONFIG' as const;
  declare readonly code: typeof AsposeConfigError.code;
  /**
   * Every problem found, in a stable order. Never contains a secret value.
   * Empty when the problem is not one of options (a dependency that cannot
   * be loaded, say): the message says it then.
   */
  readonly issues: readonly ConfigIssue[];

  /**
   * @param issues every problem found, each naming its option; or the whole
   *   message, for a problem that is not one of options.
   */
  constructor(issues: readonly ConfigIssue[] | string, options?: AsposeErrorOptions & { source?: string }) {
    if (typeof issues === 'string') {
      super(issues, options);
      this.issues = [];
      return;
    }
    const where = options?.source ?? 'aspose-cloud-auth configuration';
    const lines = issues.map((i) => `  - ${i.variable ?? i.option} ${i.problem}`);
    super(`Invalid ${where} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, options);
    this.issues = issues;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kConfigError);
  }

  /** @internal */
  get [kConfigError](): true {
    return true;
  }
}

const kArgumentError = Symbol.for('aspose-cloud-auth.error.AsposeArgumentError');

/** A method was called with an argument it cannot use: a malformed `path`, a header value undici refuses, a bad `timeoutMs`. */
export class AsposeArgumentError extends AsposeError {
  static readonly code = 'ERR_ASPOSE_INVALID_ARGUMENT' as const;
  declare readonly code: typeof AsposeArgumentError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kArgumentError);
  }

  /** @internal */
  get [kArgumentError](): true {
    return true;
  }
}

/** Details carried by an {@link AsposeAuthError}. */
export interface AsposeAuthErrorDetails extends AsposeErrorOptions {
  /** HTTP status of the token endpoint's last answer, when there was one. */
  status?: number;
  /** The OAuth 2.0 `error` field, such as `invalid_client`. */
  oauthError?: string;
  /** The OAuth 2.0 `error_description` field, redacted. */
  oauthErrorDescription?: string;
  /** How many token requests were sent before giving up. */
  attempts?: number;
  /** Epoch ms before which no token request will be sent for these credentials. */
  retryAt?: number;
}

const kAuthError = Symbol.for('aspose-cloud-auth.error.AsposeAuthError');

/**
 * Getting an access token failed: the family of {@link AsposeAuthRefusedError},
 * {@link AsposeAuthUnavailableError}, {@link AsposeAuthInvalidResponseError}
 * and {@link AsposeAuthRateLimitedError}. See `code` for whether it is worth
 * retrying later.
 */
export abstract class AsposeAuthError extends AsposeError {
  declare readonly code: AsposeAuthErrorCode;
  /** HTTP status of the token endpoint's last answer, when there was one. */
  readonly status: number | undefined;
  /** The OAuth 2.0 `error` field (RFC 6749 §5.2), such as `invalid_client`. */
  readonly oauthError: string | undefined;
  /** The OAuth 2.0 `error_description` field, with any secret redacted. */
  readonly oauthErrorDescription: string | undefined;
  /** How many token requests were sent before giving up (0 when the call was failed without one). */
  readonly attempts: number;
  /**
   * When token requests may resume, as epoch ms (compare with `Date.now()`), or
   * undefined when nothing holds them back. Set on `ERR_ASPOSE_AUTH_RATE_LIMITED`
   * (the end of the `Retry-After` window), on `ERR_ASPOSE_AUTH_REFUSED` and
   * `ERR_ASPOSE_AUTH_INVALID_RESPONSE` (the end of the pair's backoff: until then
   * calls fail with this same error; new credentials are not held back), and on
   * `ERR_ASPOSE_AUTH_UNAVAILABLE` once the endpoint kept failing (the end of the
   * service-wide hold that follows, whatever the credentials).
   */
  readonly retryAt: number | undefined;
  /** `retryAt` as ms from when this error was made; undefined when `retryAt` is. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: AsposeAuthErrorDetails = {}) {
    super(message, details);
    this.status = details.status;
    this.oauthError = details.oauthError;
    this.oauthErrorDescription = details.oauthErrorDescription;
    this.attempts = details.attempts ?? 1;
    this.retryAt = details.retryAt;
    this.retryAfterMs = details.retryAt === undefined ? undefined : Math.max(0, details.retryAt - Date.now());
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kAuthError);
  }

  /** @internal */
  get [kAuthError](): true {
    return true;
  }
}

const kAuthRefused = Symbol.for('aspose-cloud-auth.error.AsposeAuthRefusedError');

/**
 * The token endpoint refused the credentials (`invalid_client` and the other
 * 4xx answers, a redirect). Not retried; further requests for the same pair
 * back off (see `retryAt`).
 */
export class AsposeAuthRefusedError extends AsposeAuthError {
  static readonly code = 'ERR_ASPOSE_AUTH_REFUSED' as const;
  declare readonly code: typeof AsposeAuthRefusedError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kAuthRefused);
  }

  /** @internal */
  get [kAuthRefused](): true {
    return true;
  }
}

const kAuthUnavailable = Symbol.for('aspose-cloud-auth.error.AsposeAuthUnavailableError');

/** The token endpoint kept failing transiently (5xx, timeouts, connection errors) and the retries ran out, or no token can be had at all (a closed service, an expired static token). */
export class AsposeAuthUnavailableError extends AsposeAuthError {
  static readonly code = 'ERR_ASPOSE_AUTH_UNAVAILABLE' as const;
  declare readonly code: typeof AsposeAuthUnavailableError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kAuthUnavailable);
  }

  /** @internal */
  get [kAuthUnavailable](): true {
    return true;
  }
}

const kAuthInvalidResponse = Symbol.for('aspose-cloud-auth.error.AsposeAuthInvalidResponseError');

/** The token endpoint answered 2xx, but without a usable Bearer token (none, malformed, too large, or expired on arrival). */
export class AsposeAuthInvalidResponseError extends AsposeAuthError {
  static readonly code = 'ERR_ASPOSE_AUTH_INVALID_RESPONSE' as const;
  declare readonly code: typeof AsposeAuthInvalidResponseError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kAuthInvalidResponse);
  }

  /** @internal */
  get [kAuthInvalidResponse](): true {
    return true;
  }
}

const kAuthRateLimited = Symbol.for('aspose-cloud-auth.error.AsposeAuthRateLimitedError');

/** A `Retry-After` from the token endpoint has not passed: no token request is sent before `retryAt`. `cause` is the answer that asked for it. */
export class AsposeAuthRateLimitedError extends AsposeAuthError {
  static readonly code = 'ERR_ASPOSE_AUTH_RATE_LIMITED' as const;
  declare readonly code: typeof AsposeAuthRateLimitedError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kAuthRateLimited);
  }

  /** @internal */
  get [kAuthRateLimited](): true {
    return true;
  }
}

const AUTH_ERRORS = {
  ERR_ASPOSE_AUTH_REFUSED: AsposeAuthRefusedError,
  ERR_ASPOSE_AUTH_UNAVAILABLE: AsposeAuthUnavailableError,
  ERR_ASPOSE_AUTH_INVALID_RESPONSE: AsposeAuthInvalidResponseError,
  ERR_ASPOSE_AUTH_RATE_LIMITED: AsposeAuthRateLimitedError,
} as const satisfies Record<AsposeAuthErrorCode, new (message: string, details?: AsposeAuthErrorDetails) => AsposeAuthError>;

/** True when `code` names one of the {@link AsposeAuthError} classes. @internal */
export function isAuthErrorCode(code: string): code is AsposeAuthErrorCode {
  return Object.hasOwn(AUTH_ERRORS, code);
}

/** A new {@link AsposeAuthError} of the class `code` names. @internal */
export function authErrorOfCode(code: AsposeAuthErrorCode, message: string, details: AsposeAuthErrorDetails): AsposeAuthError {
  return new AUTH_ERRORS[code](message, details);
}

/**
 * A new error of the class of `like` (the same code), with a new message, and
 * its details but for `changes`: how the token layer adds what it knows
 * (attempts, when requests resume) to an error it got, without rewriting a
 * `readonly` field.
 *
 * @internal
 */
export function authErrorLike(like: AsposeAuthError, message: string, changes: Pick<AsposeAuthErrorDetails, 'attempts' | 'retryAt'>): AsposeAuthError {
  return new AUTH_ERRORS[like.code](message, {
    status: like.status,
    oauthError: like.oauthError,
    oauthErrorDescription: like.oauthErrorDescription,
    attempts: like.attempts,
    retryAt: like.retryAt,
    cause: like.cause,
    ...changes,
  });
}

/** Details of an error about one request. */
export interface AsposeRequestErrorDetails extends AsposeErrorOptions {
  /** HTTP method of the request (`''` when the error is not about one request). */
  method: string;
  /** Path of the request, without its query string (`''` when the error is not about one request). */
  path: string;
}

const kRequestError = Symbol.for('aspose-cloud-auth.error.AsposeRequestError');

/**
 * A request failed before an HTTP answer arrived: the family of
 * {@link AsposeTimeoutError}, {@link AsposeNetworkError} and
 * {@link AsposeAbortError}.
 */
export abstract class AsposeRequestError extends AsposeError {
  declare readonly code: AsposeRequestErrorCode;
  /** HTTP method of the failed request; `''` when the error is not about one request (an aborted `getToken()`, say). */
  readonly method: string;
  /** Path (or URL for another origin) of the failed request, without its query string; `''` when the error is not about one request. */
  readonly path: string;

  constructor(message: string, details: AsposeRequestErrorDetails) {
    super(message, details);
    this.method = details.method;
    this.path = details.path;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kRequestError);
  }

  /** @internal */
  get [kRequestError](): true {
    return true;
  }
}

const kTimeoutError = Symbol.for('aspose-cloud-auth.error.AsposeTimeoutError');

/** The request did not get an answer (or the next part of one) in time: `timeoutMs`, a per-call `timeoutMs`, or an `AbortSignal.timeout()`. */
export class AsposeTimeoutError extends AsposeRequestError {
  static readonly code = 'ERR_ASPOSE_TIMEOUT' as const;
  declare readonly code: typeof AsposeTimeoutError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kTimeoutError);
  }

  /** @internal */
  get [kTimeoutError](): true {
    return true;
  }
}

const kNetworkError = Symbol.for('aspose-cloud-auth.error.AsposeNetworkError');

/** The request failed below HTTP: DNS, connection refused or reset, TLS, a malformed answer. undici's error is the `cause`. */
export class AsposeNetworkError extends AsposeRequestError {
  static readonly code = 'ERR_ASPOSE_NETWORK' as const;
  declare readonly code: typeof AsposeNetworkError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kNetworkError);
  }

  /** @internal */
  get [kNetworkError](): true {
    return true;
  }
}

const kAbortError = Symbol.for('aspose-cloud-auth.error.AsposeAbortError');

/**
 * The wait was cut short on purpose: the caller's `AbortSignal` fired (on a
 * request, or on `TokenService.getToken({ signal })`), or the client or token
 * service was closed. The same class wherever it arises.
 */
export class AsposeAbortError extends AsposeRequestError {
  static readonly code = 'ERR_ASPOSE_ABORTED' as const;
  declare readonly code: typeof AsposeAbortError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kAbortError);
  }

  /** @internal */
  get [kAbortError](): true {
    return true;
  }
}

/** Details carried by an {@link AsposeResponseError}. */
export interface AsposeResponseErrorDetails extends AsposeErrorOptions {
  status: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

const kResponseError = Symbol.for('aspose-cloud-auth.error.AsposeResponseError');

/**
 * The API answered, but not with what was asked for: the family of
 * {@link AsposeApiError} (a non-2xx status) and
 * {@link AsposeApiInvalidResponseError} (a 2xx that is not the JSON asked
 * for). Thrown by the JSON helpers, never by `request()`.
 */
export abstract class AsposeResponseError extends AsposeError {
  declare readonly code: AsposeResponseErrorCode;
  /** HTTP status code of the answer. */
  readonly status: number;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** Path of the failed request, without its query string. */
  readonly path: string;
  /** A redacted copy of the response headers (names and every value). Not enumerable, so they do not flood logs. */
  declare readonly headers: Record<string, string | string[] | undefined>;

  constructor(message: string, details: AsposeResponseErrorDetails) {
    super(message, details);
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    Object.defineProperty(this, 'headers', { value: details.headers, enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kResponseError);
  }

  /** @internal */
  get [kResponseError](): true {
    return true;
  }
}

/** Details carried by an {@link AsposeApiError}. */
export interface AsposeApiErrorDetails extends AsposeResponseErrorDetails {
  apiCode?: string;
  apiMessage?: string;
  requestId?: string;
  body: string;
}

const kApiError = Symbol.for('aspose-cloud-auth.error.AsposeApiError');

/**
 * An Aspose API answered with a non-2xx status. Thrown by the JSON helpers
 * (`get`, `post`, `put`, `delete`), never by `request()`.
 *
 * Both error shapes Aspose uses are understood, whatever their casing:
 * `{"Error":{"Code","Message"},"RequestId"}` (Words, Cells) and
 * `{"error":{"code","message"},"requestId"}` (BarCode v4), and the PDF shape
 * `{"Code","Message","InnerError":{"RequestId"}}`.
 *
 * Everything taken from the answer (code, message, request id, body,
 * headers, and so the message built from them) is redacted before it gets
 * here: an API that echoes the token or secret, in any encoding, does not
 * put it in this error.
 */
export class AsposeApiError extends AsposeResponseError {
  static readonly code = 'ERR_ASPOSE_API' as const;
  declare readonly code: typeof AsposeApiError.code;
  /** Aspose's own error code, such as `ErrorItemNotFound`, when the body had one (redacted, at most 200 characters). */
  readonly apiCode: string | undefined;
  /** Aspose's own error message, when the body had one (redacted, at most 1000 characters). */
  readonly apiMessage: string | undefined;
  /** Aspose's request id, to quote to Aspose support (redacted, at most 200 characters). */
  readonly requestId: string | undefined;
  /**
   * The response body as text, redacted (the client secret, the tokens and any credential-shaped
   * string, in any of the spellings listed under Security in the README) and cut after 1 MiB.
   * Not enumerable, so it does not flood logs.
   */
  declare readonly body: string;

  constructor(details: AsposeApiErrorDetails) {
    const what = [details.apiCode, details.apiMessage].filter(Boolean).join(': ');
    const rid = details.requestId ? `, request id ${details.requestId}` : '';
    super(`Aspose API answered ${details.status} to ${details.method} ${details.path}${what ? ` (${what})` : ''}${rid}`, details);
    this.apiCode = details.apiCode;
    this.apiMessage = details.apiMessage;
    this.requestId = details.requestId;
    Object.defineProperty(this, 'body', { value: details.body, enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kApiError);
  }

  /** @internal */
  get [kApiError](): true {
    return true;
  }
}

const kApiInvalidResponse = Symbol.for('aspose-cloud-auth.error.AsposeApiInvalidResponseError');

/**
 * The API answered 2xx, but the body was not the JSON a JSON helper asked
 * for (an image, a text page): use `request()` for binary or text answers.
 * The parser's message, redacted, is the `cause`.
 */
export class AsposeApiInvalidResponseError extends AsposeResponseError {
  static readonly code = 'ERR_ASPOSE_API_INVALID_RESPONSE' as const;
  declare readonly code: typeof AsposeApiInvalidResponseError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kApiInvalidResponse);
  }

  /** @internal */
  get [kApiInvalidResponse](): true {
    return true;
  }
}

const kProxyError = Symbol.for('aspose-cloud-auth.error.AsposeProxyError');

/** The codes of the {@link AsposeProxyError} family. */
export type AsposeProxyErrorFamilyCode = Extract<AsposeErrorCode, `ERR_ASPOSE_PROXY_${string}`>;

/** Options of an {@link AsposeProxyError} constructor. */
export interface AsposeProxyErrorOptions extends AsposeErrorOptions {
  /**
   * The HTTP status to answer with. Only {@link AsposeProxyRefusedError}
   * (a 4xx) and {@link AsposeProxyUpstreamError} (502 or 504) take one; the
   * other classes have a fixed status.
   */
  status?: number;
}

/**
 * An answer `asposeProxy` makes itself instead of forwarding: a refusal
 * (4xx) or a failure (5xx). With the proxy's `delegateErrors` option, these
 * are what the framework's error handling gets (`next(err)` in Express, a
 * throw in Koa), so they carry the fields frameworks read: `status` and
 * `statusCode` (the HTTP status), `expose` (true for a 4xx: its message is
 * meant for the caller; false for a 5xx, whose detail is for the server's
 * logs) and `headers` (to set on the answer, such as `Retry-After`).
 */
export abstract class AsposeProxyError extends AsposeError {
  declare readonly code: AsposeProxyErrorFamilyCode;
  /** The HTTP status of the answer (what Koa's `ctx.onerror` reads). */
  readonly status: number;
  /** The same as `status` (what Express's `finalhandler` also reads). */
  readonly statusCode: number;
  /** True for a refusal (4xx), whose message is meant for the caller; false for a failure (5xx). */
  readonly expose: boolean;
  /** Headers for the answer (`Retry-After` on a 429), or undefined; Express's `finalhandler` and Koa set them. */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(message: string, options?: AsposeProxyErrorOptions & { headers?: Record<string, string> }) {
    super(message, options);
    const fixed = (new.target as unknown as { readonly status?: number }).status;
    this.status = fixed ?? options?.status ?? 500;
    this.statusCode = this.status;
    this.expose = this.status < 500;
    this.headers = options?.headers;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyError);
  }

  /** @internal */
  get [kProxyError](): true {
    return true;
  }
}

const kProxyInternal = Symbol.for('aspose-cloud-auth.error.AsposeProxyInternalError');

/**
 * What the proxy reports to its `onError` hook when it failed unexpectedly
 * and answered 500 `ERR_ASPOSE_PROXY_INTERNAL`. Its `cause` is a redacted
 * copy of what was thrown.
 */
export class AsposeProxyInternalError extends AsposeProxyError {
  static readonly code = 'ERR_ASPOSE_PROXY_INTERNAL' as const;
  /** Always 500. */
  static readonly status = 500;
  declare readonly code: typeof AsposeProxyInternalError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyInternal);
  }

  /** @internal */
  get [kProxyInternal](): true {
    return true;
  }
}

const kProxyBadPath = Symbol.for('aspose-cloud-auth.error.AsposeProxyBadPathError');

/** The proxy refused a malformed target, or one that tries to leave its path (traversal, encoded slashes, …). 400. */
export class AsposeProxyBadPathError extends AsposeProxyError {
  static readonly code = 'ERR_ASPOSE_PROXY_BAD_PATH' as const;
  /** Always 400. */
  static readonly status = 400;
  declare readonly code: typeof AsposeProxyBadPathError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyBadPath);
  }

  /** @internal */
  get [kProxyBadPath](): true {
    return true;
  }
}

const kProxyBadHeader = Symbol.for('aspose-cloud-auth.error.AsposeProxyBadHeaderError');

/** The proxy refused a request header it cannot forward faithfully (CR/LF/NUL, a value of no header type, a transfer coding other than chunked). 400. */
export class AsposeProxyBadHeaderError extends AsposeProxyError {
  static readonly code = 'ERR_ASPOSE_PROXY_BAD_HEADER' as const;
  /** Always 400. */
  static readonly status = 400;
  declare readonly code: typeof AsposeProxyBadHeaderError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyBadHeader);
  }

  /** @internal */
  get [kProxyBadHeader](): true {
    return true;
  }
}

const kProxyForbidden = Symbol.for('aspose-cloud-auth.error.AsposeProxyForbiddenError');

/** The method and path match no entry of the proxy's allow list. 403. */
export class AsposeProxyForbiddenError extends AsposeProxyError {
  static readonly code = 'ERR_ASPOSE_PROXY_FORBIDDEN' as const;
  /** Always 403. */
  static readonly status = 403;
  declare readonly code: typeof AsposeProxyForbiddenError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyForbidden);
  }

  /** @internal */
  get [kProxyForbidden](): true {
    return true;
  }
}

const kProxyTokenEndpoint = Symbol.for('aspose-cloud-auth.error.AsposeProxyTokenEndpointError');

/** The target is a token endpoint: never forwarded, whatever the allow list says. 403. */
export class AsposeProxyTokenEndpointError extends AsposeProxyError {
  static readonly code = 'ERR_ASPOSE_PROXY_TOKEN_ENDPOINT' as const;
  /** Always 403. */
  static readonly status = 403;
  declare readonly code: typeof AsposeProxyTokenEndpointError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyTokenEndpoint);
  }

  /** @internal */
  get [kProxyTokenEndpoint](): true {
    return true;
  }
}

const kProxyCsrf = Symbol.for('aspose-cloud-auth.error.AsposeProxyCsrfError');

/**
 * A state-changing request (any method but GET, HEAD and OPTIONS) came
 * without the proxy's CSRF header (`X-Requested-With` unless renamed): what
 * a cross-site form post looks like. 403; nothing went upstream.
 */
export class AsposeProxyCsrfError extends AsposeProxyError {
  static readonly code = 'ERR_ASPOSE_PROXY_CSRF' as const;
  /** Always 403. */
  static readonly status = 403;
  declare readonly code: typeof AsposeProxyCsrfError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyCsrf);
  }

  /** @internal */
  get [kProxyCsrf](): true {
    return true;
  }
}

const kProxyRateLimited = Symbol.for('aspose-cloud-auth.error.AsposeProxyRateLimitedError');

/** The caller spent its `rateLimit` points for now. 429, with `Retry-After` (whole seconds, rounded up) in `headers`. */
export class AsposeProxyRateLimitedError extends AsposeProxyError {
  static readonly code = 'ERR_ASPOSE_PROXY_RATE_LIMITED' as const;
  /** Always 429. */
  static readonly status = 429;
  declare readonly code: typeof AsposeProxyRateLimitedError.code;
  /** Seconds until the caller may try again (the `Retry-After` value). */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message, { headers: { 'retry-after': String(retryAfterSeconds) } });
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyRateLimited);
  }

  /** @internal */
  get [kProxyRateLimited](): true {
    return true;
  }
}

const kProxyRefused = Symbol.for('aspose-cloud-auth.error.AsposeProxyRefusedError');

/**
 * A refusal decided by your own `beforeForward` hook: throw one to refuse a
 * request with a status of your choosing (a 4xx; anything else becomes 403)
 * and a message for the caller (it is sent to the browser as it is, so put
 * nothing private in it).
 *
 * ```ts
 * beforeForward: async (req) => {
 *   if ((await credits.of(req)) <= 0) throw new AsposeProxyRefusedError('No credits left this month', { status: 402 });
 * }
 * ```
 */
export class AsposeProxyRefusedError extends AsposeProxyError {
  static readonly code = 'ERR_ASPOSE_PROXY_REFUSED' as const;
  declare readonly code: typeof AsposeProxyRefusedError.code;

  /**
   * @param message for the caller: sent in the JSON answer (`expose` is true).
   * @param options `status`: a 4xx, 403 by default (anything else becomes 403).
   */
  constructor(message: string, options?: AsposeProxyErrorOptions) {
    const status = options?.status;
    super(message, { ...options, status: Number.isInteger(status) && status! >= 400 && status! <= 499 ? status : 403 });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyRefused);
  }

  /** @internal */
  get [kProxyRefused](): true {
    return true;
  }
}

const kProxyBodyTooLarge = Symbol.for('aspose-cloud-auth.error.AsposeProxyBodyTooLargeError');

/** The request body is larger than the proxy's `maxBodyBytes`. 413. */
export class AsposeProxyBodyTooLargeError extends AsposeProxyError {
  static readonly code = 'ERR_ASPOSE_PROXY_BODY_TOO_LARGE' as const;
  /** Always 413. */
  static readonly status = 413;
  declare readonly code: typeof AsposeProxyBodyTooLargeError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyBodyTooLarge);
  }

  /** @internal */
  get [kProxyBodyTooLarge](): true {
    return true;
  }
}

const kProxyBodyConsumed = Symbol.for('aspose-cloud-auth.error.AsposeProxyBodyConsumedError');

/**
 * The request body had been read before the proxy could stream it upstream:
 * a body parser (`express.json()`, `koa-bodyparser`, …) runs in front of
 * it. A mistake in the server's setup, so 500, and reported to `onError`:
 * mount the proxy before the parser, or scope the parser to other routes.
 */
export class AsposeProxyBodyConsumedError extends AsposeProxyError {
  static readonly code = 'ERR_ASPOSE_PROXY_BODY_CONSUMED' as const;
  /** Always 500. */
  static readonly status = 500;
  declare readonly code: typeof AsposeProxyBodyConsumedError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyBodyConsumed);
  }

  /** @internal */
  get [kProxyBodyConsumed](): true {
    return true;
  }
}

const kProxyUpstream = Symbol.for('aspose-cloud-auth.error.AsposeProxyUpstreamError');

/**
 * The Aspose API failed before the proxy's answer started: 504 for a
 * timeout, 502 otherwise (no connection, no token). What the framework gets
 * with `delegateErrors`; `cause` is the core's error (an
 * `AsposeTimeoutError`, `AsposeNetworkError` or `AsposeAuthError`, whose
 * code is the one the proxy's own JSON answer carries).
 */
export class AsposeProxyUpstreamError extends AsposeProxyError {
  static readonly code = 'ERR_ASPOSE_PROXY_UPSTREAM' as const;
  declare readonly code: typeof AsposeProxyUpstreamError.code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, kProxyUpstream);
  }

  /** @internal */
  get [kProxyUpstream](): true {
    return true;
  }
}
