import type { Dispatcher } from 'undici';
import { AsposeAuthError } from '../errors/errors.js';
import { redact } from '../errors/redact.js';
import { jwtLifetimeMs } from './jwt.js';
import { AccessToken } from './access-token.js';
import { sendTokenRequest, TokenTransportError } from './token-transport.js';

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
  | { ok: true; token: AccessToken }
  | { ok: false; error: AsposeAuthError; transient: boolean; retryAfterMs?: number };

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
 * Sends one `client_credentials` token request and classifies the outcome:
 * a token, a permanent refusal (not worth retrying), or a transient fault.
 *
 * @internal
 */
export async function requestTokenOnce(req: TokenRequest): Promise<TokenAttempt> {
  const secrets = [req.clientSecret, `${req.clientId}:${req.clientSecret}`];
  const sentAt = Date.now();
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: req.clientId, client_secret: req.clientSecret });
  if (req.scope) form.set('scope', req.scope);

  let status: number;
  let headers: Record<string, string | string[] | undefined>;
  let text: string;
  try {
    ({ status, headers, text } = await sendTokenRequest(req.dispatcher, { url: new URL(req.tokenUrl), form: form.toString(), timeoutMs: req.timeoutMs, signal: req.signal }));
  } catch (err) {
    if (req.signal.aborted) {
      return { ok: false, transient: false, error: new AsposeAuthError('ERR_ASPOSE_AUTH_UNAVAILABLE', 'Token request cancelled: the TokenService was closed', { cause: req.signal.reason }) };
    }
    const reason = err instanceof TokenTransportError ? err.reason : 'network';
    if (reason === 'redirected') {
      return { ok: false, transient: false, error: new AsposeAuthError('ERR_ASPOSE_AUTH_REFUSED', `Token endpoint ${safeUrl(req.tokenUrl)} redirected, and a layer of the dispatcher followed it; the redirected request was stopped before it was sent: set tokenUrl to the token endpoint itself`) };
    }
    const why = reason === 'network' ? describeNetworkError((err as { cause?: unknown }).cause ?? err) : (err as Error).message;
    return {
      ok: false,
      transient: true,
      error: new AsposeAuthError('ERR_ASPOSE_AUTH_UNAVAILABLE', `Token endpoint ${safeUrl(req.tokenUrl)} failed: ${why}`, { cause: scrubCause((err as { cause?: unknown }).cause ?? err, secrets) }),
    };
  }

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
        error: new AsposeAuthError('ERR_ASPOSE_AUTH_UNAVAILABLE', `Token endpoint ${safeUrl(req.tokenUrl)} answered ${status} with a body that is not JSON (truncated, or an error page)`, { status }),
      };
    }
    const value = body.access_token;
    if (typeof value !== 'string' || value === '' || /[\s]/.test(value)) {
      return {
        ok: false,
        transient: false,
        error: new AsposeAuthError('ERR_ASPOSE_AUTH_INVALID_RESPONSE', `Token endpoint ${safeUrl(req.tokenUrl)} answered ${status} without an access_token: check that tokenUrl is an OAuth 2.0 token endpoint (see AsposePresets)`, { status }),
      };
    }
    const type = typeof body.token_type === 'string' ? body.token_type : 'Bearer';
    if (type.toLowerCase() !== 'bearer') {
      return {
        ok: false,
        transient: false,
        error: new AsposeAuthError('ERR_ASPOSE_AUTH_INVALID_RESPONSE', `Token endpoint ${safeUrl(req.tokenUrl)} issued a ${JSON.stringify(redact(type, secrets).slice(0, 20))} token; only Bearer tokens are supported`, { status }),
      };
    }
    const expiresIn = typeof body.expires_in === 'string' ? Number(body.expires_in) : body.expires_in;
    const lifetimeMs =
      typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
        ? expiresIn * 1000
        : (jwtLifetimeMs(value, sentAt) ?? req.fallbackLifetimeMs);
    return { ok: true, token: new AccessToken(value, 'Bearer', sentAt + lifetimeMs, sentAt) };
  }

  // Redact before cutting: a cut first could leave part of a secret that no longer matches.
  const oauthError = typeof body?.error === 'string' ? redact(body.error, secrets).slice(0, 100) : undefined;
  const description = typeof body?.error_description === 'string' ? redact(body.error_description, secrets).slice(0, 500) : undefined;
  const transient = status === 408 || status === 425 || status === 429 || status >= 500;
  const details = { status, oauthError, oauthErrorDescription: description };
  if (transient) {
    return {
      ok: false,
      transient: true,
      retryAfterMs,
      error: new AsposeAuthError('ERR_ASPOSE_AUTH_UNAVAILABLE', `Token endpoint ${safeUrl(req.tokenUrl)} answered ${status}${oauthError ? ` (${oauthError})` : ''}: try again later`, details),
    };
  }
  const hint =
    (oauthError && Object.hasOwn(REFUSAL_HINTS, oauthError) ? REFUSAL_HINTS[oauthError] : undefined) ??
    (status === 404
      ? 'check tokenUrl (see AsposePresets for the known token endpoints)'
      : status >= 300 && status < 400
        ? `set tokenUrl to the token endpoint itself: redirects are never followed, since that would post the client secret to wherever they point${redirectOrigin(headers.location, req.tokenUrl)}`
        : REFUSAL_HINTS.invalid_client);
  const what = oauthError ? `refused the client (${oauthError}${description ? `: ${description}` : ''})` : `answered ${status}`;
  return {
    ok: false,
    transient: false,
    error: new AsposeAuthError('ERR_ASPOSE_AUTH_REFUSED', `Token endpoint ${safeUrl(req.tokenUrl)} ${what}: ${hint}`, details),
  };
}

/** Parses `Retry-After` as delta-seconds or an HTTP-date. @internal */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** A URL without query or credentials, safe for messages. @internal */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Where a redirect points, as an origin only: a path or query could hold anything, a secret included. */
function redirectOrigin(location: string | string[] | undefined, base: string): string {
  if (typeof location !== 'string') return '';
  try {
    const origin = new URL(location, base).origin;
    return origin === 'null' ? '' : ` (it redirects to ${origin})`;
  } catch {
    return '';
  }
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
function scrubCause(err: unknown, secrets: string[]): Error {
  const e = err as { name?: string; code?: string; message?: string };
  const out = new Error(redact(String(e?.message ?? err), secrets));
  out.name = e?.name ?? 'Error';
  if (e?.code) (out as Error & { code?: string }).code = e.code;
  return out;
}
