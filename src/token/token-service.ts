import { inspect } from 'node:util';
import { Agent } from '../http/undici.js';
import {
  authErrorLike,
  authErrorOfCode,
  isAuthErrorCode,
  AsposeAbortError,
  AsposeAuthError,
  AsposeAuthUnavailableError,
  AsposeConfigError,
  type AsposeError,
} from '../errors/errors.js';
import type { AsposeAuthMode, AsposeDispatcher, AsposeLogger, TokenServiceOptions } from '../config/options.js';
import { resolveTokenSettings, type ApiTarget, type TokenSettings } from '../config/settings.js';
import { AccessToken } from './access-token.js';
import { CredentialSource, type ClientCredentials } from './credential-source.js';
import { readJwtTiming } from './jwt.js';
import { requestTokenOnce, safeUrl } from './token-endpoint.js';
import { formatDuration, limitError, openWindow, OutageState, PairState, rateLimitedError, type RefusalPolicy, type RetryWindow } from './token-gate.js';
import {
  tokenChannel,
  tokenInvalidateChannel,
  tokenLockoutChannel,
  tokenRefreshChannel,
  type AsposeTokenLockoutMessage,
  type AsposeTokenRefreshReason,
} from '../diagnostics/channels.js';
import { traceTokenRequest } from '../diagnostics/token-trace.js';
import { FleetStore, StoreUnavailable, type FleetPair, type SharedHold, type SharedPairState, type SharedToken } from './fleet-store.js';

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
  /** Fetches that ended in an error, after retries (not counting those held back). */
  failures: number;
  /**
   * Fetches failed at once without a token request, because a `Retry-After` window
   * (`ERR_ASPOSE_AUTH_RATE_LIMITED`), the refusal backoff (`ERR_ASPOSE_AUTH_REFUSED`)
   * or the hold after a failing token endpoint (`ERR_ASPOSE_AUTH_UNAVAILABLE`) held them back.
   */
  heldBack: number;
  /** Tokens taken from the shared `store` (fleet mode), where another process had fetched them, instead of a token request. */
  fromStore: number;
}

/**
 * What the service can say now, without a request: for health checks,
 * dashboards and gauges. Reading it never sends a token request, never calls
 * a credential function, and holds no secret or token.
 */
export interface TokenServiceStatus {
  /** The authentication mode. */
  auth: AsposeAuthMode;
  /** True when a token is cached that calls can use now (not inside its last safety margin). */
  hasToken: boolean;
  /** When the cached token expires, in epoch ms (`Infinity` for a static token without `exp`); undefined without one. */
  expiresAt: number | undefined;
  /** True while a token request is under way. */
  fetching: boolean;
  /**
   * What would fail a call that needs a new token now without a request: a
   * `Retry-After` window (`ERR_ASPOSE_AUTH_RATE_LIMITED`), the refusal backoff
   * (`ERR_ASPOSE_AUTH_REFUSED`) or the hold after a failing endpoint
   * (`ERR_ASPOSE_AUTH_UNAVAILABLE`), each with `retryAt`; undefined when nothing does.
   */
  heldBack: AsposeAuthError | undefined;
  /** True after `close()`. */
  closed: boolean;
  /**
   * Fleet mode: `ok` while the shared `store` answers, `unavailable` after it
   * failed (the process fetches its own tokens until it answers again);
   * undefined without a store.
   */
  store: 'ok' | 'unavailable' | undefined;
}

/** When a cached token stops being fresh and stops being usable. */
interface CachedToken {
  token: AccessToken;
  header: string;
  /** From here on, callers still get the token but a background refresh starts. */
  refreshAt: number;
  /** From here on, callers wait for a new token: this one could expire in flight. */
  staleAt: number;
  /** Fleet mode: where the token is shared and its sealed entry, for compare-and-delete on a 401. */
  shared?: { pair: FleetPair; entry: string };
}

/** Fleet mode: how often a process waiting for another's token fetch looks at the store (plus up to as much jitter). */
const FLEET_POLL_MS = 20;

/** Lifetime assumed when the token endpoint gives neither `expires_in` nor a JWT `exp`. */
const FALLBACK_LIFETIME_MS = 300_000;

/**
 * While the last pair is held back, calls within this long of the last read of
 * credential functions reuse it instead of calling them again: a lockout does
 * not turn every call into a vault read, and new credentials still count
 * within a second.
 */
const CREDENTIAL_RECHECK_MS = 1_000;

/** Pairs whose state is kept. A rotation needs two; beyond this the least recently used is dropped. */
const MAX_PAIRS = 8;

/** Secrets (and their pairs) kept for redaction: the current one and a few before it. */
const RECENT_CREDENTIALS = 4;

const kTokenService = Symbol.for('aspose-cloud-auth.TokenService');

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
 * - **A failing endpoint is not hammered:** once a fetch has spent its retries
 *   on transient faults (`ERR_ASPOSE_AUTH_UNAVAILABLE`), no token request goes,
 *   whatever the credentials, for `retry.maxDelayMs` (5 s), doubling with each
 *   such fetch in a row up to 60 s, jittered down by up to half; calls that need
 *   a new token fail at once with that error, whose `retryAt` says when the next
 *   request may go. A token ends it; a cached token keeps serving meanwhile.
 *   `retry.maxDelayMs: 0` turns it off. See {@link OutageState}.
 * - **Retry-After windows:** a `Retry-After` from the token endpoint holds back
 *   every token request until it has passed: on a 429, for that credential
 *   pair, as Aspose's lockout is per pair; on a refusal (400, 401, a redirect…)
 *   or an unusable token, for that pair, as the refusal backoff's delay; on
 *   any other status, for the whole service. Short ones on transient faults
 *   are waited out; during a longer one (over `retry.maxRetryAfterMs`) calls
 *   that need a new token fail at once with `ERR_ASPOSE_AUTH_RATE_LIMITED`,
 *   while a cached token keeps serving. Any is honoured for at most an hour.
 * - **Refusal backoff:** after a refusal the next request for that pair waits
 *   an exponential, jittered delay, and at most `refusalBackoff.maxRequests`
 *   (5) refused requests go in any `windowMs` (10 min), so the service never
 *   trips Aspose's lockout by itself. See {@link AsposeRefusalBackoffOptions}.
 * - **Credential functions:** `clientId`/`clientSecret` may be functions,
 *   called before each token request; new credentials are never held back.
 * - **A throwing logger changes nothing:** every log call is guarded.
 *
 * The client secret and tokens are kept in private fields: `util.inspect` and
 * `JSON.stringify` of the service never show them, nor call credential functions.
 *
 * `instanceof TokenService` holds for a service from either module format of
 * this package: it checks a `Symbol.for` brand, as the error classes do.
 */
export class TokenService {
  /** Resolved once, by this constructor or by the client that builds the service. Holds the credentials: never returned. */
  readonly #opts: TokenSettings;
  /** The Client Id and Secret, or the functions giving them (`client_credentials` only). */
  readonly #credentials: CredentialSource | undefined;
  readonly #refusalPolicy: RefusalPolicy;
  /** The dispatcher passed in, or the service's own `Agent` (made on the first token request). */
  #dispatcher: AsposeDispatcher | undefined;
  #ownAgent: Agent | undefined;
  readonly #logger: AsposeLogger | undefined;
  readonly #closed = new AbortController();
  #current: CachedToken | undefined;
  /** The last few token values this service held, the current one included, newest last: for redaction only. */
  readonly #recentTokens: string[] = [];
  /** The last few credential pairs read, newest last: for redaction only. */
  readonly #recentCredentials: { clientId: string; clientSecret: string }[] = [];
  #inflight: Promise<CachedToken> | undefined;
  /** State per credential pair, keyed by a hash of the pair; least recently used first. */
  readonly #pairs = new Map<string, PairState>();
  /** The pair of the last credential read, and when it was read: for failing fast without reading again. */
  #lastPair: { state: PairState; readAt: number } | undefined;
  /** A `Retry-After` on a transient answer but 429: it holds back the whole service, whatever the credentials. */
  #serviceWindow: RetryWindow | undefined;
  /** Fetches that ran out of retries on transient faults, and the hold they put on every token request. */
  readonly #outage = new OutageState();
  #backgroundRetryAt = 0;
  /** When (`performance.now()`) {@link invalidate} last dropped a token, for its cap; and whether a declined one was logged since. */
  #lastInvalidatedAt = Number.NEGATIVE_INFINITY;
  #declineLogged = false;
  /** The hold announced on the lockout channel and not yet over: its `end` goes out with the next token request. */
  #lockout: Pick<AsposeTokenLockoutMessage, 'until' | 'code' | 'status'> | undefined;
  readonly #stats: TokenStats = { requests: 0, tokensIssued: 0, refreshesAhead: 0, invalidations: 0, failures: 0, heldBack: 0, fromStore: 0 };
  /** Fleet mode: the shared store, bounded and sealed; undefined without a `store`. */
  readonly #fleet: FleetStore | undefined;
  /** Fleet mode: the compare-and-delete of the shared token a 401 dropped, awaited before the store is read again. */
  #pendingDrop: Promise<void> | undefined;
  /** The last few token values dropped on a 401, never taken back from the store. */
  readonly #dropped: string[] = [];

  /**
   * @throws {AsposeConfigError} naming every missing or malformed option.
   */
  constructor(options: TokenServiceOptions);
  /** @internal With settings its caller (an `AsposeClient`) resolved already: options are resolved once. */
  constructor(options: TokenServiceOptions, settings: TokenSettings);
  constructor(options: TokenServiceOptions, settings: TokenSettings = resolveTokenSettings(options)) {
    this.#opts = settings;
    this.#credentials = settings.auth === 'client_credentials' ? new CredentialSource(settings.clientId, settings.clientSecret) : undefined;
    const fixed = this.#credentials?.fixed;
    if (fixed) this.#rememberCredentials(fixed);
    this.#refusalPolicy = settings.refusalBackoff;
    this.#dispatcher = settings.dispatcher;
    this.#logger = settings.logger;
    this.#fleet =
      settings.store && settings.auth === 'client_credentials'
        ? new FleetStore(settings.store, settings.tokenUrl, (level, message) => this.#log(level, message))
        : undefined;
    if (settings.auth === 'static') {
      const value = settings.accessToken;
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
    return this.#opts.api.origin;
  }

  /** The API base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.#opts.api.baseUrl;
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
   * A snapshot of where the service stands (see {@link TokenServiceStatus}):
   * for a health check, which must not spend a token request to find out
   * that requests are held back. Unlike `getToken()`, it starts no refresh.
   */
  get status(): TokenServiceStatus {
    const now = Date.now();
    const c = this.#current;
    const last = this.#lastPair;
    return {
      auth: this.#opts.auth,
      hasToken: c !== undefined && now < c.staleAt,
      expiresAt: c?.token.expiresAt,
      fetching: this.#inflight !== undefined,
      heldBack: this.#credentials === undefined ? undefined : last ? this.#heldBack(last.state, now) : this.#heldBackService(now),
      closed: this.closed,
      store: this.#fleet === undefined ? undefined : this.#fleet.down ? 'unavailable' : 'ok',
    };
  }

  /**
   * Every value that must never be printed, for redaction: the client
   * secret, the `clientId:clientSecret` pair (what HTTP Basic encodes), and
   * the current and a few previous token values. With credential functions,
   * the last few secrets they returned. A fresh array each call.
   *
   * @internal
   */
  sensitiveValues(): string[] {
    const out: string[] = [...this.#recentTokens];
    for (const c of this.#recentCredentials) out.push(c.clientSecret, `${c.clientId}:${c.clientSecret}`);
    return out;
  }

  #remember(value: string): void {
    const recent = this.#recentTokens;
    if (recent[recent.length - 1] === value) return;
    recent.push(value);
    if (recent.length > 4) recent.shift();
  }

  #rememberCredentials(c: ClientCredentials): void {
    const recent = this.#recentCredentials;
    const last = recent[recent.length - 1];
    if (last && last.clientId === c.clientId && last.clientSecret === c.clientSecret) return;
    recent.push({ clientId: c.clientId, clientSecret: c.clientSecret });
    if (recent.length > RECENT_CREDENTIALS) recent.shift();
  }

  /** @internal Where the API lives (origin, base path), for the clients built on this service. Holds no secret. */
  get api(): ApiTarget {
    return this.#opts.api;
  }

  /**
   * A token that is good for at least the safety margin. Resolves at once
   * from the cache in steady state; otherwise waits for the one shared fetch.
   *
   * @throws {AsposeAuthError} when the token endpoint refuses or stays
   *   unavailable (`ERR_ASPOSE_AUTH_REFUSED`, `ERR_ASPOSE_AUTH_UNAVAILABLE`),
   *   or asked for a `Retry-After` that has not passed (`ERR_ASPOSE_AUTH_RATE_LIMITED`).
   * @throws {AsposeConfigError} when `auth` is `none`, or a credential function
   *   throws or returns a bad value.
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
        this.#log(
          'warn',
          `Aspose access token kept although the API answered 401: it was renewed less than ${interval} ms ago (min401RenewalIntervalMs), so further 401s go back to their callers until then`,
        );
      }
      return false;
    }
    this.#lastInvalidatedAt = now;
    this.#declineLogged = false;
    const dropped = this.#current;
    this.#current = undefined;
    this.#dropped.push(dropped.token.value);
    if (this.#dropped.length > 4) this.#dropped.shift();
    // Fleet mode: drop the shared token too, if it is still this one (another process may have
    // renewed it already); the next fetch waits for this before it reads the store.
    if (dropped.shared && this.#fleet) this.#pendingDrop = this.#fleet.dropToken(dropped.shared.pair, dropped.shared.entry).catch(() => {});
    this.#stats.invalidations++;
    this.#log('debug', 'Aspose access token invalidated (the API answered 401)');
    if (tokenInvalidateChannel.hasSubscribers) tokenInvalidateChannel.publish({ service: this, tokenUrl: safeUrl(this.#opts.tokenUrl) });
    return true;
  }

  /**
   * Cancels a token request in flight, stops future ones, and closes the
   * service's own connections (a `dispatcher` you passed stays yours).
   * Idempotent; resolves once the connections are closed.
   */
  async close(): Promise<void> {
    this.#closed.abort(new AsposeAbortError('TokenService closed', { method: '', path: '' }));
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

  /**
   * Logs a line. A logger that throws is ignored: it must never change an
   * outcome (fail a call that got its token, or lose a 401 replay).
   */
  #log(level: keyof AsposeLogger, message: string): void {
    try {
      this.#logger?.[level]?.(message);
    } catch {
      // The logger's own failure is its own business.
    }
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
    this.#fetch(false).catch((err: unknown) => {
      const later = Date.now() + Math.max(1_000, this.#opts.maxDelayMs);
      const retryAt = err instanceof AsposeAuthError ? err.retryAt : undefined;
      // Held back: try again when allowed. With credential functions, sooner, since
      // new credentials are not held back (the old pair still is, at no cost); but a
      // failing endpoint holds back every pair, so after one, no sooner than its hold.
      this.#backgroundRetryAt =
        retryAt === undefined
          ? later
          : (err as AsposeAuthError).code === 'ERR_ASPOSE_AUTH_UNAVAILABLE'
            ? Math.max(retryAt, later)
            : this.#credentials?.dynamic
              ? Math.min(retryAt, later)
              : retryAt;
    });
  }

  #fetch(force: boolean): Promise<CachedToken> {
    if (this.#inflight) return this.#inflight;
    const credentials = this.#credentials;
    if (credentials === undefined) return Promise.reject(this.#cannotFetch(force));
    if (this.closed) return Promise.reject(closedError());
    // Fail at once, without reading the credentials again, while the last pair is held
    // back and cannot have changed (fixed strings, or functions read under a second ago).
    const now = Date.now();
    const last = this.#lastPair;
    const held = last && (!credentials.dynamic || now - last.readAt < CREDENTIAL_RECHECK_MS) ? this.#heldBack(last.state, now) : this.#heldBackService(now);
    if (held) {
      this.#stats.heldBack++;
      return Promise.reject(held);
    }
    // For the log line: a refresh ahead of expiry, a renewal (after a 401, expiry or
    // forceRefresh), or the first token.
    const why = this.#current ? 'refreshed ahead of expiry' : this.#stats.tokensIssued > 0 ? 'renewed' : 'obtained';
    // For the refresh channel: only invalidate() drops a token but close(), which ends fetching.
    const reason: AsposeTokenRefreshReason = force ? 'forced' : this.#current ? 'expiring' : this.#stats.tokensIssued > 0 ? 'after-401' : 'first';
    const p = (this.#fleet ? this.#fetchViaFleet(this.#fleet, why, reason, credentials) : this.#fetchWithRetry(why, reason, credentials)).finally(() => {
      if (this.#inflight === p) this.#inflight = undefined;
    });
    this.#inflight = p;
    return p;
  }

  /**
   * Why no request may be sent for `pair` now, as the error calls get, or
   * undefined if one may (perhaps after waiting out a short `Retry-After` window).
   */
  #heldBack(pair: PairState, now: number): AsposeAuthError | undefined {
    const refusalEnd = pair.refusalEndsAt(this.#refusalPolicy);
    const window = this.#window(pair, now);
    // Whichever hold ends last speaks: its error says when the next request may go.
    const outage = this.#outage.failure;
    const outageEnd = this.#outage.endsAt;
    if (outage && outageEnd > now && outageEnd >= refusalEnd && outageEnd >= (window?.until ?? 0)) return outage;
    if (refusalEnd > now && refusalEnd >= (window?.until ?? 0)) {
      return pair.refusal && pair.refusal.retryAt! >= refusalEnd ? pair.refusal : limitError(refusalEnd, now, this.#refusalPolicy);
    }
    if (window && window.until - now > this.#opts.maxRetryAfterMs) return rateLimitedError(window, now, this.#opts.tokenUrl, 0);
    return undefined;
  }

  /**
   * {@link #heldBack} for a pair not read yet: only the service-wide holds can hold it
   * (and then the credential functions are not called: new credentials would wait too).
   */
  #heldBackService(now: number): AsposeAuthError | undefined {
    const w = this.#serviceWindow;
    const outage = this.#outage.failure;
    const outageEnd = this.#outage.endsAt;
    if (outage && outageEnd > now && outageEnd >= (w?.until ?? 0)) return outage;
    return w && w.until - now > this.#opts.maxRetryAfterMs ? rateLimitedError(w, now, this.#opts.tokenUrl, 0) : undefined;
  }

  /** The `Retry-After` window in force for `pair` (its lockout, or the service's), ending last. */
  #window(pair: PairState, now: number): RetryWindow | undefined {
    const a = this.#serviceWindow;
    const b = pair.lockout;
    const w = a && b ? (a.until >= b.until ? a : b) : (a ?? b);
    return w && w.until > now ? w : undefined;
  }

  #cannotFetch(force: boolean): AsposeError {
    if (this.#opts.auth === 'none') {
      return new AsposeConfigError([
        { option: 'auth', problem: `is 'none', so there is no access token: set auth to 'client_credentials' with clientId and clientSecret to use tokens` },
      ]);
    }
    return new AsposeAuthUnavailableError(
      force
        ? `Cannot refresh a static access token: use auth 'client_credentials' with clientId and clientSecret for refreshable tokens`
        : 'The static access token has expired: supply a new accessToken, or use clientId and clientSecret so tokens refresh by themselves',
    );
  }

  /** The credentials to send now, and their pair's state. */
  async #readCredentials(source: CredentialSource): Promise<{ credentials: ClientCredentials; pair: PairState }> {
    let credentials: ClientCredentials;
    try {
      credentials = await source.read(this.#opts.tokenTimeoutMs, this.#closed.signal);
    } catch (err) {
      throw this.closed ? closedError() : err;
    }
    this.#rememberCredentials(credentials);
    let pair = this.#pairs.get(credentials.key);
    if (pair) {
      this.#pairs.delete(credentials.key); // re-inserted below: the map stays least recently used first
    } else {
      pair = new PairState();
      if (this.#pairs.size >= MAX_PAIRS) this.#pairs.delete(this.#pairs.keys().next().value!);
    }
    this.#pairs.set(credentials.key, pair);
    this.#lastPair = { state: pair, readAt: Date.now() };
    return { credentials, pair };
  }

  /**
   * Fleet mode: one fetch for every process sharing the store. Takes the
   * shared token when there is a good one; else takes the pair's lease and
   * fetches (sharing the token, or the hold its failure puts on the pair);
   * else waits for the process holding the lease, looking at the store every
   * {@link FLEET_POLL_MS} ms, and takes the lease over if it expires (its
   * holder died). A hold another process shared holds this one back too.
   * A failing store, or a wait longer than twice `tokenTimeoutMs`, and the
   * process fetches on its own.
   */
  async #fetchViaFleet(fleet: FleetStore, why: string, reason: AsposeTokenRefreshReason, source: CredentialSource): Promise<CachedToken> {
    let read: { credentials: ClientCredentials; pair: PairState };
    try {
      read = await this.#readCredentials(source);
    } catch {
      // Fails the same way there, with its stats and log line.
      return this.#fetchWithRetry(why, reason, source);
    }
    const { credentials, pair } = read;
    const fp = fleet.pair(credentials);
    const current = this.#current;
    const leaseMs = this.#opts.tokenTimeoutMs;
    let giveUpAt = Date.now() + 2 * this.#opts.tokenTimeoutMs;
    try {
      if (this.#pendingDrop) await this.#pendingDrop;
      for (;;) {
        if (this.closed) throw closedError();
        const shared = await fleet.readToken(fp);
        if (shared && this.#acceptable(shared.token, current, reason)) return this.#adopt(shared.token, shared.entry, fp, pair);
        await this.#applyShared(fleet, fp, pair);
        // A hold another process shared: fail now, as it would have.
        const held = this.#heldBack(pair, Date.now());
        if (held) {
          this.#stats.heldBack++;
          throw held;
        }
        // A short Retry-After window in force: the lease holder waits it out before its request,
        // so waiting for it is not a sign it died.
        const window = this.#window(pair, Date.now());
        if (window) giveUpAt = Math.max(giveUpAt, window.until + 2 * leaseMs);
        const lease = await fleet.takeLease(fp, leaseMs);
        if (lease !== undefined) return await this.#fetchHoldingLease(fleet, fp, lease, pair, current, why, reason, source);
        if (Date.now() >= giveUpAt) {
          this.#log('warn', `Aspose fleet mode: another process has held the token fetch for over ${2 * leaseMs} ms (twice tokenTimeoutMs); fetching alone`);
          break;
        }
        await sleep(FLEET_POLL_MS + Math.random() * FLEET_POLL_MS, this.#closed.signal);
      }
    } catch (err) {
      if (!(err instanceof StoreUnavailable)) throw err;
    }
    return this.#fetchWithRetry(why, reason, source);
  }

  /** Fleet mode, holding the lease: one last look at the store, then the fetch, then sharing its outcome. */
  async #fetchHoldingLease(
    fleet: FleetStore,
    fp: FleetPair,
    lease: string,
    pair: PairState,
    current: CachedToken | undefined,
    why: string,
    reason: AsposeTokenRefreshReason,
    source: CredentialSource,
  ): Promise<CachedToken> {
    const release = () => void fleet.releaseLease(fp, lease).catch(() => {});
    let cached: CachedToken;
    try {
      // The process before may have shared its token (or its failure) and let the lease go just now.
      const again = await fleet.readToken(fp);
      if (again && this.#acceptable(again.token, current, reason)) {
        release();
        return this.#adopt(again.token, again.entry, fp, pair);
      }
      await this.#applyShared(fleet, fp, pair);
      const renew = (ttlMs: number) => fleet.renewLease(fp, lease, ttlMs).catch(() => {});
      cached = await this.#fetchWithRetry(why, reason, source, renew);
    } catch (err) {
      if (err instanceof AsposeAuthError) await this.#shareState(fleet, fp, pair, err).catch(() => {});
      release();
      throw err;
    }
    try {
      const entry = await fleet.writeToken(fp, cached.token, cached.staleAt - Date.now());
      cached.shared = { pair: fp, entry };
      await this.#shareState(fleet, fp, pair, undefined);
    } catch {
      // The store failed (logged once): the token is still good for this process.
    }
    release();
    return cached;
  }

  /** A shared token this process may take now: not one a 401 dropped here, not stale, and newer than the current one when that is being replaced. */
  #acceptable(t: SharedToken, current: CachedToken | undefined, reason: AsposeTokenRefreshReason): boolean {
    if (this.#dropped.includes(t.value)) return false;
    const skew = Math.min(Math.max(0, t.expiresAt - t.obtainedAt) * 0.05, this.#opts.expirySkewMs);
    if (Date.now() >= t.expiresAt - skew) return false;
    if (current && (reason === 'expiring' || reason === 'forced')) return t.value !== current.token.value && t.expiresAt > current.token.expiresAt;
    return true;
  }

  /** A token for `pair`, fetched here or by another process: every hold it ended is over. */
  #tokenObtained(pair: PairState): void {
    pair.recordSuccess();
    this.#outage.recordSuccess();
    this.#serviceWindow = undefined;
    this.#backgroundRetryAt = 0;
  }

  /** Takes a token another process fetched, as if this one had: the holds on the pair end. */
  #adopt(t: SharedToken, entry: string, fp: FleetPair, pair: PairState): CachedToken {
    const cached = this.#cache(new AccessToken(t.value, t.tokenType, t.expiresAt, t.obtainedAt));
    cached.shared = { pair: fp, entry };
    this.#tokenObtained(pair);
    this.#stats.fromStore++;
    if (this.#lockout) this.#lockoutEnded();
    this.#log('debug', `Aspose access token taken from the token store (fleet mode); valid ${Math.round((t.expiresAt - Date.now()) / 1000)} s more`);
    return cached;
  }

  /**
   * Reads what the fleet has met with this pair (refusals, lockout, outage,
   * `Retry-After`) into this process's state, so that {@link #heldBack}
   * holds it back as if it had met it itself.
   */
  async #applyShared(fleet: FleetStore, fp: FleetPair, pair: PairState): Promise<void> {
    const state = await fleet.readState(fp);
    if (!state) return;
    const max = this.#refusalPolicy.maxRequests;
    const merged = [...new Set([...pair.refusedAt, ...state.refusedAt])].sort((a, b) => a - b).slice(-max);
    pair.refusedAt.splice(0, pair.refusedAt.length, ...merged);
    pair.consecutiveRefusals = Math.max(pair.consecutiveRefusals, state.consecutiveRefusals);
    const h = state.hold;
    const now = Date.now();
    if (!h || h.retryAt <= now) return;
    const error = sharedHoldError(h);
    if (!error) return;
    let adopted = false;
    if (h.kind === 'refusal' && (pair.refusal?.retryAt ?? 0) < h.retryAt) {
      pair.refusal = error;
      adopted = true;
    } else if (h.kind === 'lockout' && (pair.lockout?.until ?? 0) < h.retryAt) {
      pair.lockout = { until: h.retryAt, askedMs: h.askedMs ?? h.retryAt - now, answer: error };
      adopted = true;
    } else if (h.kind === 'service' && (this.#serviceWindow?.until ?? 0) < h.retryAt) {
      this.#serviceWindow = { until: h.retryAt, askedMs: h.askedMs ?? h.retryAt - now, answer: error };
      adopted = true;
    } else if (h.kind === 'outage' && this.#outage.endsAt < h.retryAt) {
      this.#outage.failure = error;
      this.#outage.consecutiveFailures = Math.max(this.#outage.consecutiveFailures, h.failures ?? 1);
      adopted = true;
    }
    if (adopted) {
      this.#log('warn', `Aspose token requests held back, as another process sharing the token store found: ${error.message}`);
      this.#lockoutStarted(error, now);
    }
  }

  /** Shares this pair's refusals, and the hold `error` (the fetch's failure) puts on it, with the fleet. */
  async #shareState(fleet: FleetStore, fp: FleetPair, pair: PairState, error: AsposeAuthError | undefined): Promise<void> {
    const now = Date.now();
    let hold: SharedHold | undefined;
    if (error?.retryAt !== undefined && error.retryAt > now) {
      const code = error.code;
      const kind: SharedHold['kind'] =
        code === 'ERR_ASPOSE_AUTH_REFUSED' || code === 'ERR_ASPOSE_AUTH_INVALID_RESPONSE'
          ? 'refusal'
          : code === 'ERR_ASPOSE_AUTH_UNAVAILABLE'
            ? 'outage'
            : error.status === 429
              ? 'lockout'
              : 'service';
      const window = kind === 'lockout' ? pair.lockout : kind === 'service' ? this.#serviceWindow : undefined;
      hold = {
        kind,
        retryAt: error.retryAt,
        code,
        status: error.status,
        message: error.message,
        oauthError: error.oauthError,
        askedMs: window?.askedMs,
        failures: kind === 'outage' ? this.#outage.consecutiveFailures : undefined,
      };
    }
    const state: SharedPairState = { refusedAt: [...pair.refusedAt], consecutiveRefusals: pair.consecutiveRefusals, hold };
    const lastRefusal = pair.refusedAt.length > 0 ? pair.refusedAt[pair.refusedAt.length - 1] + this.#refusalPolicy.windowMs : 0;
    const until = Math.max(hold?.retryAt ?? 0, lastRefusal, now + 1_000);
    await fleet.writeState(fp, state, until - now);
  }

  async #fetchWithRetry(
    why: string,
    reason: AsposeTokenRefreshReason,
    source: CredentialSource,
    keepLease?: (ttlMs: number) => Promise<void>,
  ): Promise<CachedToken> {
    const o = this.#opts;
    const started = Date.now();
    for (let attempt = 0; ;) {
      if (this.closed) throw closedError();
      let read: { credentials: ClientCredentials; pair: PairState };
      try {
        read = await this.#readCredentials(source);
      } catch (err) {
        if (!this.closed) {
          this.#stats.failures++;
          this.#log('error', `Aspose access token request not sent: ${(err as Error).message}`);
        }
        throw err;
      }
      const { credentials, pair } = read;
      const now = Date.now();
      // Checked right before every request, and only one request is ever in flight:
      // this is what bounds requests per window (see PairState.limitOpensAt).
      const held = this.#heldBack(pair, now);
      if (held) {
        if (attempt === 0) this.#stats.heldBack++;
        else this.#stats.failures++;
        throw held;
      }
      const wait = (this.#window(pair, now)?.until ?? now) - now;
      if (wait > 0) {
        // A short Retry-After (at most retry.maxRetryAfterMs): wait it out, then check again.
        // Fleet mode: the lease outlives the wait, or another process would take it and send too.
        if (keepLease) await keepLease(wait + o.tokenTimeoutMs);
        await sleep(wait, this.#closed.signal);
        continue;
      }
      // Fleet mode: keep the lease for the next request of this fetch.
      if (attempt > 0 && keepLease) await keepLease(o.tokenTimeoutMs);
      attempt++;
      this.#stats.requests++;
      if (this.#lockout) this.#lockoutEnded();
      const request = {
        tokenUrl: o.tokenUrl,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        scope: o.scope,
        timeoutMs: o.tokenTimeoutMs,
        dispatcher: this.#tokenDispatcher(),
        signal: this.#closed.signal,
        fallbackLifetimeMs: FALLBACK_LIFETIME_MS,
      };
      const result = await (tokenChannel.hasSubscribers ? traceTokenRequest(request, attempt) : requestTokenOnce(request));
      if (result.ok) {
        const cached = this.#cache(result.token);
        this.#tokenObtained(pair);
        this.#stats.tokensIssued++;
        this.#log(
          'log',
          `Aspose access token ${why} from ${safeUrl(o.tokenUrl)} in ${Date.now() - started} ms${attempt > 1 ? ` after ${attempt} attempts` : ''}; valid ${Math.round((result.token.expiresAt - result.token.obtainedAt) / 1000)} s`,
        );
        if (tokenRefreshChannel.hasSubscribers) {
          tokenRefreshChannel.publish({ service: this, tokenUrl: safeUrl(o.tokenUrl), reason, expiresAt: result.token.expiresAt });
        }
        return cached;
      }
      const { error } = result;
      const retryAfter = result.retryAfterMs;
      const answeredAt = Date.now();
      // A refusal, and an unusable token too: sending the same request again at once would
      // only get the same answer, so both hold the pair back the same way.
      if ((error.code === 'ERR_ASPOSE_AUTH_REFUSED' || error.code === 'ERR_ASPOSE_AUTH_INVALID_RESPONSE') && !this.closed) {
        const final = pair.recordRefusal(withAttempts(error, attempt), now, answeredAt, this.#refusalPolicy, retryAfter);
        this.#stats.failures++;
        this.#log('error', `Aspose access token request failed: ${final.message}`);
        this.#lockoutStarted(final);
        throw final;
      }
      if (retryAfter !== undefined && retryAfter > 0 && !this.closed) {
        const window = openWindow(error, retryAfter, answeredAt);
        // Aspose's 429 locks out one credential pair; any other status speaks for the endpoint.
        if (error.status === 429) pair.lockout = window;
        else this.#serviceWindow = window;
        if (window.until - answeredAt > o.maxRetryAfterMs) {
          this.#stats.failures++;
          const final = rateLimitedError(window, answeredAt, o.tokenUrl, attempt);
          this.#log('error', `Aspose access token request failed: ${final.message}`);
          this.#lockoutStarted(final);
          throw final;
        }
      }
      if (!result.transient || attempt > o.retries || this.closed) {
        this.#stats.failures++;
        const gaveUp =
          result.transient && attempt > 1
            ? new AsposeAuthUnavailableError(`${error.message} (gave up after ${attempt} attempts in ${Date.now() - started} ms)`, {
                status: error.status,
                oauthError: error.oauthError,
                oauthErrorDescription: error.oauthErrorDescription,
                attempts: attempt,
                cause: error.cause,
              })
            : withAttempts(error, attempt);
        // Retries spent on a failing endpoint: hold every token request back for a while, or the
        // next call would spend as many again (and the next, and the next: a retry storm).
        const failedAt = Date.now();
        const final = result.transient && !this.closed ? this.#outage.recordFailure(gaveUp, failedAt, o.maxDelayMs) : gaveUp;
        this.#log('error', `Aspose access token request failed: ${final.message}`);
        // Judged at the moment of the failure, not after the log line: a short hold is still a hold.
        this.#lockoutStarted(final, failedAt);
        throw final;
      }
      const backoff = Math.random() * Math.min(o.maxDelayMs, o.minDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(retryAfter ?? 0, backoff);
      this.#log('warn', `Aspose token request attempt ${attempt} failed (${error.message}); retrying in ${formatDuration(delay)}`);
      // The backoff; a longer Retry-After window is waited out at the top of the loop.
      await sleep(backoff, this.#closed.signal);
    }
  }

  /**
   * A fetch ended in `error`: if it holds token requests back (its `retryAt` is
   * ahead), that hold is a lockout, announced on the lockout channel. Its end is
   * announced by {@link #lockoutEnded} when the next token request goes.
   */
  #lockoutStarted(error: AsposeAuthError, decidedAt: number = Date.now()): void {
    const until = error.retryAt;
    if (until === undefined || until <= decidedAt || this.closed) return;
    const code = error.code;
    this.#lockout = { until, code, status: error.status };
    if (tokenLockoutChannel.hasSubscribers) {
      tokenLockoutChannel.publish({ service: this, tokenUrl: safeUrl(this.#opts.tokenUrl), phase: 'start', until, code, status: error.status });
    }
  }

  /** A token request goes again after a lockout: announces its end. */
  #lockoutEnded(): void {
    const hold = this.#lockout!;
    this.#lockout = undefined;
    if (tokenLockoutChannel.hasSubscribers) {
      tokenLockoutChannel.publish({
        service: this,
        tokenUrl: safeUrl(this.#opts.tokenUrl),
        phase: 'end',
        until: hold.until,
        code: hold.code,
        status: hold.status,
      });
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
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      // The shared fetch is always handled here, even for a signal aborted already: a caller
      // that stops waiting must not leave its failure to become an unhandled rejection.
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** True for a {@link TokenService} from either module format of this package. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kTokenService] === true;
  }

  /** @internal The brand `instanceof` checks. */
  get [kTokenService](): true {
    return true;
  }

  toJSON(): object {
    // Never calls a credential function: it may be a vault read, and its value may be secret.
    const o = this.#opts;
    const clientId = o.auth !== 'client_credentials' ? undefined : typeof o.clientId === 'string' ? o.clientId : '(from a function)';
    return { auth: this.auth, baseUrl: this.baseUrl, tokenUrl: this.tokenUrl, clientId, hasToken: this.#current !== undefined };
  }

  [inspect.custom](): string {
    return `TokenService ${inspect(this.toJSON())}`;
  }
}

/** The error a hold another process shared stands for, with its code, status and message. */
function sharedHoldError(h: SharedHold): AsposeAuthError | undefined {
  if (!isAuthErrorCode(h.code)) return undefined;
  return authErrorOfCode(h.code, h.message, { status: h.status, oauthError: h.oauthError, attempts: 0, retryAt: h.retryAt });
}

function closedError(): AsposeAuthError {
  return new AsposeAuthUnavailableError('TokenService is closed', { attempts: 0 });
}

/** `error` as sent after `attempts` requests: the same error if it says so already, else a new one of its class. */
function withAttempts(error: AsposeAuthError, attempts: number): AsposeAuthError {
  if (error.attempts === attempts) return error;
  return authErrorLike(error, error.message, { attempts });
}

function abortError(signal: AbortSignal): AsposeAbortError {
  return new AsposeAbortError('Stopped waiting for an access token: the signal was aborted', { method: '', path: '', cause: signal.reason });
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
