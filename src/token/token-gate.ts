/**
 * When the next token request may be sent: `Retry-After` windows and the
 * refusal backoff of a credential pair.
 *
 * Aspose rate-limits only `POST /connect/token`, per Client Id/Secret pair:
 * past 5 refused requests (400), every request from that pair gets 429 with
 * `Retry-After: 600` for 10 minutes, and a new pair is not affected. So the
 * state that holds requests back lives per pair ({@link PairState}), keyed by
 * a hash of the pair, while a `Retry-After` on any other status (a 503, say)
 * holds back the whole service.
 *
 * @internal
 */
import { authErrorLike, AsposeAuthRateLimitedError, AsposeAuthRefusedError, type AsposeAuthError } from '../errors/errors.js';
import { safeUrl } from './token-endpoint.js';

/** The refusal backoff, resolved from `refusalBackoff`. @internal */
export interface RefusalPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  maxRequests: number;
  windowMs: number;
}

/**
 * A `Retry-After` window: no token request before `until`. Kept with the
 * answer that asked for it, so that calls held back can say why.
 *
 * @internal
 */
export interface RetryWindow {
  until: number;
  /** The `Retry-After` as asked, in ms (before the cap). */
  askedMs: number;
  /** The answer that carried it. */
  answer: AsposeAuthError;
}

/**
 * Longest `Retry-After` honoured. A server asking for more (a misconfigured
 * proxy's `Retry-After: 99999`, a date next year) still gets at most one
 * request an hour, and the service recovers without a restart.
 *
 * @internal
 */
export const MAX_RETRY_WINDOW_MS = 3_600_000;

/**
 * What one credential pair has met: its refusals, for the backoff and the
 * sliding-window limit, and its 429 lockout. Never holds the pair itself.
 *
 * @internal
 */
export class PairState {
  /** Refusals in a row, since the last token issued. */
  consecutiveRefusals = 0;
  /** When the last `maxRequests` refused requests were sent, oldest first. Kept across a success: the limit counts refusals, whatever came between. */
  readonly refusedAt: number[] = [];
  /** The last refusal, with `retryAt`: calls get it until then. Cleared by a token. */
  refusal: AsposeAuthError | undefined;
  /** A 429 `Retry-After` (Aspose's lockout of this pair). Cleared by a token. */
  lockout: RetryWindow | undefined;

  /**
   * The earliest time the sliding-window limit lets a request go: the send
   * time of the `maxRequests`-th most recent refused request, plus `windowMs`.
   *
   * Why this bounds requests: a request is sent at `t` only if `t` is at least
   * this (checked right before sending, and only one request is ever in
   * flight). So any `maxRequests + 1` refused requests span at least
   * `windowMs`, and no window of `windowMs` holds more than `maxRequests`.
   *
   * Limitation: the bound is on the wall clock (`Date.now()`), as every time
   * here is (`retryAt` is a date). A wall clock stepped forward (NTP correcting
   * a slow clock, an administrator setting the time) by `windowMs` or more
   * opens the limit early: the refusal backoff (10 s, doubling, jittered down
   * by up to half) still spaces the next requests, but up to `maxRequests`
   * more refused requests may reach the endpoint within `windowMs` of real
   * time, and Aspose may lock the pair out for its 10 minutes. (A clock set
   * back errs the safe way: the limit stays closed longer.) Counting on a
   * monotonic clock instead would fix it, at the cost of keeping two clocks
   * per record and converting between them for every `retryAt`.
   */
  limitOpensAt(policy: RefusalPolicy): number {
    const n = this.refusedAt.length;
    if (policy.windowMs === 0 || n < policy.maxRequests) return 0;
    return this.refusedAt[n - policy.maxRequests] + policy.windowMs;
  }

  /** When refusals let the next request go: the backoff, and the sliding-window limit. */
  refusalEndsAt(policy: RefusalPolicy): number {
    return Math.max(this.refusal?.retryAt ?? 0, this.limitOpensAt(policy));
  }

  /**
   * Records a refusal of a request sent at `sentAt` (or an answer whose token
   * was unusable, which would only come again) and returns the error calls
   * get until the next request is allowed: `error`, with its code, and with
   * that time in its message and `retryAt`.
   */
  recordRefusal(
    error: AsposeAuthError,
    sentAt: number,
    now: number,
    policy: RefusalPolicy,
    retryAfterMs: number | undefined,
    random: () => number = Math.random,
  ): AsposeAuthError {
    this.consecutiveRefusals++;
    this.refusedAt.push(sentAt);
    if (this.refusedAt.length > policy.maxRequests) this.refusedAt.shift();
    // Exponential per refusal in a row, capped; jittered down by up to half so that
    // processes refused together do not come back together.
    const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(this.consecutiveRefusals - 1, 40));
    const backoffEnd = now + exponential * (0.5 + random() / 2);
    const asked = retryAfterMs === undefined ? 0 : now + Math.min(retryAfterMs, MAX_RETRY_WINDOW_MS);
    const limitEnd = this.limitOpensAt(policy);
    const retryAt = Math.ceil(Math.max(backoffEnd, asked, limitEnd));
    const why =
      retryAt === limitEnd
        ? `${policy.maxRequests} refused token requests in ${formatDuration(policy.windowMs)} is the limit (Aspose locks the pair out for 10 minutes past 5)`
        : retryAt === Math.ceil(asked)
          ? `the answer's Retry-After`
          : `backoff after ${this.consecutiveRefusals} refusal${this.consecutiveRefusals === 1 ? '' : 's'} in a row`;
    const final = authErrorLike(
      error,
      `${error.message}. No token request will be sent for these credentials before ${new Date(retryAt).toISOString()} (${formatDuration(retryAt - now)} after this refusal: ${why}); until then calls fail with this error. New credentials are not held back.`,
      { retryAt },
    );
    this.refusal = final;
    return final;
  }

  /** A token was issued for this pair: the backoff and the lockout end (the limit's record stays). */
  recordSuccess(): void {
    this.consecutiveRefusals = 0;
    this.refusal = undefined;
    this.lockout = undefined;
  }
}

/**
 * Longest hold after fetches that ran out of retries on transient faults: 60 s
 * (or `retry.maxDelayMs`, if that is longer). Long enough that a fleet of
 * processes facing a failing token endpoint sends it about one fetch's worth
 * of requests (`retries + 1`) a minute each, short enough that the service
 * comes back within a minute of the endpoint.
 *
 * @internal
 */
export const MAX_OUTAGE_HOLD_MS = 60_000;

/**
 * Transient failures of the token endpoint, service-wide: after a fetch gives
 * up (`ERR_ASPOSE_AUTH_UNAVAILABLE`, its retries spent on 5xx, 429 or 408
 * answers without a long `Retry-After`, connection errors, timeouts or
 * non-JSON 200s), no token request goes until a hold has passed, and calls
 * that need a new token fail at once with that error. Without it every call
 * would cost `retries + 1` requests for as long as the endpoint fails: the
 * retry storm that gets clients' addresses blocked.
 *
 * The hold is exponential per failed fetch in a row: `retry.maxDelayMs`
 * (5 s by default), doubling, capped at {@link MAX_OUTAGE_HOLD_MS} (or
 * `retry.maxDelayMs` if longer), jittered down by up to half so processes
 * that failed together do not come back together. A token ends it.
 *
 * It is not per credential pair: what fails is the endpoint, not the
 * credentials, so new credentials are held back too.
 *
 * @internal
 */
export class OutageState {
  /** Fetches in a row that gave up on transient faults, since the last token. */
  consecutiveFailures = 0;
  /** The last such failure, with `retryAt`: calls get it until then. Cleared by a token. */
  failure: AsposeAuthError | undefined;

  /** When the hold ends (epoch ms), or 0. */
  get endsAt(): number {
    return this.failure?.retryAt ?? 0;
  }

  /**
   * Records a fetch that gave up with `error` at `now`, and returns the error
   * calls get until the hold ends: `error`, with its code and fields, and with
   * that time in its message and `retryAt`.
   */
  recordFailure(error: AsposeAuthError, now: number, baseMs: number, random: () => number = Math.random): AsposeAuthError {
    this.consecutiveFailures++;
    const cap = Math.max(MAX_OUTAGE_HOLD_MS, baseMs);
    const exponential = Math.min(cap, baseMs * 2 ** Math.min(this.consecutiveFailures - 1, 40));
    const hold = exponential * (0.5 + random() / 2);
    const retryAt = Math.ceil(now + hold);
    const n = this.consecutiveFailures;
    const final = authErrorLike(
      error,
      `${error.message}. No token request will be sent before ${new Date(retryAt).toISOString()} (${formatDuration(retryAt - now)} after this failure: backoff after ${n} failed token fetch${n === 1 ? '' : 'es'} in a row, so a failing token endpoint is not hammered); until then calls that need a new token fail with this error`,
      { retryAt },
    );
    this.failure = final;
    return final;
  }

  /** A token was issued: the hold and the count end. */
  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.failure = undefined;
  }
}

/** A {@link RetryWindow} opened now by `answer`'s `Retry-After` of `askedMs`. @internal */
export function openWindow(answer: AsposeAuthError, askedMs: number, now: number): RetryWindow {
  return { until: now + Math.min(askedMs, MAX_RETRY_WINDOW_MS), askedMs, answer };
}

/**
 * The error for a call made before `window` ends: `ERR_ASPOSE_AUTH_RATE_LIMITED`
 * with how long is left, why, and what to do. A 429 is Aspose's lockout of the
 * pair, so it names the 10-minute rule and the credentials.
 *
 * @internal
 */
export function rateLimitedError(window: RetryWindow, now: number, tokenUrl: string, attempts: number): AsposeAuthError {
  const a = window.answer;
  const left = Math.max(0, window.until - now);
  const asked = `Retry-After ${formatDuration(window.askedMs)}${window.askedMs > MAX_RETRY_WINDOW_MS ? `, honoured for ${formatDuration(MAX_RETRY_WINDOW_MS)}` : ''}`;
  const head = `Token endpoint ${safeUrl(tokenUrl)} answered ${a.status ?? 'an error'}${a.oauthError ? ` (${a.oauthError})` : ''} with ${asked}: no token request will be sent`;
  const when = `before ${new Date(window.until).toISOString()} (${formatDuration(left)} from now)`;
  const message =
    a.status === 429
      ? `${head} for these credentials ${when}. Aspose locks a Client Id/Secret pair out of the token endpoint for 10 minutes after 5 refused token requests: check the Client Id and Client Secret on the Applications page of the Aspose Cloud dashboard (https://dashboard.aspose.cloud/applications), then wait; new credentials are not held back`
      : `${head} ${when}: wait for it, the token endpoint asked clients to back off`;
  return new AsposeAuthRateLimitedError(message, {
    status: a.status,
    oauthError: a.oauthError,
    oauthErrorDescription: a.oauthErrorDescription,
    attempts,
    retryAt: window.until,
    cause: a,
  });
}

/**
 * The error for a call the sliding-window limit holds back when no refusal is
 * on record to repeat (a clock set back can do that).
 *
 * @internal
 */
export function limitError(opensAt: number, now: number, policy: RefusalPolicy): AsposeAuthError {
  return new AsposeAuthRefusedError(
    `The token endpoint refused these credentials ${policy.maxRequests} times in the last ${formatDuration(policy.windowMs)}; no token request will be sent for them before ${new Date(opensAt).toISOString()} (${formatDuration(opensAt - now)} from now), since Aspose locks the pair out for 10 minutes past 5 refusals: check the Client Id and Client Secret against the Applications page of the Aspose Cloud dashboard (https://dashboard.aspose.cloud/applications). New credentials are not held back.`,
    { attempts: 0, retryAt: opensAt },
  );
}

/** `1.5 s`, `42 s`, `9 min 58 s`, `2 h 5 min`: for messages. @internal */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${Math.round(s * 10) / 10} s`;
  if (s < 120) return `${Math.round(s)} s`;
  const whole = Math.round(s);
  if (whole < 7200) return `${Math.floor(whole / 60)} min${whole % 60 ? ` ${whole % 60} s` : ''}`;
  const min = Math.round(whole / 60);
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}
