/**
 * Every error this library throws or rejects with is an {@link AsposeError}
 * with a stable `code` from {@link AsposeErrorCode}. Switch on `code`, never
 * on message text: messages are for humans and may be reworded.
 *
 * No error here ever holds the client secret or an access token: messages
 * are built only from values we know are safe, and any text that came from a
 * server is passed through {@link redact} first.
 */

/** The closed set of `code` values carried by {@link AsposeError}s. */
export type AsposeErrorCode =
  /** Options or environment variables are missing or malformed. */
  | 'ERR_ASPOSE_CONFIG'
  /** The token endpoint refused the credentials (RFC 6749 §5.2 error). Not retried. */
  | 'ERR_ASPOSE_AUTH_REFUSED'
  /** The token endpoint kept failing transiently; retries are exhausted. */
  | 'ERR_ASPOSE_AUTH_UNAVAILABLE'
  /** The token endpoint answered 2xx, but not with a usable Bearer token. */
  | 'ERR_ASPOSE_AUTH_INVALID_RESPONSE'
  /**
   * No token request may be sent yet: the token endpoint answered with a
   * `Retry-After` (Aspose's 10-minute lockout is a 429 with `Retry-After: 600`)
   * and it has not passed. `retryAt` on the error says when requests resume.
   */
  | 'ERR_ASPOSE_AUTH_RATE_LIMITED'
  /** The API answered with a non-2xx status (JSON helpers only). */
  | 'ERR_ASPOSE_API'
  /** The API answered 2xx, but the body was not the JSON that was asked for. */
  | 'ERR_ASPOSE_API_INVALID_RESPONSE'
  /** The request did not get an answer in time. */
  | 'ERR_ASPOSE_TIMEOUT'
  /** The request failed below HTTP: DNS, connection refused or reset, TLS. */
  | 'ERR_ASPOSE_NETWORK'
  /** The caller aborted the request through its `AbortSignal`. */
  | 'ERR_ASPOSE_ABORTED'
  /** A method was called with an argument it cannot use (a malformed path, say). */
  | 'ERR_ASPOSE_INVALID_ARGUMENT';

/** Options shared by every {@link AsposeError} constructor. */
export interface AsposeErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
}

/** The base of every error thrown by aspose-cloud-auth. */
export class AsposeError extends Error {
  /** Stable, machine-readable error code. */
  readonly code: AsposeErrorCode;

  constructor(code: AsposeErrorCode, message: string, options?: AsposeErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    // Keep `name` off the instance's enumerable keys so JSON.stringify stays small.
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true, writable: true });
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

/**
 * Options or environment variables are missing or malformed. `issues` lists
 * every problem found, so one failed start tells the operator everything.
 */
export class AsposeConfigError extends AsposeError {
  /** Every problem found, in a stable order. Never contains a secret value. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: AsposeErrorOptions & { source?: string }) {
    const where = options?.source ?? 'aspose-cloud-auth configuration';
    const lines = issues.map((i) => `  - ${i.variable ?? i.option} ${i.problem}`);
    super('ERR_ASPOSE_CONFIG', `Invalid ${where} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, options);
    this.issues = issues;
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

/** Getting an access token failed. See `code` for whether it is worth retrying later. */
export class AsposeAuthError extends AsposeError {
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

  constructor(
    code: 'ERR_ASPOSE_AUTH_REFUSED' | 'ERR_ASPOSE_AUTH_UNAVAILABLE' | 'ERR_ASPOSE_AUTH_INVALID_RESPONSE' | 'ERR_ASPOSE_AUTH_RATE_LIMITED',
    message: string,
    details: AsposeAuthErrorDetails = {},
  ) {
    super(code, message, details);
    this.status = details.status;
    this.oauthError = details.oauthError;
    this.oauthErrorDescription = details.oauthErrorDescription;
    this.attempts = details.attempts ?? 1;
    this.retryAt = details.retryAt;
    this.retryAfterMs = details.retryAt === undefined ? undefined : Math.max(0, details.retryAt - Date.now());
  }
}

/** Details carried by an {@link AsposeApiError}. */
export interface AsposeApiErrorDetails extends AsposeErrorOptions {
  status: number;
  apiCode?: string;
  apiMessage?: string;
  requestId?: string;
  method: string;
  path: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

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
export class AsposeApiError extends AsposeError {
  /** HTTP status code of the answer. */
  readonly status: number;
  /** Aspose's own error code, such as `ErrorItemNotFound`, when the body had one (redacted, at most 200 characters). */
  readonly apiCode: string | undefined;
  /** Aspose's own error message, when the body had one (redacted, at most 1000 characters). */
  readonly apiMessage: string | undefined;
  /** Aspose's request id, to quote to Aspose support (redacted, at most 200 characters). */
  readonly requestId: string | undefined;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** Path of the failed request, without its query string. */
  readonly path: string;
  /**
   * The response body as text, redacted (the client secret, the tokens and any credential-shaped
   * string, in any of the spellings listed under Security in the README) and cut after 1 MiB.
   * Not enumerable, so it does not flood logs.
   */
  declare readonly body: string;
  /** A redacted copy of the response headers (names and every value). Not enumerable, so they do not flood logs. */
  declare readonly headers: Record<string, string | string[] | undefined>;

  constructor(details: AsposeApiErrorDetails) {
    const what = [details.apiCode, details.apiMessage].filter(Boolean).join(': ');
    const rid = details.requestId ? `, request id ${details.requestId}` : '';
    super('ERR_ASPOSE_API', `Aspose API answered ${details.status} to ${details.method} ${details.path}${what ? ` (${what})` : ''}${rid}`, details);
    this.status = details.status;
    this.apiCode = details.apiCode;
    this.apiMessage = details.apiMessage;
    this.requestId = details.requestId;
    this.method = details.method;
    this.path = details.path;
    Object.defineProperty(this, 'body', { value: details.body, enumerable: false });
    Object.defineProperty(this, 'headers', { value: details.headers, enumerable: false });
  }
}

/** A request failed before an HTTP answer arrived: a timeout, a network failure, or an abort. */
export class AsposeRequestError extends AsposeError {
  /** HTTP method of the failed request. */
  readonly method: string;
  /** Path (or URL for another origin) of the failed request, without its query string. */
  readonly path: string;

  constructor(
    code: 'ERR_ASPOSE_TIMEOUT' | 'ERR_ASPOSE_NETWORK' | 'ERR_ASPOSE_ABORTED' | 'ERR_ASPOSE_API_INVALID_RESPONSE',
    message: string,
    details: AsposeErrorOptions & { method: string; path: string },
  ) {
    super(code, message, details);
    this.method = details.method;
    this.path = details.path;
  }
}
