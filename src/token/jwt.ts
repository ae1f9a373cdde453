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
 * Lifetime in ms from a JWT's claims. Uses `exp − (iat ?? nbf)` where it can, which does not
 * depend on this machine's clock being right; falls back to `exp − now`.
 *
 * @internal
 */
export function jwtLifetimeMs(token: string, sentAt: number): number | undefined {
  const t = readJwtTiming(token);
  if (t?.exp === undefined) return undefined;
  const start = t.iat ?? t.nbf;
  return start !== undefined && start <= t.exp ? (t.exp - start) * 1000 : t.exp * 1000 - sentAt;
}
