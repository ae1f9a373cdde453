import type { ServerResponse } from 'node:http';
import {
  AsposeProxyBadHeaderError,
  AsposeProxyBadPathError,
  AsposeProxyBodyConsumedError,
  AsposeProxyBodyTooLargeError,
  AsposeProxyCsrfError,
  AsposeProxyForbiddenError,
  AsposeProxyInternalError,
  AsposeProxyTokenEndpointError,
  AsposeProxyUpstreamError,
  type AsposeError,
  type AsposeProxyError,
} from '../errors/errors.js';
import { dropFramingSetInFront, redactorFor, type SecretSource } from './header-filter.js';

/**
 * The closed set of `code` values a proxy error body carries. The upstream
 * failure codes are the core's own (`ERR_ASPOSE_TIMEOUT`, …), so a browser
 * client switches on one vocabulary whichever side failed.
 */
export type AsposeProxyErrorCode =
  /** The request target is malformed or tries to leave its path: traversal, encoded dots or slashes, backslashes, control characters, a segment that is empty or holds only `;` parameters or white space, a run of more than 30 combining marks, an absolute or protocol-relative target. 400. */
  | 'ERR_ASPOSE_PROXY_BAD_PATH'
  /**
   * A request header the proxy cannot forward faithfully: a value with a
   * character that could split or inject headers (CR, LF, NUL), a value
   * another middleware set to something no header can carry (anything but a
   * string, a number or an array of them), or a
   * `Transfer-Encoding` other than `chunked` alone (`gzip, chunked`: Node
   * undoes only the chunking, so the coded bytes would go upstream as plain
   * ones). 400, with the connection closed.
   */
  | 'ERR_ASPOSE_PROXY_BAD_HEADER'
  /** The method and path match no entry of the allow list. 403. */
  | 'ERR_ASPOSE_PROXY_FORBIDDEN'
  /** A state-changing request (any method but GET, HEAD, OPTIONS) without the CSRF header (`X-Requested-With` unless renamed). 403. */
  | 'ERR_ASPOSE_PROXY_CSRF'
  /** The caller spent its `rateLimit` points. 429, with `Retry-After` in seconds. */
  | 'ERR_ASPOSE_PROXY_RATE_LIMITED'
  /** The server's `beforeForward` hook refused the request. 403, or the 4xx the hook chose. */
  | 'ERR_ASPOSE_PROXY_REFUSED'
  /** The target is a token endpoint: never forwarded, whatever the allow list says. 403. */
  | 'ERR_ASPOSE_PROXY_TOKEN_ENDPOINT'
  /** The request body is larger than `maxBodyBytes`. 413. */
  | 'ERR_ASPOSE_PROXY_BODY_TOO_LARGE'
  /** Something read the request body before the proxy (a body parser mounted in front of it). 500. */
  | 'ERR_ASPOSE_PROXY_BODY_CONSUMED'
  /** The proxy has no client: neither `client` nor `asposeAuth()` in front of it. 500. */
  | 'ERR_ASPOSE_CONFIG'
  /**
   * An unexpected failure inside the proxy (a bug, or a request object left
   * in a state it cannot use by code in front of it), reported to `onError`
   * with the detail. 500, with the connection closed; if the answer had
   * already started, the connection is cut instead.
   */
  | 'ERR_ASPOSE_PROXY_INTERNAL'
  /** The Aspose API did not answer in time. 504. */
  | 'ERR_ASPOSE_TIMEOUT'
  /** The Aspose API could not be reached (refused, reset, DNS, TLS). 502. */
  | 'ERR_ASPOSE_NETWORK'
  /** No access token could be had from the token endpoint. 502. */
  | 'ERR_ASPOSE_AUTH_REFUSED'
  | 'ERR_ASPOSE_AUTH_UNAVAILABLE'
  | 'ERR_ASPOSE_AUTH_INVALID_RESPONSE'
  | 'ERR_ASPOSE_AUTH_RATE_LIMITED';

/** The JSON body of every answer the proxy makes itself (as opposed to the ones it passes through). */
export interface AsposeProxyErrorBody {
  error: { code: AsposeProxyErrorCode; message: string };
}

/**
 * The HTTP status of each code the proxy answers with: the one place a status
 * is chosen, so that no call site picks one (as @fastify/reply-from's
 * `lib/errors.js` binds each error to its status).
 *
 * @internal
 */
export const PROXY_ERROR_STATUS = {
  ERR_ASPOSE_PROXY_BAD_PATH: 400,
  ERR_ASPOSE_PROXY_BAD_HEADER: 400,
  ERR_ASPOSE_PROXY_FORBIDDEN: 403,
  ERR_ASPOSE_PROXY_CSRF: 403,
  ERR_ASPOSE_PROXY_RATE_LIMITED: 429,
  ERR_ASPOSE_PROXY_REFUSED: 403,
  ERR_ASPOSE_PROXY_TOKEN_ENDPOINT: 403,
  ERR_ASPOSE_PROXY_BODY_TOO_LARGE: 413,
  ERR_ASPOSE_PROXY_BODY_CONSUMED: 500,
  ERR_ASPOSE_CONFIG: 500,
  ERR_ASPOSE_PROXY_INTERNAL: 500,
  ERR_ASPOSE_TIMEOUT: 504,
  ERR_ASPOSE_NETWORK: 502,
  ERR_ASPOSE_AUTH_REFUSED: 502,
  ERR_ASPOSE_AUTH_UNAVAILABLE: 502,
  ERR_ASPOSE_AUTH_INVALID_RESPONSE: 502,
  ERR_ASPOSE_AUTH_RATE_LIMITED: 502,
} as const satisfies Record<AsposeProxyErrorCode, number>;

/** A refusal decided before anything is sent upstream (its status is its code's). @internal */
export interface ProxyRefusal {
  code: AsposeProxyErrorCode;
  message: string;
}

/** What a browser is told of an upstream failure, by the failure's code; any other is `ERR_ASPOSE_NETWORK`. */
const UPSTREAM_FAILURES: Partial<Record<AsposeError['code'], ProxyRefusal>> = {
  ERR_ASPOSE_TIMEOUT: { code: 'ERR_ASPOSE_TIMEOUT', message: 'The Aspose API did not answer in time' },
  ERR_ASPOSE_AUTH_REFUSED: { code: 'ERR_ASPOSE_AUTH_REFUSED', message: 'The server could not get an access token for the Aspose API' },
  ERR_ASPOSE_AUTH_UNAVAILABLE: { code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', message: 'The server could not get an access token for the Aspose API' },
  ERR_ASPOSE_AUTH_INVALID_RESPONSE: { code: 'ERR_ASPOSE_AUTH_INVALID_RESPONSE', message: 'The server could not get an access token for the Aspose API' },
  ERR_ASPOSE_AUTH_RATE_LIMITED: { code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', message: 'The server could not get an access token for the Aspose API' },
};
const UNREACHABLE: ProxyRefusal = { code: 'ERR_ASPOSE_NETWORK', message: 'The Aspose API could not be reached' };

/**
 * The answer to an upstream failure (made before the answer started): a
 * timeout is `ERR_ASPOSE_TIMEOUT` (504), no token the auth error's own code
 * (502), anything else `ERR_ASPOSE_NETWORK` (502). The detail goes to
 * `onError`, not to the browser.
 *
 * @internal
 */
export function upstreamFailure(error: AsposeError): ProxyRefusal {
  return UPSTREAM_FAILURES[error.code] ?? UNREACHABLE;
}

/**
 * Answers with a JSON error body, with the code's status unless `status` is
 * given (a refusal of the `beforeForward` hook chooses its own) and
 * `headers` added (`Retry-After`). Headers set on the response by
 * middleware in front of the proxy (`cors()`'s) are kept: `writeHead` merges
 * them. Returns the body's length in bytes. If the answer has already
 * started there is no honest status left to send, so the connection is cut
 * instead (and 0 is returned).
 *
 * @internal
 */
export function sendProxyError(
  res: ServerResponse,
  code: AsposeProxyErrorCode,
  message: string,
  closeConnection = false,
  status?: number,
  extraHeaders?: Readonly<Record<string, string>>,
): number {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return 0;
  }
  const body = JSON.stringify({ error: { code, message } } satisfies AsposeProxyErrorBody);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  // A request body nobody will read: close rather than drain it (it may be 100 MB).
  if (closeConnection) headers.connection = 'close';
  if (extraHeaders !== undefined) Object.assign(headers, extraHeaders);
  dropFramingSetInFront(res);
  res.writeHead(status ?? PROXY_ERROR_STATUS[code], headers);
  res.end(body);
  return headers['content-length'] as number;
}

/** The class of each refusal code, for the errors handed to the framework with `delegateErrors`. */
const REFUSAL_CLASSES = {
  ERR_ASPOSE_PROXY_BAD_PATH: AsposeProxyBadPathError,
  ERR_ASPOSE_PROXY_BAD_HEADER: AsposeProxyBadHeaderError,
  ERR_ASPOSE_PROXY_FORBIDDEN: AsposeProxyForbiddenError,
  ERR_ASPOSE_PROXY_TOKEN_ENDPOINT: AsposeProxyTokenEndpointError,
  ERR_ASPOSE_PROXY_CSRF: AsposeProxyCsrfError,
  ERR_ASPOSE_PROXY_BODY_TOO_LARGE: AsposeProxyBodyTooLargeError,
  ERR_ASPOSE_PROXY_BODY_CONSUMED: AsposeProxyBodyConsumedError,
} as const;

/** The codes of refusals the proxy decides itself, each with a fixed status and a class of its own. @internal */
export type ProxyRefusalCode = keyof typeof REFUSAL_CLASSES;

/** The typed error for a refusal the proxy answered (or, with `delegateErrors`, hands to the framework). @internal */
export function refusalError(code: ProxyRefusalCode, message: string): AsposeProxyError {
  return new REFUSAL_CLASSES[code](message);
}

/**
 * The error the framework gets, with `delegateErrors`, for an upstream
 * failure before the answer started: the core's error as `cause`, with the
 * status the proxy would have answered.
 *
 * @internal
 */
export function upstreamError(error: AsposeError): AsposeProxyUpstreamError {
  const answer = upstreamFailure(error);
  return new AsposeProxyUpstreamError(`${answer.message} (${error.code}): ${error.message}`, { status: PROXY_ERROR_STATUS[answer.code], cause: error });
}

/**
 * What a framework's error handling gets for a failure (5xx) under
 * `delegateErrors`: the same error, of the same class, with the same `code`,
 * `status` and headers, but with the public `message` the proxy's own JSON
 * would carry, the detail (what `onError` got) kept as its `cause`. A
 * framework's default handler (Fastify's renders `message`; Express's
 * renders the stack outside production) then shows the browser no more than
 * the proxy would.
 *
 * @internal
 */
export function delegatedFailure(detail: AsposeError, message: string): AsposeError {
  const status = (detail as { status?: unknown }).status;
  if (typeof status === 'number' && status < 500) return detail;
  const copy = Object.create(Object.getPrototypeOf(detail) as object) as AsposeError;
  for (const key of Reflect.ownKeys(detail)) {
    if (key === 'message' || key === 'stack' || key === 'cause') continue;
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(detail, key)!);
  }
  const hidden = (value: unknown): PropertyDescriptor => ({ value, enumerable: false, configurable: true, writable: true });
  Object.defineProperty(copy, 'message', hidden(message));
  Object.defineProperty(copy, 'stack', hidden(`${detail.name}: ${message}`));
  Object.defineProperty(copy, 'cause', hidden(detail));
  return copy;
}

/** Longest piece of a failure's message or of the target quoted in an {@link internalError}. */
const QUOTE_MAX = 500;

/**
 * What `onError` gets for an unexpected failure inside the proxy (answered
 * 500 `ERR_ASPOSE_PROXY_INTERNAL`): an {@link AsposeProxyInternalError} with
 * the same code. Its `cause` is a copy of what was thrown (name,
 * message, stack and a string `code`), never the thrown object itself,
 * whose other fields could hold anything; the copy and the message are
 * redacted with the client's secrets, and the generic rules (Bearer
 * credentials, JWTs) when there is no client to ask.
 *
 * @internal
 */
export function internalError(thrown: unknown, method: unknown, target: string, source: SecretSource | undefined): AsposeProxyInternalError {
  let secrets: readonly string[] = [];
  try {
    if (source !== undefined) secrets = source.sensitiveValues();
  } catch {
    // a broken client is reported all the same
  }
  const redactor = redactorFor(source ?? NO_SECRETS, secrets);
  const t = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown };
  const name = typeof t.name === 'string' ? redactor(t.name).slice(0, 100) : typeof thrown;
  const message = typeof t.message === 'string' ? redactor(t.message) : typeof thrown === 'string' ? redactor(thrown) : '';
  const copy = new Error(message);
  Object.defineProperty(copy, 'name', { value: name, enumerable: false, configurable: true, writable: true });
  copy.stack = typeof t.stack === 'string' ? redactor(t.stack) : `${name}: ${message}`;
  if (typeof t.code === 'string') (copy as Error & { code?: string }).code = redactor(t.code);
  const query = target.indexOf('?');
  const path = redactor(query >= 0 ? target.slice(0, query) : target).slice(0, QUOTE_MAX);
  const where = `${typeof method === 'string' ? method.slice(0, 20) : 'request'} ${path}`;
  return new AsposeProxyInternalError(
    `asposeProxy failed unexpectedly on ${where} and answered 500 ERR_ASPOSE_PROXY_INTERNAL: ${name}${message ? `: ${message.slice(0, QUOTE_MAX)}` : ''}`,
    { cause: copy },
  );
}

/** The source of no secrets, for a failure with no client to ask: the generic rules still apply. */
const NO_SECRETS: SecretSource = { sensitiveValues: () => [] };
