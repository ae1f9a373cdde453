import { createHash } from 'node:crypto';

/**
 * The stand-in's model of Aspose's documented token-endpoint rate limit
 * ("Rate Limits" page): counted per credential pair (`client_id` +
 * `client_secret`), each 400 answer to a token request is a failure; past
 * `maxFailures` of them, every token request from that pair gets **429 with
 * `Retry-After`** (the seconds left) for `lockoutSec`, valid or not. Another
 * pair is not affected.
 *
 * The model's own choices, where the page says nothing: the lockout starts
 * with the first request past the limit (the 6th failed one by default, which
 * gets `Retry-After: 600`); a token issued to the pair, or the end of its
 * lockout, sets its count back to 0; a 400 played by {@link AsposeStandIn.failToken}
 * counts like a real one (so "brand-new credentials answer `invalid_client` for a
 * while" can be played); a locked-out request does not use up a queued fault.
 * Time is `Date.now()`, so a test can move it with `jest.spyOn(Date, 'now')`.
 */
export interface AsposeStandInRateLimit {
  /** 400 answers a pair may get before it is locked out. Default 5. */
  maxFailures?: number;
  /** How long a lockout lasts, in seconds (fractions allowed, for fast tests; `Retry-After` is rounded up). Default 600. */
  lockoutSec?: number;
}

/** What the rate-limit model holds for one credential pair. */
export interface StandInPairState {
  /** 400 answers since the pair's last token or lockout. */
  failures: number;
  /** When its lockout ends, as epoch ms; 0 when it is not locked out. */
  lockedUntil: number;
}

/** The rate limit's key for a pair: a hash, so the model never holds a secret as it is. @internal */
export function pairKey(clientId: string, clientSecret: string): string {
  return createHash('sha256').update(clientId).update('\0').update(clientSecret).digest('hex');
}

/**
 * The rate limit's state: failure counts and lockouts per credential pair
 * (keyed by {@link pairKey}). It decides and remembers; the stand-in counts
 * what it decided in its public counters.
 *
 * @internal
 */
export class StandInRateLimitModel {
  readonly maxFailures: number;
  readonly lockoutSec: number;
  readonly #pairs = new Map<string, StandInPairState>();

  constructor(options: AsposeStandInRateLimit = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.lockoutSec = options.lockoutSec ?? 600;
  }

  /**
   * The 429 for a locked-out pair, or undefined if it may be served. Starts
   * the lockout when the pair is past its failures (`started` then).
   */
  check(key: string): { retryAfterSec: number; started: boolean } | undefined {
    const state = this.#pairs.get(key);
    if (!state) return undefined;
    const now = Date.now();
    if (state.lockedUntil !== 0 && now >= state.lockedUntil) {
      // The lockout is over: the pair starts again from nothing.
      this.#pairs.delete(key);
      return undefined;
    }
    let started = false;
    if (state.lockedUntil === 0) {
      if (state.failures < this.maxFailures) return undefined;
      state.lockedUntil = now + this.lockoutSec * 1000;
      started = true;
    }
    return { retryAfterSec: Math.max(1, Math.ceil((state.lockedUntil - now) / 1000)), started };
  }

  /** Counts the answer to a token request from a pair: a 400 is a failure, a 2xx (a token, or a played 2xx) clears the count. */
  countAnswer(key: string, status: number): void {
    if (status === 400) {
      const state = this.#pairs.get(key) ?? { failures: 0, lockedUntil: 0 };
      state.failures++;
      this.#pairs.set(key, state);
    } else if (status >= 200 && status < 300) {
      this.#pairs.delete(key);
    }
  }

  /** A copy of a pair's state; a lockout that has run out leaves nothing behind (the next request clears it too). */
  state(key: string): StandInPairState {
    const state = this.#pairs.get(key);
    if (!state || (state.lockedUntil !== 0 && Date.now() >= state.lockedUntil)) return { failures: 0, lockedUntil: 0 };
    return { ...state };
  }

  /** Locks a pair out now, as if it had failed too often. */
  lockOut(key: string): void {
    this.#pairs.set(key, { failures: this.maxFailures, lockedUntil: Date.now() + this.lockoutSec * 1000 });
  }

  /** Forgets every pair's failures and lockouts. */
  clear(): void {
    this.#pairs.clear();
  }
}
