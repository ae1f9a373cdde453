/**
 * The library's `node:diagnostics_channel` channels: public, stable names an
 * APM, a metrics exporter or a test can subscribe to without any option. They
 * carry no client secret and no token, in any form.
 *
 * Nothing is published, and no message is built, while a channel has no
 * subscriber: every publisher checks `hasSubscribers` first. The per-request
 * path publishes nothing; only token requests, 401 replays (rare) and the
 * proxy do.
 *
 * See docs/observability.md for the message shapes and the OpenTelemetry
 * wiring built on them (`aspose-cloud-auth/otel`).
 */
import { channel, tracingChannel, type Channel, type TracingChannel } from 'node:diagnostics_channel';
import type { AsposeAuthError, AsposeAuthErrorCode } from '../errors/errors.js';
import type { TokenService } from '../token/token-service.js';

/**
 * The channel names, stable across releases: subscribe with
 * `diagnostics_channel.subscribe(ASPOSE_CHANNELS.tokenRefresh, fn)`, or
 * `diagnostics_channel.tracingChannel(ASPOSE_CHANNELS.token)` for the token
 * request's tracing channel (its events are `tracing:aspose-cloud-auth:token:start`,
 * `…:end`, `…:asyncStart`, `…:asyncEnd` and `…:error`).
 */
export const ASPOSE_CHANNELS = {
  /** Tracing channel around each token HTTP request; context {@link AsposeTokenRequestMessage}. */
  token: 'aspose-cloud-auth:token',
  /** A new token was taken into use; {@link AsposeTokenRefreshMessage}. */
  tokenRefresh: 'aspose-cloud-auth:token:refresh',
  /** A token was dropped after a 401; {@link AsposeTokenInvalidateMessage}. */
  tokenInvalidate: 'aspose-cloud-auth:token:invalidate',
  /** Token requests held back, and sent again; {@link AsposeTokenLockoutMessage}. */
  tokenLockout: 'aspose-cloud-auth:token:lockout',
  /** A request replayed with a fresh token after a 401; {@link AsposeRequestReplayMessage}. */
  requestReplay: 'aspose-cloud-auth:request:replay',
  /** Each decision of the backend-for-frontend proxy; {@link AsposeProxyEvent}. */
  proxy: 'aspose-cloud-auth:proxy',
} as const;

/**
 * How one token request ended, a closed set:
 *
 * - `ok`: a usable token;
 * - `refused`: the endpoint refused the client (a 4xx but 408, 425 and 429, or a
 *   redirect): `ERR_ASPOSE_AUTH_REFUSED`;
 * - `invalid`: a 2xx whose token is unusable (none, not Bearer, malformed,
 *   expired on arrival): `ERR_ASPOSE_AUTH_INVALID_RESPONSE`;
 * - `unavailable`: an answer that says "later" (5xx, 408, 425, 429), a 2xx body
 *   that is not JSON, or one too large to be a token answer: `ERR_ASPOSE_AUTH_UNAVAILABLE`;
 * - `network`: no answer: the connection failed or broke;
 * - `timeout`: no answer within `tokenTimeoutMs`;
 * - `aborted`: the token service was closed while the request was under way.
 */
export type AsposeTokenOutcome = 'ok' | 'refused' | 'invalid' | 'unavailable' | 'network' | 'timeout' | 'aborted';

/**
 * The context object of the `aspose-cloud-auth:token` tracing channel: one per
 * token HTTP request (each retry is its own). The same object travels through
 * `start`, `end`, `error` (on any outcome but `ok`), `asyncStart` and
 * `asyncEnd`; the outcome fields are set before `error`/`asyncStart`.
 *
 * The request is dispatched inside `start`'s `runStores`, so a store bound
 * with `tracingChannel(ASPOSE_CHANNELS.token).start.bindStore(als, …)` is the
 * active context when undici publishes `undici:request:create` for it: a span
 * made there is the parent of undici's HTTP span.
 */
export interface AsposeTokenRequestMessage {
  /** The token endpoint: origin and path only, never a query or userinfo. */
  tokenUrl: string;
  /** 1 for the first request of a fetch, 2 for its first retry, and so on. */
  attempt: number;
  /** How it ended; set once it has. */
  outcome?: AsposeTokenOutcome;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** The OAuth `error` code of a refusal or an error answer (`invalid_client`…), redacted and cut to 100 characters. */
  oauthError?: string;
  /** Milliseconds from sending the request to its outcome. */
  durationMs?: number;
  /** The error of a failed request (never holds a secret or token); set on every outcome but `ok`. */
  error?: AsposeAuthError;
}

/**
 * Why a new token was fetched:
 * - `first`: the service's first token;
 * - `expiring`: the cached one was in its refresh window, or past it;
 * - `after-401`: the API answered 401 and the token was dropped ({@link TokenService.invalidate});
 * - `forced`: `getToken({ forceRefresh: true })`.
 */
export type AsposeTokenRefreshReason = 'first' | 'expiring' | 'after-401' | 'forced';

/** Published on `aspose-cloud-auth:token:refresh` each time a new token is taken into use. */
export interface AsposeTokenRefreshMessage {
  /** The token service: `status` says how long its token lasts. Hold it weakly (a `WeakRef`): it is the app's. */
  service: TokenService;
  /** The token endpoint, origin and path. */
  tokenUrl: string;
  /** Why the token was fetched. */
  reason: AsposeTokenRefreshReason;
  /** When the new token expires, in epoch ms. */
  expiresAt: number;
}

/** Published on `aspose-cloud-auth:token:invalidate` when {@link TokenService.invalidate} drops the current token (after a 401). */
export interface AsposeTokenInvalidateMessage {
  /** The token service. Hold it weakly. */
  service: TokenService;
  /** The token endpoint, origin and path. */
  tokenUrl: string;
}

/**
 * Published on `aspose-cloud-auth:token:lockout`.
 *
 * `start`: token requests are held back until `until`, and calls that need a
 * new token fail at once with the error whose `code` this carries: the
 * refusal backoff after a refusal (`ERR_ASPOSE_AUTH_REFUSED`) or an unusable
 * token (`ERR_ASPOSE_AUTH_INVALID_RESPONSE`), a `Retry-After` longer than
 * `retry.maxRetryAfterMs`, such as Aspose's 10-minute lockout of a credential
 * pair (`ERR_ASPOSE_AUTH_RATE_LIMITED`), or the hold after a failing endpoint
 * (`ERR_ASPOSE_AUTH_UNAVAILABLE`).
 *
 * `end`: the service sends a token request again. No timer is kept for a
 * hold, so `end` comes with the next token request after `until` (or at once,
 * for new credentials, which are never held back), not at `until` itself.
 */
export interface AsposeTokenLockoutMessage {
  /** The token service. Hold it weakly. */
  service: TokenService;
  /** The token endpoint, origin and path. */
  tokenUrl: string;
  /** Whether the hold starts or is over. */
  phase: 'start' | 'end';
  /** Until when (epoch ms) token requests are (were) held back. */
  until: number;
  /** The code of the error calls get meanwhile. */
  code: AsposeAuthErrorCode;
  /** The HTTP status of the answer that started the hold, if one did. */
  status?: number;
}

/**
 * Published on `aspose-cloud-auth:request:replay` right before a request that
 * met a 401 is sent again with a fresh token, inside the channel's
 * `runStores`: a store bound to the channel is active when undici creates the
 * resent request (unless a connection limit makes it wait for a connection).
 */
export interface AsposeRequestReplayMessage {
  /** The request's method. */
  method: string;
  /** The API origin. */
  origin: string;
  /** The request's path, without its query. */
  path: string;
  /** How many times this request has been resent: always 1 (a request is replayed at most once). */
  resendCount: 1;
}

/**
 * What `asposeProxy` reports about each request it handled: to its
 * `onForward` hook and on the diagnostics channel
 * `aspose-cloud-auth:proxy` (`ASPOSE_CHANNELS.proxy`), for audit logs and
 * per-user accounting. Never holds a token, a secret, a header or a query
 * string.
 */
export interface AsposeProxyEvent {
  /**
   * - `forwarded`: the request went upstream and the Aspose API's answer was
   *   passed on in full (whatever its status);
   * - `refused`: the proxy answered it itself without forwarding it (a 4xx,
   *   204 to a CORS preflight, or the placeholder token to an official SDK
   *   under `sdkTokenEndpoint`);
   * - `failed`: the proxy answered 5xx itself, or the exchange broke off
   *   (an upstream failure cut a started answer, or the caller went away).
   */
  outcome: 'forwarded' | 'refused' | 'failed';
  /** The request method, upper-case. */
  method: string;
  /** The target path (after the proxy's prefix), without the query string. */
  path: string;
  /** The caller's key, from `rateLimit.key`, when it was computed (refusals before the limit is checked have none). */
  userKey?: string;
  /** The status the caller got: the API's, the proxy's own, or 499 when the caller went away before any answer. */
  status: number;
  /** The proxy's error code (the `code` of its JSON answer), or the failure's code, when there was one. */
  code?: string;
  /** Request body bytes forwarded upstream (0 when none was). */
  requestBytes: number;
  /** Response body bytes written to the caller (the proxy's own JSON answer included). */
  responseBytes: number;
  /** From the proxy receiving the request to the answer's end, in ms. */
  durationMs: number;
}

/** The token requests' tracing channel, for the publishers. @internal */
export const tokenChannel: TracingChannel<unknown, AsposeTokenRequestMessage> = tracingChannel<unknown, AsposeTokenRequestMessage>(ASPOSE_CHANNELS.token);
/** The refresh channel, for the publishers. @internal */
export const tokenRefreshChannel: Channel<unknown, AsposeTokenRefreshMessage> = channel(ASPOSE_CHANNELS.tokenRefresh) as Channel<
  unknown,
  AsposeTokenRefreshMessage
>;
/** The invalidation channel, for the publishers. @internal */
export const tokenInvalidateChannel: Channel<unknown, AsposeTokenInvalidateMessage> = channel(ASPOSE_CHANNELS.tokenInvalidate) as Channel<
  unknown,
  AsposeTokenInvalidateMessage
>;
/** The lockout channel, for the publishers. @internal */
export const tokenLockoutChannel: Channel<unknown, AsposeTokenLockoutMessage> = channel(ASPOSE_CHANNELS.tokenLockout) as Channel<
  unknown,
  AsposeTokenLockoutMessage
>;
/** The replay channel, for the publishers. @internal */
export const requestReplayChannel: Channel<unknown, AsposeRequestReplayMessage> = channel(ASPOSE_CHANNELS.requestReplay) as Channel<
  unknown,
  AsposeRequestReplayMessage
>;
