/**
 * The one mapping of a failed dispatch to an {@link AsposeError}, used by
 * `AsposeClient.request()`, its JSON helpers and the proxy alike.
 *
 * @internal
 */
import { AsposeAbortError, AsposeArgumentError, AsposeError, AsposeNetworkError, AsposeTimeoutError } from '../errors/errors.js';
import { redactErrorData, type Redactor } from '../errors/redact.js';
import { pathOnly } from './request-target.js';

/** What a failed request was, for the error's message and fields. @internal */
export interface FailedRequest {
  method: string;
  /** The path sent (its query is left out of the error). */
  path: string;
  /** The caller's signal: an abort it caused is told apart from undici's own. */
  signal?: AbortSignal;
  /** Sent by the proxy for a browser: said so in the message, whose advice is then the proxy's `timeoutMs`. */
  proxied?: boolean;
  /** The failure came after the answer had started (the proxy was streaming it). */
  streaming?: boolean;
}

/**
 * The {@link AsposeError} for `err`: one of ours as it is; undici's by kind:
 * - `UND_ERR_INVALID_ARG` (undici refused to send: a header value with a line
 *   break, say): {@link AsposeArgumentError};
 * - a headers, body or connect timeout, or a `TimeoutError` (an
 *   `AbortSignal.timeout()` fired): {@link AsposeTimeoutError};
 * - an abort (the caller's signal, or undici's abort): {@link AsposeAbortError},
 *   unless the signal's reason is a timeout;
 * - anything else (refused, reset, DNS, TLS, a malformed answer):
 *   {@link AsposeNetworkError}.
 *
 * undici's error stays as `cause`, with the raw bytes a parser error keeps
 * (`data`, which may echo the request's `Authorization`) redacted by
 * `redactor` (asked for only when there is something to redact).
 *
 * @internal
 */
export function toAsposeError(err: unknown, request: FailedRequest, redactor: () => Redactor): AsposeError {
  if (err instanceof AsposeError) return err;
  redactErrorData(err, redactor);
  const e = (err ?? {}) as { code?: string; name?: string; message?: string };
  const { method, signal } = request;
  const path = pathOnly(request.path);
  const where = `${method} ${path}${request.proxied ? ' through the proxy' : ''}`;
  const when = request.streaming ? ' while its answer was streaming' : '';
  const details = { method, path, cause: err };
  if (e.code === 'UND_ERR_INVALID_ARG') {
    return new AsposeArgumentError(`${where} was not sent: ${e.message ?? 'invalid argument'}`, { cause: err });
  }
  const timeoutOption = request.proxied ? "the proxy's timeoutMs" : 'timeoutMs';
  if (e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' || e.code === 'UND_ERR_CONNECT_TIMEOUT' || e.name === 'TimeoutError') {
    return new AsposeTimeoutError(`${where} timed out${when} (${e.code ?? e.name}): raise ${timeoutOption} if the operation is slow`, details);
  }
  if (signal?.aborted || e.name === 'AbortError' || e.code === 'UND_ERR_ABORTED') {
    const reason = signal?.reason as { name?: string } | undefined;
    if (reason?.name === 'TimeoutError') return new AsposeTimeoutError(`${where} timed out${when} (the signal's timeout fired)`, details);
    return new AsposeAbortError(`${where} was aborted${when}`, details);
  }
  return new AsposeNetworkError(`${where} failed${when}: ${e.code ?? e.name ?? 'Error'}${e.message ? ` (${e.message})` : ''}`, details);
}
