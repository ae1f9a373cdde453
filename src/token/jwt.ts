/**
 * The few JWT claims used to time a token when the token endpoint leaves out
 * `expires_in`. The signature is not checked: the token is the server's to
 * verify, and we only read its timing.
 *
 * @internal
 */
export interface JwtTiming {
  exp?: number;
  iat?: number;
  nbf?: number;
}

/** Reads `exp`, `iat` and `nbf` from a JWT's payload, or returns undefined if it is not a JWT. @internal */
export function readJwtTiming(token: string): JwtTiming | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (payload === null || typeof payload !== 'object') return undefined;
    const p = payload as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    return { exp: num(p.exp), iat: num(p.iat), nbf: num(p.nbf) };
  } catch {
    return undefined;
  }
}

/**
 * How far this machine's clock may be ahead of the token endpoint's before a
 * JWT's own lifetime (`exp − iat`) is cut short: 5 minutes, the common JWT
 * leeway (Kerberos' default skew too). See {@link jwtLifetimeMs}.
 *
 * @internal
 */
export const JWT_CLOCK_SKEW_TOLERANCE_MS = 300_000;

/**
 * Lifetime in ms from a JWT's claims, counted from `sentAt` (when the token
 * request was sent), or undefined without an `exp`.
 *
 * - With `iat` (or else `nbf`) no later than `exp`: `exp − iat`, which does not
 *   depend on this machine's clock, but never more than `exp` is ahead of
 *   `sentAt` by this machine's clock plus {@link JWT_CLOCK_SKEW_TOLERANCE_MS}.
 *   A clock up to 5 minutes fast, or any amount slow, costs nothing; a token
 *   that expired more than 5 minutes ago by this clock (handed back by a
 *   cache, say) comes out at 0 or less, "already expired", instead of being
 *   believed for another `exp − iat`; and a token with an old `iat` and an
 *   `exp` a minute away is not kept for the `exp − iat` of years.
 * - Without either: `exp` minus `sentAt`, with no tolerance (there is nothing
 *   else to go by, and an `exp` already past must not be believed).
 *
 * A result of 0 or less means the token had expired; the caller refuses it.
 *
 * @internal
 */
export function jwtLifetimeMs(token: string, sentAt: number): number | undefined {
  const t = readJwtTiming(token);
  if (t?.exp === undefined) return undefined;
  const start = t.iat ?? t.nbf;
  const byClock = t.exp * 1000 - sentAt;
  return start !== undefined && start <= t.exp ? Math.min((t.exp - start) * 1000, byClock + JWT_CLOCK_SKEW_TOLERANCE_MS) : byClock;
}
