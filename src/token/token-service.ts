import { inspect } from 'node:util';
import { Agent } from '../http/undici.js';
import { AsposeAuthError, AsposeConfigError, AsposeError } from '../errors/errors.js';
import { resolveOptions, type AsposeAuthMode, type AsposeDispatcher, type AsposeLogger, type ResolvedOptions, type TokenServiceOptions } from '../config/options.js';
import { AccessToken } from './access-token.js';
import { readJwtTiming } from './jwt.js';
import { requestTokenOnce, safeUrl } from './token-endpoint.js';

/** Options of {@link TokenService.getToken}. */
export interface GetTokenOptions {
  /** Stop waiting when this aborts. The shared token request itself goes on for the other callers. */
  signal?: AbortSignal;
  /** Fetch a new token even if the cached one is still good. Still shared with concurrent callers. */
  forceRefresh?: boolean;
}

/** Counters since the service was created, for logs, health pages and tests. */
export interface TokenStats {
  /** Token requests sent (each retry counts). */
  requests: number;
  /** Tokens obtained. */
  tokensIssued: number;
  /** Refreshes started ahead of expiry while the old token still served callers. */
  refreshesAhead: number;
  /** Tokens dropped by {@link TokenService.invalidate}. */
  invalidations: number;
  /** Fetches that ended in an error, after retries. */
  failures: number;
}

/** When a cached token stops being fresh and stops being usable. */
interface CachedToken {
  token: AccessToken;
  header: string;
  /** From here on, callers still get the token but a background refresh starts. */
  refreshAt: number;
  /** From here on, callers wait for a new token: this one could expire in flight. */
  staleAt: number;
}

/** Lifetime assumed when the token endpoint gives neither `expires_in` nor a JWT `exp`. */
const FALLBACK_LIFETIME_MS = 300_000;

/**
 * Gets, caches and refreshes Aspose Cloud access tokens (OAuth 2.0
 * `client_credentials`).
 *
 * - **Single-flight:** any number of concurrent callers share one token request.
 * - **Expiry-aware:** expiry is counted from when the request was sent, from
 *   `expires_in` or else the JWT's `exp`.
 * - **Refresh ahead:** in the last 20% of a token's life (at most
 *   `refreshAheadMs`), callers get the still-valid token at once while one
 *   background request fetches the next; only in the last 5% (at most
 *   `expirySkewMs`) do they wait.
 * - **Invalidate on 401:** {@link invalidate} drops a token only if it is
 *   still the current one, so a burst of 401s costs one new token; and at
 *   most once per `min401RenewalIntervalMs`, so a route that always answers
 *   401 cannot make the service hammer the token endpoint.
 * - **Bounded backoff:** transient token-endpoint faults are retried with
 *   exponential backoff, full jitter and `Retry-After`; refusals are not.
 *
 * The client secret and tokens are kept in private fields: `util.inspect` and
 * `JSON.stringify` of the service never show them.
 */
export class TokenService {
  readonly #opts: ResolvedOptions;
  readonly #secret: string | undefined;
  /** The dispatcher passed in, or the service's own `Agent` (made on the first token request). */
  #dispatcher: AsposeDispatcher | undefined;
  #ownAgent: Agent | undefined;
  readonly #logger: AsposeLogger | undefined;
  readonly #closed = new AbortController();
  #current: CachedToken | undefined;
  /** The last few token values this service held, the current one included, newest last: for redaction only. */
  readonly #recentTokens: string[] = [];
  #inflight: Promise<CachedToken> | undefined;
  #refusal: { error: AsposeAuthError; until: number } | undefined;
  #backgroundRetryAt = 0;
  /** When (`performance.now()`) {@link invalidate} last dropped a token, for its cap; and whether a declined one was logged since. */
  #lastInvalidatedAt = Number.NEGATIVE_INFINITY;
  #declineLogged = false;
  readonly #stats: TokenStats = { requests: 0, tokensIssued: 0, refreshesAhead: 0, invalidations: 0, failures: 0 };

  /**
   * @throws {AsposeConfigError} naming every missing or malformed option.
   */
  constructor(options: TokenServiceOptions) {
    this.#opts = resolveOptions(options);
    this.#secret = this.#opts.auth === 'client_credentials' ? options.clientSecret : undefined;
    this.#dispatcher = options.dispatcher;
    this.#logger = options.logger;
    if (this.#opts.auth === 'static') {
      const value = options.accessToken!;
      const now = Date.now();
      // No request was sent, so there is no moment to count a lifetime from: the JWT's own exp is the expiry.
      const exp = readJwtTiming(value)?.exp;
      const expiresAt = exp === undefined ? Number.POSITIVE_INFINITY : exp * 1000;
      const token = new AccessToken(value, 'Bearer', expiresAt, now);
      this.#current = { token, header: token.authorization, refreshAt: Number.POSITIVE_INFINITY, staleAt: Number.POSITIVE_INFINITY };
      this.#remember(value);
    }
  }

  /** The authentication mode in force. */
  get auth(): AsposeAuthMode {
    return this.#opts.auth;
  }

  /** The API origin (`https://api.aspose.cloud`) that tokens are for; no other origin gets them. */
  get origin(): string {
    return this.#opts.origin;
  }

  /** The API base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.#opts.baseUrl;
  }

  /** The token endpoint URL. */
  get tokenUrl(): string {
    return this.#opts.tokenUrl;
  }

  /** True when a 401 can be cured by fetching a new token (`client_credentials` mode). */
  get canRefresh(): boolean {
    return this.#opts.auth === 'client_credentials';
  }

  /** A snapshot of the counters. */
  get stats(): TokenStats {
    return { ...this.#stats };
  }

  /**
   * Every value that must never be printed, for redaction: the client
   * secret, the `clientId:clientSecret` pair (what HTTP Basic encodes), and
   * the current and a few previous token values. A fresh array each call.
   *
   * @internal
   */
  sensitiveValues(): string[] {
    const out: string[] = [...this.#recentTokens];
    if (this.#secret !== undefined) {
      out.push(this.#secret);
      if (this.#opts.clientId !== undefined) out.push(`${this.#opts.clientId}:${this.#secret}`);
    }
    return out;
  }

  #remember(value: string): void {
    const recent = this.#recentTokens;
    if (recent[recent.length - 1] === value) return;
    recent.push(value);
    if (recent.length > 4) recent.shift();
  }

  /** @internal Resolved options, for the client built on this service. Holds no secret. */
  get resolvedOptions(): Readonly<ResolvedOptions> {
    return this.#opts;
  }

  /**
   * A token that is good for at least the safety margin. Resolves at once
   * from the cache in steady state; otherwise waits for the one shared fetch.
   *
   * @throws {AsposeAuthError} when the token endpoint refuses or stays unavailable.
   * @throws {AsposeConfigError} when `auth` is `none`.
   */
  async getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    if (!options.forceRefresh) {
      const cached = this.#usable(Date.now());
      if (cached) return cached.token;
    }
    return (await this.#wait(this.#fetch(options.forceRefresh === true), options.signal)).token;
  }

  /**
   * The `Authorization` header value if a usable token is cached, else undefined.
   * Synchronous, for the per-request path: it never allocates a promise in
   * steady state. Inside the refresh window it starts the background refresh.
   *
   * @internal
   */
  peekAuthorization(): string | undefined {
    return this.#usable(Date.now())?.header;
  }

  /**
   * Drops `token` (an {@link AccessToken} or its string) if it is still the
   * current token, so that the next caller fetches a new one. A token that has
   * already been replaced is ignored: a burst of 401s carrying the same stale
   * token costs one token request, not one each.
   *
   * Renewals this way are capped at one per `min401RenewalIntervalMs` (default
   * 5 s): within that time of the last token it dropped, it keeps the current
   * token and returns false. A token that the API keeps refusing (a route
   * that always answers 401, or a caller provoking 401s through a proxy) then
   * costs one token request per interval, not one per call. To force a new
   * token regardless, use `getToken({ forceRefresh: true })`.
   *
   * @returns true if the current token was dropped; false if `token` is no
   *   longer current, there is none, the mode cannot refresh, or the cap declined.
   */
  invalidate(token?: AccessToken | string): boolean {
    if (!this.canRefresh || !this.#current) return false;
    const value = typeof token === 'string' ? token : token?.value;
    if (value !== undefined && value !== this.#current.token.value) return false;
    // A monotonic clock: a wall clock set back would otherwise stretch the cap.
    const now = performance.now();
    const interval = this.#opts.min401RenewalIntervalMs;
    if (now - this.#lastInvalidatedAt < interval) {
      if (!this.#declineLogged) {
        this.#declineLogged = true;
        this.#logger?.warn?.(
          `Aspose access token kept although the API answered 401: it was renewed less than ${interval} ms ago (min401RenewalIntervalMs), so further 401s go back to their callers until then`,
        );
      }
      return false;
    }
    this.#lastInvalidatedAt = now;
    this.#declineLogged = false;
    this.#current = undefined;
    this.#stats.invalidations++;
    this.#logger?.debug?.('Aspose access token invalidated (the API answered 401)');
    return true;
  }

  /**
   * Cancels a token request in flight, stops future ones, and closes the
   * service's own connections (a `dispatcher` you passed stays yours).
   * Idempotent; resolves once the connections are closed.
   */
  async close(): Promise<void> {
    this.#closed.abort(new AsposeError('ERR_ASPOSE_ABORTED', 'TokenService closed'));
    this.#current = undefined;
    const own = this.#ownAgent;
    this.#ownAgent = undefined;
    if (own) await own.destroy();
  }

  #tokenDispatcher(): AsposeDispatcher {
    if (this.#dispatcher === undefined) {
      // Never undici's global dispatcher: the application (or Node's fetch) owns that.
      this.#ownAgent = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
      this.#dispatcher = this.#ownAgent;
    }
    return this.#dispatcher;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed.signal.aborted;
  }

  #usable(now: number): CachedToken | undefined {
    const c = this.#current;
    if (c === undefined) return undefined;
    if (now < c.refreshAt) return c;
    if (now < c.staleAt) {
      this.#refreshAhead(now);
      return c;
    }
    return undefined;
  }

  #refreshAhead(now: number): void {
    if (this.#inflight || now < this.#backgroundRetryAt || this.closed) return;
    this.#stats.refreshesAhead++;
    // The old token keeps serving; a failure here is logged, and callers only
    // see it if the old token runs out before a later refresh succeeds.
    this.#fetch(false).catch(() => {
      this.#backgroundRetryAt = Date.now() + Math.max(1_000, this.#opts.maxDelayMs);
    });
  }

  #fetch(force: boolean): Promise<CachedToken> {
    if (this.#inflight) return this.#inflight;
    if (this.#opts.auth !== 'client_credentials') return Promise.reject(this.#cannotFetch(force));
    if (this.closed) return Promise.reject(new AsposeAuthError('ERR_ASPOSE_AUTH_UNAVAILABLE', 'TokenService is closed'));
    const refusal = this.#refusal;
    if (refusal && Date.now() < refusal.until) return Promise.reject(refusal.error);
    // For the log line: a refresh ahead of expiry, a renewal (after a 401, expiry or
    // forceRefresh), or the first token.
    const why = this.#current ? 'refreshed ahead of expiry' : this.#stats.tokensIssued > 0 ? 'renewed' : 'obtained';
    const p = this.#fetchWithRetry(why).finally(() => {
      if (this.#inflight === p) this.#inflight = undefined;
    });
    this.#inflight = p;
    return p;
  }

  #cannotFetch(force: boolean): AsposeError {
    if (this.#opts.auth === 'none') {
      return new AsposeConfigError([{ option: 'auth', problem: `is 'none', so there is no access token: set auth to 'client_credentials' with clientId and clientSecret to use tokens` }]);
    }
    return new AsposeAuthError(
      'ERR_ASPOSE_AUTH_UNAVAILABLE',
      force
        ? `Cannot refresh a static access token: use auth 'client_credentials' with clientId and clientSecret for refreshable tokens`
        : 'The static access token has expired: supply a new accessToken, or use clientId and clientSecret so tokens refresh by themselves',
    );
  }

  async #fetchWithRetry(why: string): Promise<CachedToken> {
    const o = this.#opts;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      this.#stats.requests++;
      const result = await requestTokenOnce({
        tokenUrl: o.tokenUrl,
        clientId: o.clientId!,
        clientSecret: this.#secret!,
        scope: o.scope,
        timeoutMs: o.tokenTimeoutMs,
        dispatcher: this.#tokenDispatcher(),
        signal: this.#closed.signal,
        fallbackLifetimeMs: FALLBACK_LIFETIME_MS,
      });
      if (result.ok) {
        const cached = this.#cache(result.token);
        this.#refusal = undefined;
        this.#backgroundRetryAt = 0;
        this.#stats.tokensIssued++;
        this.#logger?.log?.(
          `Aspose access token ${why} from ${safeUrl(o.tokenUrl)} in ${Date.now() - started} ms${attempt > 1 ? ` after ${attempt} attempts` : ''}; valid ${Math.round((result.token.expiresAt - result.token.obtainedAt) / 1000)} s`,
        );
        return cached;
      }
      const { error } = result;
      const retryAfter = result.retryAfterMs;
      const giveUp =
        !result.transient || attempt > o.retries || this.closed || (retryAfter !== undefined && retryAfter > o.maxRetryAfterMs);
      if (giveUp) {
        this.#stats.failures++;
        const final =
          result.transient && attempt > 1
            ? new AsposeAuthError(
                'ERR_ASPOSE_AUTH_UNAVAILABLE',
                `${error.message} (gave up after ${attempt} attempts in ${Date.now() - started} ms${retryAfter !== undefined && retryAfter > o.maxRetryAfterMs ? `; Retry-After asked for ${Math.round(retryAfter / 1000)} s` : ''})`,
                { status: error.status, oauthError: error.oauthError, oauthErrorDescription: error.oauthErrorDescription, attempts: attempt, cause: error.cause },
              )
            : withAttempts(error, attempt);
        if (final.code === 'ERR_ASPOSE_AUTH_REFUSED' && o.refusalCooldownMs > 0) {
          this.#refusal = { error: final, until: Date.now() + o.refusalCooldownMs };
        }
        this.#logger?.error?.(`Aspose access token request failed: ${final.message}`);
        throw final;
      }
      const backoff = Math.random() * Math.min(o.maxDelayMs, o.minDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(retryAfter ?? 0, backoff);
      this.#logger?.warn?.(`Aspose token request attempt ${attempt} failed (${error.message}); retrying in ${Math.round(delay)} ms`);
      await sleep(delay, this.#closed.signal);
    }
  }

  #cache(token: AccessToken): CachedToken {
    const lifetime = Math.max(0, token.expiresAt - token.obtainedAt);
    const skew = Math.min(lifetime * 0.05, this.#opts.expirySkewMs);
    const ahead = Math.max(skew, Math.min(lifetime * 0.2, this.#opts.refreshAheadMs));
    const cached: CachedToken = { token, header: token.authorization, refreshAt: token.expiresAt - ahead, staleAt: token.expiresAt - skew };
    this.#current = cached;
    this.#remember(token.value);
    return cached;
  }

  #wait(p: Promise<CachedToken>, signal: AbortSignal | undefined): Promise<CachedToken> {
    if (!signal) return p;
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  toJSON(): object {
    return { auth: this.auth, baseUrl: this.baseUrl, tokenUrl: this.tokenUrl, clientId: this.#opts.clientId, hasToken: this.#current !== undefined };
  }

  [inspect.custom](): string {
    return `TokenService ${inspect(this.toJSON())}`;
  }
}

function withAttempts(error: AsposeAuthError, attempts: number): AsposeAuthError {
  if (error.attempts === attempts) return error;
  Object.defineProperty(error, 'attempts', { value: attempts });
  return error;
}

function abortError(signal: AbortSignal): AsposeError {
  return new AsposeError('ERR_ASPOSE_ABORTED', 'Stopped waiting for an access token: the signal was aborted', { cause: signal.reason });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
