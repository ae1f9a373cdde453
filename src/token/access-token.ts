import { inspect } from 'node:util';

/**
 * The largest time a `Date` can hold (year 275760), in epoch milliseconds.
 * `new Date(t).toISOString()` throws `RangeError: Invalid time value` beyond it.
 */
const MAX_DATE_MS = 8.64e15;

/**
 * An expiry as text that never throws: an ISO date, or `never` for a token
 * that does not expire (a static token that is not a JWT has an infinite
 * expiry) or whose expiry lies beyond what a `Date` can hold.
 */
function describeExpiry(expiresAt: number): string {
  if (expiresAt >= MAX_DATE_MS) return 'never';
  if (expiresAt > -MAX_DATE_MS) return new Date(expiresAt).toISOString();
  return 'invalid';
}

/**
 * An access token. `value` is the token string itself; everything else about
 * the object is safe to log: `util.inspect`, `JSON.stringify` and `String()`
 * show the type and expiry, never the value, and never throw, whatever the
 * expiry (an infinite or out-of-range one prints as `never`).
 */
export class AccessToken {
  readonly #value: string;
  /** Token type as the header wants it, normally `Bearer`. */
  readonly tokenType: string;
  /**
   * When the token expires, in epoch milliseconds (counted from when the token request was sent).
   * `Infinity` for a static token with no expiry of its own (not a JWT).
   */
  readonly expiresAt: number;
  /** When the token request was sent, in epoch milliseconds. */
  readonly obtainedAt: number;

  constructor(value: string, tokenType: string, expiresAt: number, obtainedAt: number) {
    this.#value = value;
    this.tokenType = tokenType;
    this.expiresAt = expiresAt;
    this.obtainedAt = obtainedAt;
  }

  /** The token string, for an `Authorization: Bearer …` header. */
  get value(): string {
    return this.#value;
  }

  /** The whole `Authorization` header value, such as `Bearer eyJ…`. */
  get authorization(): string {
    return `${this.tokenType} ${this.#value}`;
  }

  /** Milliseconds until expiry (negative once expired; `Infinity` if it never expires). */
  expiresIn(now: number = Date.now()): number {
    return this.expiresAt - now;
  }

  /** `{ tokenType, expiresAt, value: '[redacted]' }`, where `expiresAt` is an ISO date or `never`. */
  toJSON(): { tokenType: string; expiresAt: string; value: string } {
    return { tokenType: this.tokenType, expiresAt: describeExpiry(this.expiresAt), value: '[redacted]' };
  }

  /** `[AccessToken Bearer, expires 2026-01-01T00:00:00.000Z]`, or `expires never`. */
  toString(): string {
    return `[AccessToken ${this.tokenType}, expires ${describeExpiry(this.expiresAt)}]`;
  }

  [inspect.custom](): string {
    return `AccessToken { tokenType: ${inspect(this.tokenType)}, expiresAt: ${describeExpiry(this.expiresAt)}, value: [redacted] }`;
  }
}
