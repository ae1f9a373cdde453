import type { IncomingMessage } from 'node:http';
// The package's index (every store it has) rather than its lib/RateLimiterMemory.js, which is no public entry point:
// about 15 ms more at start-up, once, against undici's 170, and nothing per request.
import { RateLimiterMemory, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';
import type { ConfigIssue } from '../errors/errors.js';

/**
 * The proxy's per-user limit: `points` calls per `duration` seconds for each
 * key that `key` gives, counted by rate-limiter-flexible.
 */
export interface AsposeProxyRateLimit {
  /**
   * Who the request counts against: usually your user's id, from your session
   * (`(req) => req.user?.id`). May be async. `undefined` means "do not limit
   * this request" (a trusted caller); to pool callers without an identity,
   * return a constant such as `'anonymous'`. A key function that throws (or
   * rejects) fails the request with 500 `ERR_ASPOSE_PROXY_INTERNAL`, reported
   * to `onError`.
   */
  key: (req: IncomingMessage) => string | undefined | Promise<string | undefined>;
  /** Calls allowed per key in each `duration` (a whole number ≥ 1). Required unless `store` is given (then the store's own count applies). */
  points?: number;
  /** The window, in whole seconds (≥ 1). Required unless `store` is given. */
  duration?: number;
  /**
   * A limiter of rate-limiter-flexible to count in, such as a
   * `RateLimiterRedis` shared by a fleet (`new RateLimiterRedis({ storeClient,
   * points: 100, duration: 60, keyPrefix: 'aspose-proxy' })`): its own
   * `points` and `duration` apply. Default: a `RateLimiterMemory` of
   * `points` and `duration`, counting in this process only. A store that
   * fails (Redis down) fails the request with 500 `ERR_ASPOSE_PROXY_INTERNAL`
   * rather than let it through uncounted; give the store an
   * `insuranceLimiter` to keep serving from memory instead.
   */
  store?: RateLimiterAbstract;
}

/** The limit, compiled once: consume one point for a key. @internal */
export interface RateLimit {
  key: AsposeProxyRateLimit['key'];
  /**
   * Resolves with `undefined` when the point was consumed, or the seconds to
   * wait (≥ 1, rounded up) when the key has none left. Rejects when the store
   * failed.
   */
  consume(key: string): Promise<number | undefined>;
}

const positiveWhole = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/** True for what a rate-limiter-flexible limiter rejects with when the key has no points left (not an Error: a `RateLimiterRes`). */
function isLimited(reason: unknown): reason is RateLimiterRes {
  return typeof reason === 'object' && reason !== null && !(reason instanceof Error) && typeof (reason as RateLimiterRes).msBeforeNext === 'number';
}

/**
 * Validates `rateLimit` (pushing each problem to `issues`, naming
 * `rateLimit.<field>`) and compiles it, or returns `undefined`.
 *
 * @internal
 */
export function compileRateLimit(option: unknown, issues: ConfigIssue[]): RateLimit | undefined {
  if (option === undefined) return undefined;
  if (option === null || typeof option !== 'object') {
    issues.push({ option: 'rateLimit', problem: 'must be an object such as { key: (req) => req.user.id, points: 100, duration: 60 }' });
    return undefined;
  }
  const { key, points, duration, store } = option as Record<string, unknown>;
  const before = issues.length;
  if (typeof key !== 'function')
    issues.push({ option: 'rateLimit.key', problem: 'must be a function of the request returning the caller’s key (such as its user id)' });
  if (store !== undefined) {
    if (store === null || typeof store !== 'object' || typeof (store as { consume?: unknown }).consume !== 'function') {
      issues.push({ option: 'rateLimit.store', problem: 'must be a rate-limiter-flexible limiter (RateLimiterRedis, RateLimiterMemory, …)' });
    }
    if (points !== undefined) issues.push({ option: 'rateLimit.points', problem: 'must be left out with store: the store’s own points apply' });
    if (duration !== undefined) issues.push({ option: 'rateLimit.duration', problem: 'must be left out with store: the store’s own duration applies' });
  } else {
    if (!positiveWhole(points)) issues.push({ option: 'rateLimit.points', problem: 'must be a whole number of calls ≥ 1' });
    if (!positiveWhole(duration)) issues.push({ option: 'rateLimit.duration', problem: 'must be a whole number of seconds ≥ 1' });
  }
  if (issues.length > before) return undefined;
  const limiter = (store as RateLimiterAbstract | undefined) ?? new RateLimiterMemory({ points: points as number, duration: duration as number });
  return {
    key: key as AsposeProxyRateLimit['key'],
    consume: (k) =>
      limiter.consume(k, 1).then(
        () => undefined,
        (reason: unknown) => {
          if (isLimited(reason)) return Math.max(1, Math.ceil(reason.msBeforeNext / 1000));
          throw reason;
        },
      ),
  };
}
