import { inspect } from 'node:util';

/**
 * An access token. `value` is the token string itself; everything else about
 * the object is safe to log: `util.inspect`, `JSON.stringify` and `String()`
 * show the type and expiry, never the value.
 */
export class AccessToken {
  readonly #value: string;
  /** Token type as the header wants it, normally `Bearer`. */
  readonly tokenType: string;
  /** When the token expires, in epoch milliseconds (counted from when the token request was sent). */
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

  /** Milliseconds until expiry (negative once expired). */
  expiresIn(now: number = Date.now()): number {
    return this.expiresAt - now;
  }

  toJSON(): { tokenType: string; expiresAt: string; value: string } {
    return { tokenType: this.tokenType, expiresAt: new Date(this.expiresAt).toISOString(), value: '[redacted]' };
  }

  toString(): string {
    return `[AccessToken ${this.tokenType}, expires ${new Date(this.expiresAt).toISOString()}]`;
  }

  [inspect.custom](): string {
    return `AccessToken { tokenType: '${this.tokenType}', expiresAt: ${new Date(this.expiresAt).toISOString()}, value: [redacted] }`;
  }
}
