import type { Dispatcher } from 'undici';
import { AsposeAuthInvalidResponseError, AsposeAuthRefusedError, AsposeAuthUnavailableError, type AsposeAuthError } from '../errors/errors.js';
import { createRedactor, type Redactor } from '../errors/redact.js';
import { jwtLifetimeMs } from './jwt.js';
import { AccessToken } from './access-token.js';
import { sendTokenRequest, TokenTransportError } from './token-transport.js';
import type { AsposeTokenOutcome } from '../diagnostics/channels.js';

/** What one token request needs. @internal */
export interface TokenRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string | undefined;
  timeoutMs: number;
  /** Where the request is dispatched: any dispatcher with undici's `dispatch` contract (undici 7 or 8). */
  dispatcher: Pick<Dispatcher, 'dispatch'>;
  /** Aborted when the owning TokenService closes. */
  signal: AbortSignal;
  /** Lifetime to assume when neither `expires_in` nor a JWT `exp` says. */
  fallbackLifetimeMs: number;
}

/** The outcome of one token request, classified for the retry loop. @internal */
export type TokenAttempt =
  | { ok: true; token: AccessToken; status: number }
  | { ok: false; error: AsposeAuthError; transient: boolean; retryAfterMs?: number; outcome: Exclude<AsposeTokenOutcome, 'ok'> };

const REFUSAL_HINTS: Record<string, string> = {
  invalid_client:
    'check the Client Id and Client Secret against the Applications page of the Aspose Cloud dashboard (https://dashboard.aspose.cloud/applications); brand-new credentials can take a few minutes to start working',
  unauthorized_client: 'this client may not use the client_credentials grant: check the application in the Aspose Cloud dashboard',
  invalid_grant: 'check that tokenUrl is a client_credentials token endpoint (see AsposePresets)',
  unsupported_grant_type: 'check that tokenUrl is a client_credentials token endpoint (see AsposePresets)',
  invalid_scope: 'remove or correct the scope option',
  invalid_request: 'check that tokenUrl is a client_credentials token endpoint (see AsposePresets)',
  // RFC 6750: a protected API route answered, not a token endpoint.
  invalid_token: 'tokenUrl answered like an API route, not a token endpoint: check tokenUrl (see AsposePresets)',
};

/**
 * Longest `access_token` accepted, in characters: 16 KiB. Aspose's JWTs are
 * about 1 KB; a longer "token" is an error page or worse, and it would be sent
 * in a header on every API call (servers commonly cap a header line at 8-16 KiB).
 */
export const MAX_ACCESS_TOKEN_LENGTH = 16 * 1024;

/**
 * Longest token lifetime believed: 30 days. A longer `expires_in` or JWT
 * `exp` (some servers send 1e13, or a number JSON reads as Infinity, to mean
 * "never") is cut to this, so every expiry is a date a `Date` can hold; the
 * only cost is one early token request a month. Aspose tokens live a day.
 */
export const MAX_TOKEN_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * A token with no more than this fraction of its lifetime left when its answer arrives is refused:
 * TokenService stops handing a token out within a margin of up to 5% of its lifetime before expiry.
 */
const USABLE_FRACTION_FLOOR = 0.05;

/** RFC 6750 §2.1 `b64token`: the only characters an `Authorization: Bearer` header may carry. Linear: `=` is not in the class. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** What is wrong with an access token, said without quoting it; undefined if nothing is. */
function accessTokenProblem(value: string): string | undefined {
  if (value.length > MAX_ACCESS_TOKEN_LENGTH)
    return `is ${value.length} characters long, more than the ${MAX_ACCESS_TOKEN_LENGTH} a Bearer token may have here`;
  if (B64TOKEN.test(value)) return undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const kind = c < 0x20 || c === 0x7f ? 'a control character' : c === 0x20 ? 'a space' : c > 0x7f ? 'a non-ASCII character' : undefined;
    if (kind) return `holds ${kind} (at position ${i}), which an Authorization header cannot carry`;
  }
  return 'holds characters a Bearer token may not have (RFC 6750 allows letters, digits, -._~+/ and trailing =)';
}

/** A token's lifetime in ms, and where it came from (for messages). */
interface Lifetime {
  ms: number;
  source: 'expires_in' | 'JWT exp' | 'assumed';
}

/**
 * The lifetime a token answer grants, counted from when the request was sent.
 *
 * - `expires_in` (a number, or a numeric string) wins. Zero or negative means the token was issued
 *   expired. Anything that is not a number (`"soon"`, `null`, `""`) is ignored, as if absent.
 * - Else the JWT's `exp` (see {@link jwtLifetimeMs}); else `fallbackMs`.
 * - Longer than {@link MAX_TOKEN_LIFETIME_MS} (Infinity included) is cut to it.
 */
function tokenLifetime(expiresIn: unknown, value: string, sentAt: number, fallbackMs: number): Lifetime {
  const seconds = typeof expiresIn === 'number' ? expiresIn : typeof expiresIn === 'string' && expiresIn.trim() !== '' ? Number(expiresIn) : Number.NaN;
  if (!Number.isNaN(seconds)) return { ms: Math.min(seconds * 1000, MAX_TOKEN_LIFETIME_MS), source: 'expires_in' };
  const fromJwt = jwtLifetimeMs(value, sentAt);
  if (fromJwt !== undefined) return { ms: Math.min(fromJwt, MAX_TOKEN_LIFETIME_MS), source: 'JWT exp' };
  return { ms: Math.min(fallbackMs, MAX_TOKEN_LIFETIME_MS), source: 'assumed' };
}

/**
 * Sends one `client_credentials` token request and classifies the outcome:
 * a token, a permanent refusal (not worth retrying), or a transient fault.
 *
 * @internal
 */
export async function requestTokenOnce(req: TokenRequest): Promise<TokenAttempt> {
  const secrets = [req.clientSecret, `${req.clientId}:${req.clientSecret}`];
  // Built on the first failure only: the success path never needs it.
  let redactor: Redactor | undefined;
  const scrub = (text: string): string => (redactor ??= createRedactor(secrets))(text);
  const sentAt = Date.now();
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: req.clientId, client_secret: req.clientSecret });
  if (req.scope) form.set('scope', req.scope);

  let status: number;
  let headers: Record<string, string | string[] | undefined>;
  let text: string;
  try {
    ({ status, headers, text } = await sendTokenRequest(req.dispatcher, {
      url: new URL(req.tokenUrl),
      form: form.toString(),
      timeoutMs: req.timeoutMs,
      signal: req.signal,
    }));
  } catch (err) {
    if (req.signal.aborted) {
      return {
        ok: false,
        transient: false,
        outcome: 'aborted',
        error: new AsposeAuthUnavailableError('Token request cancelled: the TokenService was closed', { cause: req.signal.reason }),
      };
    }
    const reason = err instanceof TokenTransportError ? err.reason : 'network';
    if (reason === 'redirected') {
      return {
        ok: false,
        transient: false,
        outcome: 'refused',
        error: new AsposeAuthRefusedError(
          `Token endpoint ${safeUrl(req.tokenUrl)} redirected, and a layer of the dispatcher followed it; the redirected request was stopped before it was sent: set tokenUrl to the token endpoint itself`,
        ),
      };
    }
    // undici's own words (a parser error may quote what the server sent): redacted like any server text.
    const why = scrub(reason === 'network' ? describeNetworkError((err as { cause?: unknown }).cause ?? err) : (err as Error).message);
    return {
      ok: false,
      transient: true,
      outcome: reason === 'timeout' ? 'timeout' : reason === 'network' ? 'network' : 'unavailable',
      error: new AsposeAuthUnavailableError(`Token endpoint ${safeUrl(req.tokenUrl)} failed: ${why}`, {
        cause: scrubCause((err as { cause?: unknown }).cause ?? err, scrub),
      }),
    };
  }

  // Every answer's Retry-After counts, a refusal's too: TokenService honours it whatever the status.
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const body = json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : undefined;

  if (status >= 200 && status < 300) {
    if (!body) {
      return {
        ok: false,
        transient: true,
        retryAfterMs,
        outcome: 'unavailable',
        error: new AsposeAuthUnavailableError(
          `Token endpoint ${safeUrl(req.tokenUrl)} answered ${status} with a body that is not JSON (truncated, or an error page)`,
          { status },
        ),
      };
    }
    const value = body.access_token;
    if (typeof value !== 'string' || value === '') {
      return {
        ok: false,
        transient: false,
        retryAfterMs,
        outcome: 'invalid',
        error: new AsposeAuthInvalidResponseError(
          `Token endpoint ${safeUrl(req.tokenUrl)} answered ${status} without an access_token: check that tokenUrl is an OAuth 2.0 token endpoint (see AsposePresets)`,
          { status },
        ),
      };
    }
    const malformed = accessTokenProblem(value);
    if (malformed !== undefined) {
      return {
        ok: false,
        transient: false,
        retryAfterMs,
        outcome: 'invalid',
        error: new AsposeAuthInvalidResponseError(
          `Token endpoint ${safeUrl(req.tokenUrl)} answered ${status} with an access_token that ${malformed}: check that tokenUrl is an OAuth 2.0 token endpoint (see AsposePresets)`,
          { status },
        ),
      };
    }
    const type = typeof body.token_type === 'string' ? body.token_type : 'Bearer';
    if (type.toLowerCase() !== 'bearer') {
      return {
        ok: false,
        transient: false,
        retryAfterMs,
        outcome: 'invalid',
        error: new AsposeAuthInvalidResponseError(
          `Token endpoint ${safeUrl(req.tokenUrl)} issued a ${JSON.stringify(scrub(type).slice(0, 20))} token; only Bearer tokens are supported`,
          { status },
        ),
      };
    }
    const lifetime = tokenLifetime(body.expires_in, value, sentAt, req.fallbackLifetimeMs);
    // Expired on arrival, or nearly: TokenService stops handing a token out within a margin of up to 5% of its
    // lifetime before expiry, so one that arrives with less left is of no use, and caching it would only make
    // every call fetch again. Refused, so that the caller hears why.
    const left = sentAt + lifetime.ms - Date.now();
    if (left <= lifetime.ms * USABLE_FRACTION_FLOOR) {
      return {
        ok: false,
        transient: false,
        retryAfterMs,
        outcome: 'invalid',
        error: new AsposeAuthInvalidResponseError(
          `Token endpoint ${safeUrl(req.tokenUrl)} answered ${status} with an access_token that ${
            lifetime.ms <= 0
              ? `had already expired (by its ${lifetime.source === 'JWT exp' ? "JWT exp and this machine's clock" : lifetime.source})`
              : `was all but expired when it arrived (less than 5% of its ${lifetime.source === 'expires_in' ? 'expires_in' : 'JWT exp'} lifetime left)`
          }: ${lifetime.source === 'JWT exp' ? "check this machine's clock, and the token endpoint's" : 'check the token endpoint'}`,
          { status },
        ),
      };
    }
    return { ok: true, status, token: new AccessToken(value, 'Bearer', sentAt + lifetime.ms, sentAt) };
  }

  // Redact before cutting: a cut first could leave part of a secret that no longer matches.
  const oauthError = typeof body?.error === 'string' ? scrub(body.error).slice(0, 100) : undefined;
  const description = typeof body?.error_description === 'string' ? scrub(body.error_description).slice(0, 500) : undefined;
  const transient = status === 408 || status === 425 || status === 429 || status >= 500;
  const details = { status, oauthError, oauthErrorDescription: description };
  if (transient) {
    return {
      ok: false,
      transient: true,
      retryAfterMs,
      outcome: 'unavailable',
      error: new AsposeAuthUnavailableError(
        `Token endpoint ${safeUrl(req.tokenUrl)} answered ${status}${oauthError ? ` (${oauthError})` : ''}: try again later`,
        details,
      ),
    };
  }
  const hint =
    (oauthError && Object.hasOwn(REFUSAL_HINTS, oauthError) ? REFUSAL_HINTS[oauthError] : undefined) ??
    (status === 404
      ? 'check tokenUrl (see AsposePresets for the known token endpoints)'
      : status >= 300 && status < 400
        ? `set tokenUrl to the token endpoint itself: redirects are never followed, since that would post the client secret to wherever they point${redirectTarget(headers.location, req.tokenUrl, scrub)}`
        : REFUSAL_HINTS.invalid_client);
  const what = oauthError ? `refused the client (${oauthError}${description ? `: ${description}` : ''})` : `answered ${status}`;
  return {
    ok: false,
    transient: false,
    retryAfterMs,
    outcome: 'refused',
    error: new AsposeAuthRefusedError(`Token endpoint ${safeUrl(req.tokenUrl)} ${what}: ${hint}`, details),
  };
}

/**
 * Parses `Retry-After` into ms from now, or undefined when it says nothing usable.
 *
 * - Delta-seconds, read leniently, as servers send them: `600`, ` 600 `, `+600`,
 *   `600.0` (fractions count), and the first value of a list (`600, 5`, or two
 *   headers). Too large for a number is the largest safe integer (the caller caps it).
 * - An HTTP-date (IMF-fixdate, or an obsolete form: all start with the day's
 *   name), as `Date.parse` reads it; one in the past is 0.
 * - Anything else, a negative number included, is absent.
 *
 * Linear in the header's length: one anchored pattern without nested or
 * overlapping quantifiers, and `Date.parse` only on short text.
 *
 * @internal
 */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return undefined;
  const v = raw.trim();
  const c = v.charCodeAt(0) | 0x20;
  if (c >= 97 && c <= 122) {
    // A day name first: an HTTP-date. Date.parse alone would also take "-5" or "5 Oct" for dates.
    if (v.length > MAX_HTTP_DATE_LENGTH) return undefined;
    const at = Date.parse(v);
    return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
  }
  const comma = v.indexOf(',');
  const first = comma < 0 ? v : v.slice(0, comma).trimEnd();
  if (!DELTA_SECONDS.test(first)) return undefined;
  const ms = Math.ceil(Number(first) * 1000);
  return Number.isFinite(ms) ? Math.min(ms, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
}

/** `600`, `+600`, `600.`, `600.25`, `.5`: the two branches start differently, so nothing backtracks more than once. */
const DELTA_SECONDS = /^\+?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Longer than any HTTP-date (29 characters), with room for a list of two and white space. */
const MAX_HTTP_DATE_LENGTH = 80;

/** A URL without query or credentials, safe for messages. @internal */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Where a redirect points, for the message: its origin only, since a path or
 * query could hold anything. A server can still name a host after what it was
 * sent, so the origin is shown only when it is plainly safe:
 *
 * - redacted like any server text, it must come out unchanged (the URL parser
 *   lower-cases and percent-decodes a host; redaction ignores ASCII case);
 * - the Location as a whole must hold no secret, in any spelling: a host cannot
 *   carry every character a secret may (a `/` ends it), so the part that made
 *   it into the origin could be a piece no redaction finds;
 * - no label may be punycode (`xn--`): a non-ASCII secret, or one whose bytes
 *   arrived in another encoding, turns into its ASCII characters plus an
 *   encoded tail there, which no longer matches the secret.
 *
 * Otherwise the message says the target is not shown. An internationalised
 * domain is never shown: a small price for an error message.
 */
function redirectTarget(location: string | string[] | undefined, base: string, scrub: (text: string) => string): string {
  if (typeof location !== 'string') return '';
  let url: URL;
  try {
    url = new URL(location, base);
  } catch {
    return '';
  }
  const origin = url.origin;
  if (origin === 'null') return '';
  const punycode = url.hostname.startsWith('xn--') || url.hostname.includes('.xn--');
  if (punycode || scrub(origin) !== origin || scrub(location) !== location) {
    return ' (where it redirects to is not shown: its Location could hold the client secret)';
  }
  return ` (it redirects to ${origin})`;
}

function describeNetworkError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  return code ? `${code}${e.message ? ` (${e.message})` : ''}` : (e?.message ?? String(err));
}

/**
 * undici errors do not carry request bodies, but keep only name, code and
 * message anyway, with secrets redacted, so that no `cause` chain can hold one.
 */
function scrubCause(err: unknown, scrub: (text: string) => string): Error {
  const e = err as { name?: string; code?: string; message?: string };
  const out = new Error(scrub(String(e?.message ?? err)));
  out.name = e?.name ?? 'Error';
  if (e?.code) (out as Error & { code?: string }).code = e.code;
  return out;
}
