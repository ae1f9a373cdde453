import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** Who a token is issued to, and for how long. @internal */
export interface StandInTokenGrant {
  /** The `iss` claim: the stand-in's base URL. */
  issuer: string;
  /** The `client_id` claim. */
  clientId: string;
  /** Seconds until it expires. */
  lifetimeSec: number;
}

/**
 * The stand-in's JWTs: signed with HS256 under a key made per stand-in, shaped
 * like Aspose's (IdentityServer's) tokens, and revocable one by one or all at
 * once.
 *
 * @internal
 */
export class StandInJwt {
  readonly #key = randomBytes(32);
  readonly #revoked = new Set<string>();
  /** Tokens with a serial below this were revoked by `revoke()`. A counter, not a clock: a token issued in the same millisecond as the revocation must still be valid. */
  #revokedBelow = 0;
  #serial = 0;

  /** Signs a new token. */
  issue({ issuer, clientId, lifetimeSec }: StandInTokenGrant): string {
    const now = Date.now();
    const sec = Math.floor(now / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(
      JSON.stringify({
        nbf: sec,
        iat: sec,
        iat_ms: now,
        exp_ms: now + lifetimeSec * 1000,
        exp: sec + lifetimeSec, // like IdentityServer: whole seconds from iat
        iss: issuer,
        aud: [`${issuer}/resources`, 'api.platform', 'api.products'],
        client_id: clientId,
        scope: ['api.platform', 'api.products'],
        jti: randomUUID(),
        serial: this.#serial++,
      }),
    );
    const sig = createHmac('sha256', this.#key).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${sig}`;
  }

  /** True if `token` was signed here, is unexpired and not revoked. */
  verify(token: string): boolean {
    const [h, p, s] = token.split('.');
    if (!h || !p || !s) return false;
    const expected = createHmac('sha256', this.#key).update(`${h}.${p}`).digest();
    const got = Buffer.from(s, 'base64url');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return false;
    if (this.#revoked.has(token)) return false;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { exp_ms: number; serial: number };
    return claims.exp_ms > Date.now() && claims.serial >= this.#revokedBelow;
  }

  /** Revokes one token, or every token issued so far. */
  revoke(token?: string): void {
    if (token) this.#revoked.add(token);
    else this.#revokedBelow = this.#serial;
  }
}

function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}
