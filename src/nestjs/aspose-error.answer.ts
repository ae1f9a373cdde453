import { STATUS_CODES } from 'node:http';
import {
  AsposeAbortError,
  AsposeApiError,
  AsposeApiInvalidResponseError,
  AsposeAuthError,
  AsposeNetworkError,
  AsposeProxyError,
  AsposeTimeoutError,
  type AsposeError,
  type AsposeErrorCode,
} from '../errors/errors.js';

/**
 * The JSON body {@link AsposeExceptionFilter} answers with: Nest's own
 * `{ statusCode, error, message }` shape, plus this library's `code` and, for
 * an Aspose 4xx passed on, Aspose's own code and request id.
 */
export interface AsposeErrorResponseBody {
  /** The HTTP status of the answer. */
  statusCode: number;
  /** The status's reason phrase, such as `Bad Gateway`. */
  error: string;
  /** What went wrong, for the caller; never a secret, a token or Aspose's own message (which names storage internals). */
  message: string;
  /** The library's error code (`ERR_ASPOSE_API`, `ERR_ASPOSE_TIMEOUT`…): switch on it. */
  code: AsposeErrorCode;
  /** Aspose's own error code, such as `ErrorItemNotFound`, on an Aspose 4xx passed on. */
  asposeCode?: string;
  /** Aspose's request id, to quote to Aspose support, on an Aspose 4xx passed on. */
  asposeRequestId?: string;
}

/** How an {@link AsposeError} is answered: the status, the body and, when known, when to come back. */
export interface AsposeErrorAnswer {
  /** The HTTP status to answer with. */
  status: number;
  /** The JSON body. */
  body: AsposeErrorResponseBody;
  /** Seconds for a `Retry-After` header, when it is known when a retry can succeed. */
  retryAfterSeconds?: number;
}

/**
 * Statuses from Aspose that speak of this server's own standing with Aspose
 * (its credentials, its plan, its proxy), never of the caller's request:
 * every call carries the server's token. Passed on, a 401 would tell the
 * caller that its own session failed.
 */
const ABOUT_OUR_CREDENTIALS: ReadonlySet<number> = new Set([401, 403, 407]);

/** The longest `Retry-After` passed on: Aspose's lockout is 10 minutes, and the token layer honours one for at most an hour. */
const MAX_RETRY_AFTER_S = 3600;

/**
 * How {@link AsposeExceptionFilter} answers an {@link AsposeError}: the one
 * place a status is chosen (the table is in docs/nestjs.md, "Errors").
 *
 * | error | status |
 * |---|---|
 * | `AsposeApiError` 4xx from Aspose | the same status, with `asposeCode` and `asposeRequestId` (and Aspose's `Retry-After` on a 429) |
 * | `AsposeApiError` 401, 403, 407 (about this server's credentials) | 502 |
 * | `AsposeApiError` 5xx, 3xx; `AsposeApiInvalidResponseError` | 502 (Aspose's `Retry-After` kept) |
 * | `AsposeAuthRefusedError`, `AsposeAuthInvalidResponseError` | 502 (`Retry-After` from `retryAt`) |
 * | `AsposeAuthUnavailableError`, `AsposeAuthRateLimitedError` | 503 (`Retry-After` from `retryAt`) |
 * | `AsposeNetworkError` | 502 |
 * | `AsposeTimeoutError` | 504 |
 * | `AsposeAbortError` (the call was cancelled, or the app is shutting down) | 503 |
 * | `AsposeProxyError` (the proxy under `delegateErrors`) | its own `status`: a refusal (4xx) with its message and `Retry-After` (a 429), a failure (5xx) with a generic message |
 * | anything else (`AsposeConfigError`, `AsposeArgumentError`…: a fault in this server) | 500 |
 *
 * Only an Aspose 4xx says anything of Aspose's answer, and then only its code
 * and request id: Aspose's messages can name storage buckets and paths.
 *
 * @param now the clock `Retry-After` is counted from (epoch ms); for tests.
 */
export function asposeErrorAnswer(error: AsposeError, now: number = Date.now()): AsposeErrorAnswer {
  if (error instanceof AsposeApiError) {
    const status = error.status;
    const retryAfterSeconds = upstreamRetryAfter(error.headers['retry-after'], now);
    if (status >= 400 && status < 500 && !ABOUT_OUR_CREDENTIALS.has(status)) {
      const answer = make(status, error.code, `The Aspose API answered ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd(), retryAfterSeconds);
      if (error.apiCode !== undefined) answer.body.asposeCode = error.apiCode;
      if (error.requestId !== undefined) answer.body.asposeRequestId = error.requestId;
      return answer;
    }
    if (ABOUT_OUR_CREDENTIALS.has(status)) return make(502, error.code, "The Aspose API refused this server's credentials");
    return make(502, error.code, 'The Aspose API failed to answer the request', status >= 500 ? retryAfterSeconds : undefined);
  }
  if (error instanceof AsposeApiInvalidResponseError) return make(502, error.code, 'The Aspose API answered with something other than what was asked for');
  if (error instanceof AsposeAuthError) {
    const retryAfterSeconds = error.retryAt === undefined ? undefined : secondsUntil(error.retryAt, now);
    const transient = error.code === 'ERR_ASPOSE_AUTH_UNAVAILABLE' || error.code === 'ERR_ASPOSE_AUTH_RATE_LIMITED';
    return make(transient ? 503 : 502, error.code, 'The server could not get an access token for the Aspose API', retryAfterSeconds);
  }
  if (error instanceof AsposeTimeoutError) return make(504, error.code, 'The Aspose API did not answer in time');
  if (error instanceof AsposeNetworkError) return make(502, error.code, 'The Aspose API could not be reached');
  if (error instanceof AsposeAbortError) return make(503, error.code, 'The call to the Aspose API was cancelled');
  if (error instanceof AsposeProxyError) {
    const retry = Number(error.headers?.['retry-after']);
    const status = error.status;
    // A refusal's message is meant for the caller (what to send instead); a failure's detail is for the logs.
    const message = error.expose ? error.message : `The Aspose proxy failed: ${STATUS_CODES[status] ?? 'Error'}`;
    return make(status, error.code, message, Number.isInteger(retry) && retry > 0 ? Math.min(retry, MAX_RETRY_AFTER_S) : undefined);
  }
  return make(500, error.code, 'Internal server error');
}

function make(status: number, code: AsposeErrorCode, message: string, retryAfterSeconds?: number): AsposeErrorAnswer {
  const answer: AsposeErrorAnswer = { status, body: { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, code } };
  if (retryAfterSeconds !== undefined) answer.retryAfterSeconds = retryAfterSeconds;
  return answer;
}

/** Whole seconds from `now` to `at`, at least 1 (a `Retry-After: 0` invites a retry that would fail), at most an hour. */
function secondsUntil(at: number, now: number): number | undefined {
  if (!Number.isFinite(at)) return undefined;
  return Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil((at - now) / 1000)));
}

/** An HTTP date as RFC 9110 §5.6.7 wants it sent (IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Aspose's own `Retry-After`, as seconds: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3); anything else is dropped, never passed on as text
 * (`Date.parse` alone would take `-5` for a year).
 */
function upstreamRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.length > 64) return undefined;
  const trimmed = text.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Math.min(MAX_RETRY_AFTER_S, Math.max(1, Number(trimmed)));
  if (!IMF_FIXDATE.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : secondsUntil(date, now);
}
