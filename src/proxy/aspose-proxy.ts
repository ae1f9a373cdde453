import type { IncomingMessage, ServerResponse } from 'node:http';
import { AsposeConfigError, AsposeProxyRateLimitedError, AsposeProxyRefusedError, type AsposeError, type ConfigIssue } from '../errors/errors.js';
import { trimTrailingSlashes } from '../config/settings.js';
import { AsposeClient } from '../http/aspose-client.js';
import { isAllowed, parseAllowList, type AllowRule } from './allow-list.js';
import {
  dropFramingSetInFront,
  HOOK_HEADER_RULES,
  isAlwaysDropped,
  isClientAddressHeader,
  requestHeadersForUpstream,
  transferEncodingProblem,
  type RequestHeaderRules,
} from './header-filter.js';
import { checkTarget, isTokenEndpoint } from './path-guard.js';
import { ProxyExchange, RequestState, type ExchangeHooks } from './proxy-exchange.js';
import {
  delegatedFailure,
  internalError,
  PROXY_ERROR_STATUS,
  refusalError,
  sendProxyError,
  type AsposeProxyErrorCode,
  type ProxyRefusalCode,
} from './proxy-errors.js';
import { proxyChannel, type AsposeProxyEvent } from './proxy-report.js';
import { compileRateLimit, type AsposeProxyRateLimit } from './rate-limit.js';
import { hasRequestBody, RequestBody } from './request-body.js';
import { answerSdkTokenRequest, carriesSdkPlaceholder, isSdkTokenPath } from './sdk-token.js';

/** Options of `asposeProxy()`, shared by the Express and Koa adapters. */
export interface AsposeProxyOptions {
  /**
   * The client whose origin and token the proxy uses. Default: the one
   * `asposeAuth()` put on the request (`req.aspose`, `ctx.state.aspose`).
   */
  client?: AsposeClient;
  /**
   * What may be forwarded: `"METHOD /path-prefix"` entries, such as
   * `'GET /v4.0/words/'`, `'POST /v4.0/barcode/generate'` or `'* /v5.0/ocr/'`
   * (`*` is GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS). A prefix matches
   * whole path segments, ignoring case. Anything else is answered 403.
   * Token endpoints are refused even if listed.
   */
  allow: readonly string[];
  /**
   * Handle only requests under this path (such as `/aspose`), with the
   * prefix cut off before matching; others go to the next middleware.
   * Needed with Koa; with Express, mounting with `app.use('/aspose', …)` does
   * the same. Matched case-sensitively on the raw URL.
   */
  prefix?: string;
  /**
   * Bound on waiting for the Aspose API's answer headers (from the call, the
   * token wait included), and then on each gap between body chunks, in ms,
   * whether the API stalled or the caller stopped reading: a caller that
   * stops reading a download has the upstream request cancelled after it.
   * Default: the client's `timeoutMs` (120000 unless configured). A timeout
   * is answered 504, or cuts the connection once the answer has started.
   */
  timeoutMs?: number;
  /**
   * Largest request body forwarded, in bytes; a larger one is answered 413
   * (at once when `Content-Length` says so, else when the limit is passed,
   * with the upstream request cancelled). Default: no limit.
   */
  maxBodyBytes?: number;
  /** More request header names never to forward, on top of the credentials and hop-by-hop headers always dropped. */
  dropRequestHeaders?: readonly string[];
  /**
   * Client-address headers to forward anyway, such as `['x-forwarded-for']`
   * when a load balancer you trust sets it. By default the proxy drops
   * `Forwarded`, `Via`, every `X-Forwarded-*`, `X-Real-IP`, `X-Client-IP`,
   * `Client-IP`, `True-Client-IP`, `CF-Connecting-IP`, `Fastly-Client-IP`,
   * `X-ARR-ClientIP`, `X-Azure-ClientIP`, `X-Envoy-External-Address`,
   * `X-Url-Scheme`, `Front-End-Https` and their kin (the whole list is in
   * docs/express-koa.md): from a browser they say whatever it likes.
   * Only those names are accepted here; credentials, hop-by-hop headers and
   * method, URL or host overrides (`X-HTTP-Method-Override`,
   * `X-Original-Method`, `X-Original-URL`, `X-Original-Host`, `X-Host`, …)
   * are never forwarded.
   */
  forwardRequestHeaders?: readonly string[];
  /**
   * Called with each failure the proxy answers 5xx (or cuts an answer for):
   * an upstream failure turned into a 502 or 504 (a timeout, a network
   * failure, no token), an upstream failure that cuts an answer already
   * started, a body read before the proxy ({@link AsposeProxyBodyConsumedError},
   * 500: a body parser mounted in front of it), a missing client
   * (`AsposeConfigError`, 500), and each unexpected failure inside the proxy
   * or thrown by one of your hooks (answered 500 `ERR_ASPOSE_PROXY_INTERNAL`;
   * reported as an `AsposeProxyInternalError`, with what was thrown as a
   * redacted `cause`), so your logs get the detail that the browser does
   * not. Refusals (4xx) are the caller's doing and are not reported here
   * (see `onForward`). The error holds no secret or token. `response` is
   * the caller's response (already answered, or about to be). A hook that
   * throws is ignored.
   */
  onError?: (error: AsposeError, request: IncomingMessage, response: ServerResponse) => void;
  /**
   * The CSRF defence: every request with a state-changing method (anything
   * but GET, HEAD and OPTIONS) must carry a custom header, `X-Requested-With`
   * by default (any non-empty value), or it is refused 403
   * `ERR_ASPOSE_PROXY_CSRF` before anything goes upstream. A cross-site form
   * cannot set a header, and a cross-site `fetch` that sets one must first
   * pass a CORS preflight, which only your `cors()` can grant. The header is
   * not forwarded upstream (it is a message to the proxy, not to Aspose).
   *
   * A request the browser marks `Sec-Fetch-Site: cross-site` must carry it
   * whatever its method: Aspose GETs spend credits and some write to
   * storage (`?outPath=`), and a page on another site can make a signed-in
   * user's browser send a GET (a link, an image, a simple `fetch`) with the
   * user's cookies. Your own cross-site front end sends the header anyway
   * (its `cors()`-approved preflight allows it); same-site pages and
   * server-to-server callers (no `Sec-Fetch-Site`) need nothing for a GET.
   *
   * `{ header: 'x-csrf' }` names another header (your front end may already
   * send one); `false` turns the check off, for server-to-server callers
   * that no browser can impersonate. Default: on, with `X-Requested-With`.
   */
  csrf?: false | { header?: string };
  /**
   * Per-user limits: `points` calls per `duration` seconds for each key
   * `key(req)` gives, counted by rate-limiter-flexible (in memory, or in the
   * `store` you give, such as a `RateLimiterRedis` for a fleet). A caller
   * over its limit is answered 429 `ERR_ASPOSE_PROXY_RATE_LIMITED` with
   * `Retry-After` (seconds, rounded up) before anything goes upstream. Only
   * requests that pass every other check count. Default: no limit.
   */
  rateLimit?: AsposeProxyRateLimit;
  /**
   * Your own check, run after every rule of the proxy passed (and the rate
   * limit, if any) and before the request goes upstream: for credits per
   * user, plan checks, audit. May be async. Return `false` to refuse with
   * 403 `ERR_ASPOSE_PROXY_REFUSED`, or throw an {@link AsposeProxyRefusedError}
   * to refuse with your own 4xx and message (sent to the caller as it is);
   * anything else thrown (or rejected) is answered 500
   * `ERR_ASPOSE_PROXY_INTERNAL` and reported to `onError`. Nothing of the
   * request body has been read when it runs.
   */
  beforeForward?: (request: IncomingMessage, info: AsposeProxyForwardInfo) => void | boolean | Promise<void | boolean>;
  /**
   * Adds or rewrites the headers sent upstream: called with the headers the
   * proxy's filter kept (lower-case names; mutate them, or return new ones)
   * just before the request goes upstream. What it returns is filtered
   * again: credentials (`Authorization`: the proxy sets its own), `Cookie`,
   * `Host`, hop-by-hop headers, method and URL overrides are still dropped,
   * and a value with CR, LF or NUL fails the request with 500
   * `ERR_ASPOSE_PROXY_INTERNAL`; client-address headers it sets (an
   * `X-Forwarded-For` from the socket's address) are kept. Synchronous.
   */
  rewriteRequestHeaders?: (headers: Record<string, string | string[]>, request: IncomingMessage) => Record<string, string | string[]> | void;
  /**
   * Rewrites the Aspose API's answer headers before they are sent (such as
   * a `Location` or a `Link` naming the Aspose origin): called with the
   * headers the proxy's filter kept (lower-case names; mutate them, or
   * return new ones), the request and the answer's status. What it returns
   * is filtered again (hop-by-hop headers, `Set-Cookie`, `Access-Control-*`
   * and the server's secrets are still dropped). A hook that throws fails
   * the request with 500 `ERR_ASPOSE_PROXY_INTERNAL`, reported to `onError`.
   */
  rewriteResponseHeaders?: (headers: Record<string, string | string[]>, request: IncomingMessage, status: number) => Record<string, string | string[]> | void;
  /**
   * Called once for every request the proxy handled: forwarded, refused or
   * failed, with who (the `rateLimit` key), what, the status, the bytes
   * each way and how long it took (see {@link AsposeProxyEvent}), for audit
   * logs and accounting. The same events are published on the diagnostics
   * channel `aspose-cloud-auth:proxy`. Never holds a token or a secret. A
   * hook that throws (or rejects) is reported to `onError` and changes
   * nothing for the caller.
   */
  onForward?: (event: AsposeProxyEvent, request: IncomingMessage) => void;
  /**
   * Hand refusals and failures to the framework's own error handling
   * instead of answering them with the proxy's JSON: `next(err)` in
   * Express, a throw in Koa (with `ctx.respond` left on), so one error
   * handler renders every error of the app. Only errors before the answer
   * started are handed over (after that there is no status left to
   * change, so the connection is cut as usual), and never the answer to a
   * CORS preflight. What the framework gets is an `AsposeProxyError` with
   * `status`, `statusCode`, `expose` and `headers` (Express's
   * `finalhandler` and Koa's `ctx.onerror` use them), or an
   * `AsposeConfigError` when there is no client (500). `onError` is still
   * called as without this option. Default: false.
   */
  delegateErrors?: boolean;
  /**
   * Let an official Aspose SDK (`asposewordscloud`, `asposecellscloud`, …)
   * pointed at the proxy work unchanged: its token request (`POST` to
   * `{prefix}/connect/token`, `{prefix}/oauth2/token` or a product token
   * path such as `{prefix}/v4.0/words/connect/token`) is answered here with a
   * placeholder token that no Aspose server accepts, and nothing goes
   * upstream; the SDK then sends the placeholder as its bearer token, which
   * the proxy drops, as it drops every caller's `Authorization`, and its
   * calls go upstream with the server's token, under the allow list as
   * usual. Give the SDK any client id and secret: they are read only to be
   * dropped. A request that carries the placeholder as its bearer token
   * passes the CSRF check (no page on another site can send an
   * `Authorization` header without a CORS preflight), so an SDK's POSTs
   * need no custom header. Default `false`: token paths are refused 403
   * `ERR_ASPOSE_PROXY_TOKEN_ENDPOINT`.
   */
  sdkTokenEndpoint?: boolean;
}

/** What {@link AsposeProxyOptions.beforeForward} is told besides the request. */
export interface AsposeProxyForwardInfo {
  /** The request method, upper-case. */
  method: string;
  /** The target path (after the prefix), without the query string. */
  path: string;
  /** The caller's key from `rateLimit.key`, when there is a rate limit and it gave one. */
  userKey: string | undefined;
}

/**
 * The framework-neutral proxy that the Express and Koa adapters wrap. It
 * works on Node's own request and response objects and never calls a
 * framework.
 */
export interface AsposeProxy {
  /**
   * The target (path and query to forward, before checks) if `url` is under
   * the proxy's `prefix`, else `undefined` (not for this proxy). An
   * absolute-form URL under the prefix is returned as it is, so that
   * {@link handle} refuses it.
   */
  match(url: string | undefined): string | undefined;
  /**
   * Checks the request, forwards it with the client's token, and streams the
   * answer back; or answers with a JSON error. Never rejects: whatever goes
   * wrong inside is answered 500 `ERR_ASPOSE_PROXY_INTERNAL` (or cuts the
   * connection if the answer had started) and reported to `onError`.
   *
   * Resolves once the answer is written or the caller is gone, with
   * `undefined`; or, when the proxy was created with `delegateErrors`, with
   * the refusal or failure it did **not** answer (nothing was written): the
   * adapter hands that to its framework (`next(err)`, a throw). An adapter
   * that does not offer `delegateErrors` can ignore the value.
   */
  handle(req: IncomingMessage, res: ServerResponse, target: string, client: AsposeClient | undefined): Promise<AsposeError | undefined>;
}

/** What {@link AsposeProxy.handle} returns for a request answered at once: one settled promise for all of them. */
const SETTLED: Promise<undefined> = Promise.resolve(undefined);

/** The methods that need no CSRF header: they change nothing (RFC 9110 §9.2.1), and a browser sends them cross-site freely. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * What the proxy derives once per client for its token-endpoint check: the
 * base path and the same-origin token path, as pieces. (Where requests go is
 * the client's business: see `AsposeClient.proxyDispatchOptions`.)
 */
interface ClientPaths {
  base: string[];
  token: string[] | undefined;
}

const pathPieces = (pathname: string): string[] =>
  pathname
    .toLowerCase()
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });

/** The target without its query string, for reports (a refused target may be anything: cut to a bound). */
function pathOf(target: string): string {
  const q = target.indexOf('?');
  const path = q >= 0 ? target.slice(0, q) : target;
  return path.length > 2000 ? path.slice(0, 2000) : path;
}

/** An {@link AsposeProxyRefusedError} from `beforeForward`, from either copy of the package (the brand answers `instanceof`). */
function isRefusal(thrown: unknown): thrown is AsposeProxyRefusedError {
  return thrown instanceof AsposeProxyRefusedError;
}

/**
 * Creates the framework-neutral proxy. Validates every option at once and
 * throws one {@link AsposeConfigError} naming each problem.
 */
export function createAsposeProxy(options: AsposeProxyOptions): AsposeProxy {
  if (options === null || typeof options !== 'object') {
    throw new AsposeConfigError([{ option: 'options', problem: "must be an object such as { client, allow: ['GET /v4.0/words/'] }" }], {
      source: 'asposeProxy options',
    });
  }
  const rules: AllowRule[] = parseAllowList(options.allow);
  const issues: ConfigIssue[] = [];
  const { timeoutMs, maxBodyBytes, onError, beforeForward, rewriteRequestHeaders, rewriteResponseHeaders, onForward } = options;
  let prefix = options.prefix;
  if (prefix !== undefined) {
    if (typeof prefix !== 'string' || !/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/.test(prefix) || prefix.includes('//')) {
      issues.push({ option: 'prefix', problem: 'must be a path such as "/aspose"' });
    } else {
      prefix = trimTrailingSlashes(prefix);
      if (prefix === '') prefix = undefined;
    }
  }
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 0))
    issues.push({ option: 'timeoutMs', problem: 'must be a whole number of ms (0 disables it)' });
  if (maxBodyBytes !== undefined && !(maxBodyBytes === Infinity || (Number.isInteger(maxBodyBytes) && maxBodyBytes >= 0))) {
    issues.push({ option: 'maxBodyBytes', problem: 'must be a whole number of bytes' });
  }
  if (options.client !== undefined && !(options.client instanceof AsposeClient)) {
    issues.push({ option: 'client', problem: 'must be an AsposeClient' });
  }
  for (const name of ['onError', 'beforeForward', 'rewriteRequestHeaders', 'rewriteResponseHeaders', 'onForward'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') issues.push({ option: name, problem: 'must be a function' });
  }
  const delegate = options.delegateErrors ?? false;
  const sdkTokenEndpoint = options.sdkTokenEndpoint ?? false;
  if (typeof sdkTokenEndpoint !== 'boolean') issues.push({ option: 'sdkTokenEndpoint', problem: 'must be true or false' });
  if (typeof delegate !== 'boolean') issues.push({ option: 'delegateErrors', problem: 'must be true or false' });
  const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const headerNames = (option: 'dropRequestHeaders' | 'forwardRequestHeaders'): Set<string> | undefined => {
    const names: unknown = options[option];
    if (names === undefined) return undefined;
    if (!Array.isArray(names) || names.some((h) => typeof h !== 'string' || !token.test(h))) {
      issues.push({ option, problem: 'must be an array of header names' });
      return undefined;
    }
    return names.length > 0 ? new Set(names.map((h: string) => h.toLowerCase())) : undefined;
  };
  let drop = headerNames('dropRequestHeaders');
  const forwardNames = headerNames('forwardRequestHeaders');
  for (const name of forwardNames ?? []) {
    if (isAlwaysDropped(name))
      issues.push({
        option: 'forwardRequestHeaders',
        problem: `names ${JSON.stringify(name)}, which the proxy never forwards (credentials, hop-by-hop headers, method and URL overrides)`,
      });
    else if (!isClientAddressHeader(name))
      issues.push({
        option: 'forwardRequestHeaders',
        problem: `names ${JSON.stringify(name)}, which is forwarded anyway: only client-address headers (forwarded, x-forwarded-*, x-real-ip, …) need naming here`,
      });
  }
  // The CSRF header: lower-case name, or undefined when the check is off.
  let csrfHeader: string | undefined = 'x-requested-with';
  const csrf: unknown = options.csrf;
  if (csrf === false) {
    csrfHeader = undefined;
  } else if (csrf !== undefined) {
    const header: unknown = csrf !== null && typeof csrf === 'object' ? (csrf as { header?: unknown }).header : null;
    if (header === null) {
      issues.push({ option: 'csrf', problem: "must be false or an object such as { header: 'x-requested-with' }" });
    } else if (header !== undefined) {
      if (typeof header !== 'string' || !token.test(header))
        issues.push({ option: 'csrf.header', problem: 'must be a header name such as "x-requested-with"' });
      else if (isAlwaysDropped(header.toLowerCase()) || isClientAddressHeader(header.toLowerCase()) || header.toLowerCase() === 'content-type')
        issues.push({ option: 'csrf.header', problem: `must be a custom header of your own, not ${JSON.stringify(header)}` });
      else csrfHeader = header.toLowerCase();
    }
  }
  const rateLimit = compileRateLimit(options.rateLimit, issues);
  if (issues.length > 0) throw new AsposeConfigError(issues, { source: 'asposeProxy options' });
  // The CSRF header is for the proxy, not for Aspose: never forwarded.
  if (csrfHeader !== undefined) (drop ??= new Set()).add(csrfHeader);
  const headerRules: RequestHeaderRules = { drop, forward: forwardNames };
  // rewriteRequestHeaders' result: the server's own headers (client-address ones trusted), but never one of `drop`
  // (dropRequestHeaders, the CSRF header), even if the hook copied it from the caller's.
  const hookRules: RequestHeaderRules = { ...HOOK_HEADER_RULES, drop };
  const gated = rateLimit !== undefined || beforeForward !== undefined;

  const limit = maxBodyBytes ?? Infinity;
  const paths = new WeakMap<AsposeClient, ClientPaths>();
  const pathsOf = (client: AsposeClient): ClientPaths => {
    let p = paths.get(client);
    if (p === undefined) {
      const api = client.tokens.api;
      const token = new URL(client.tokens.tokenUrl);
      p = { base: pathPieces(api.basePath), token: token.origin === api.origin ? pathPieces(token.pathname) : undefined };
      paths.set(client, p);
    }
    return p;
  };

  const report = (err: AsposeError, req: IncomingMessage, res: ServerResponse): void => {
    try {
      onError?.(err, req, res);
    } catch {
      // a logging hook must not break the answer
    }
  };

  /** Reports one handled request to `onForward` and the channel; allocates nothing when neither listens. */
  const finish = (
    req: IncomingMessage,
    res: ServerResponse,
    state: RequestState,
    outcome: AsposeProxyEvent['outcome'],
    status: number,
    code: string | undefined,
    requestBytes: number,
    responseBytes: number,
  ): void => {
    if (onForward === undefined && !proxyChannel.hasSubscribers) return;
    const event: AsposeProxyEvent = {
      outcome,
      method: state.method,
      path: state.path,
      status,
      requestBytes,
      responseBytes,
      durationMs: performance.now() - state.t0,
    };
    if (state.userKey !== undefined) event.userKey = state.userKey;
    if (code !== undefined) event.code = code;
    if (proxyChannel.hasSubscribers) proxyChannel.publish(event);
    if (onForward !== undefined) {
      const failed = (err: unknown) => report(internalError(err, state.method, state.path, state.tokens), req, res);
      try {
        const r: unknown = onForward(event, req);
        if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') (r as PromiseLike<unknown>).then(undefined, failed);
      } catch (err) {
        failed(err);
      }
    }
  };

  const hooks: ExchangeHooks = {
    delegate,
    report,
    finish,
    rewriteResponseHeaders,
    internal: (err, state) => internalError(err, state.method, state.path, state.tokens),
  };

  function match(url: string | undefined): string | undefined {
    if (url === undefined) return undefined;
    if (prefix === undefined) return url;
    if (url.charCodeAt(0) !== 47 /* / */) {
      // Absolute form (`GET http://host/aspose/… HTTP/1.1`): ours to refuse if it points under the prefix.
      try {
        const u = new URL(url);
        return u.pathname === prefix || u.pathname.startsWith(prefix + '/') ? url : undefined;
      } catch {
        return undefined;
      }
    }
    if (!url.startsWith(prefix)) return undefined;
    const rest = url.slice(prefix.length);
    if (rest === '') return '/';
    const c = rest.charCodeAt(0);
    if (c === 47 /* / */) return rest;
    if (c === 63 /* ? */) return '/' + rest;
    return undefined;
  }

  /**
   * Answers a request the proxy will not forward (or, with `delegateErrors`,
   * returns the error for the framework to answer), and reports it. A body
   * nobody will read closes the connection rather than be drained.
   * `error` builds the typed error; it is called only when someone needs it
   * (delegation, or `onError` for a 5xx), so a refusal costs no stack trace
   * otherwise.
   */
  function refuse(
    req: IncomingMessage,
    res: ServerResponse,
    state: RequestState,
    code: AsposeProxyErrorCode,
    message: string,
    error: () => AsposeError,
    status: number = PROXY_ERROR_STATUS[code],
    headers?: Readonly<Record<string, string>>,
  ): AsposeError | undefined {
    const failure = status >= 500;
    let err: AsposeError | undefined;
    if (failure) report((err = error()), req, res);
    if (delegate && !res.headersSent) {
      finish(req, res, state, failure ? 'failed' : 'refused', status, code, 0, 0);
      return err !== undefined ? delegatedFailure(err, message) : error();
    }
    const bytes = sendProxyError(res, code, message, state.withBody && !req.complete, status, headers);
    finish(req, res, state, failure ? 'failed' : 'refused', status, code, 0, bytes);
    return undefined;
  }

  /** A refusal of one of the proxy's own rules, with the class its code binds it to. */
  function refuseWith(req: IncomingMessage, res: ServerResponse, state: RequestState, code: ProxyRefusalCode, message: string): AsposeError | undefined {
    return refuse(req, res, state, code, message, () => refusalError(code, message));
  }

  /**
   * Checks the request and starts the exchange (or, with a rate limit or a
   * `beforeForward` hook, the asynchronous checks first). Returns the
   * exchange's promise, or what the request was answered with at once:
   * `undefined`, or the error to delegate.
   */
  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    target: string,
    client: AsposeClient | undefined,
    state: RequestState,
  ): Promise<AsposeError | undefined> | AsposeError | undefined {
    if (typeof req.method !== 'string' && req.method !== undefined) {
      throw new TypeError(`the request method is a ${typeof req.method}, not a string (set by a middleware in front of the proxy?)`);
    }
    const method = state.method;
    // A CORS preflight asks the browser's question of this server, not of Aspose: never forwarded. Answered 204
    // with no CORS header of the proxy's own: only a cors() in front (which set its headers on `res` already, or
    // answered it itself) can grant it.
    if (method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      dropFramingSetInFront(res);
      res.writeHead(204, state.withBody && !req.complete ? { connection: 'close' } : undefined);
      res.end();
      finish(req, res, state, 'refused', 204, undefined, 0, 0);
      return undefined;
    }
    const checked = checkTarget(target);
    if (!checked.ok) return refuseWith(req, res, state, 'ERR_ASPOSE_PROXY_BAD_PATH', checked.message);
    state.path = checked.path;
    // An SDK's token request is answered here, client or not: it never goes upstream.
    if (sdkTokenEndpoint && method === 'POST' && isSdkTokenPath(checked.pieces)) {
      return answerSdkTokenRequest(req, res).then((bytes) => {
        finish(req, res, state, 'refused', res.statusCode, undefined, 0, bytes);
        return undefined;
      });
    }
    if (client === undefined || client === null || !(client instanceof AsposeClient)) {
      const message =
        client === undefined || client === null
          ? 'asposeProxy has no client: pass { client } or mount asposeAuth() in front of it'
          : "asposeProxy's client (req.aspose or ctx.state.aspose) is not an AsposeClient: pass { client }, or mount asposeAuth() in front of it";
      return refuse(req, res, state, 'ERR_ASPOSE_CONFIG', message, () => new AsposeConfigError(message));
    }
    state.tokens = client.tokens;
    const cp = pathsOf(client);
    if (isTokenEndpoint(checked.pieces, cp.base.length > 0 ? [...cp.base, ...checked.pieces] : checked.pieces, cp.token)) {
      return refuseWith(req, res, state, 'ERR_ASPOSE_PROXY_TOKEN_ENDPOINT', 'Token endpoints are never reachable through this proxy');
    }
    if (!isAllowed(rules, method, checked.segments)) {
      return refuseWith(req, res, state, 'ERR_ASPOSE_PROXY_FORBIDDEN', `${method} on this path is not in the proxy's allow list`);
    }
    if (
      csrfHeader !== undefined &&
      (!SAFE_METHODS.has(method) || req.headers['sec-fetch-site'] === 'cross-site') &&
      !(sdkTokenEndpoint && carriesSdkPlaceholder(req))
    ) {
      const v: unknown = req.headers[csrfHeader];
      if (!(typeof v === 'string' ? v !== '' : Array.isArray(v) && v.length > 0)) {
        return refuseWith(
          req,
          res,
          state,
          'ERR_ASPOSE_PROXY_CSRF',
          `A ${method} through this proxy must carry the ${csrfHeader} header (any value), as the app's own scripts send it: this looks like a cross-site request`,
        );
      }
    }
    const headers = requestHeadersForUpstream(req.headers, headerRules);
    if (typeof headers === 'string') return refuseWith(req, res, state, 'ERR_ASPOSE_PROXY_BAD_HEADER', headers);
    const teProblem = transferEncodingProblem(req.headers['transfer-encoding']);
    if (teProblem !== undefined) return refuseWith(req, res, state, 'ERR_ASPOSE_PROXY_BAD_HEADER', teProblem);

    if (state.withBody) {
      if (req.readableDidRead || req.readableEnded) {
        return refuseWith(
          req,
          res,
          state,
          'ERR_ASPOSE_PROXY_BODY_CONSUMED',
          `The request body of ${method} ${pathOf(checked.path)} was read before asposeProxy could stream it upstream: mount the proxy before any body parser (express.json(), koa-bodyparser, …), or scope the parser to other routes`,
        );
      }
      // A string or a number (forwarded ones were checked above; one named in dropRequestHeaders may be anything).
      const length: unknown = req.headers['content-length'];
      if ((typeof length === 'string' || typeof length === 'number') && Number(length) > limit) {
        return refuseWith(req, res, state, 'ERR_ASPOSE_PROXY_BODY_TOO_LARGE', `The request body is larger than ${limit} bytes`);
      }
    }
    const search = checked.search;
    if (gated) return gate(req, res, client, state, headers, search);
    return start(req, res, client, state, headers, search);
  }

  /**
   * The asynchronous checks: the rate limit, then `beforeForward`. Never
   * rejects: a key function, store or hook that fails is answered 500
   * internal and reported.
   */
  async function gate(
    req: IncomingMessage,
    res: ServerResponse,
    client: AsposeClient,
    state: RequestState,
    headers: Record<string, string | string[]>,
    search: string,
  ): Promise<AsposeError | undefined> {
    try {
      if (rateLimit !== undefined) {
        const key: unknown = await rateLimit.key(req);
        if (key !== undefined && key !== null) {
          if (typeof key !== 'string') throw new TypeError(`rateLimit.key returned a ${typeof key}, not a string`);
          state.userKey = key;
          const wait = await rateLimit.consume(key);
          if (wait !== undefined) {
            const message = `Too many calls through this proxy: try again in ${wait} s`;
            return refuse(req, res, state, 'ERR_ASPOSE_PROXY_RATE_LIMITED', message, () => new AsposeProxyRateLimitedError(message, wait), 429, {
              'retry-after': String(wait),
            });
          }
        }
      }
      if (beforeForward !== undefined) {
        let verdict: unknown;
        try {
          verdict = await beforeForward(req, { method: state.method, path: state.path, userKey: state.userKey });
        } catch (thrown) {
          if (!isRefusal(thrown)) throw thrown;
          const message = thrown.message;
          return refuse(req, res, state, 'ERR_ASPOSE_PROXY_REFUSED', message, () => thrown, thrown.status);
        }
        if (verdict === false) {
          const message = 'The server refused this request';
          return refuse(req, res, state, 'ERR_ASPOSE_PROXY_REFUSED', message, () => new AsposeProxyRefusedError(message));
        }
      }
      if (res.destroyed || res.writableEnded) {
        // The caller went away while we waited: nothing to forward, nobody to answer.
        finish(req, res, state, 'failed', 499, 'ERR_ASPOSE_ABORTED', 0, 0);
        return undefined;
      }
      return await start(req, res, client, state, headers, search);
    } catch (err) {
      return failInternally(err, req, res, state);
    }
  }

  /** Runs `rewriteRequestHeaders`, sets up the body and starts the exchange. */
  function start(
    req: IncomingMessage,
    res: ServerResponse,
    client: AsposeClient,
    state: RequestState,
    filtered: Record<string, string | string[]>,
    search: string,
  ): Promise<AsposeError | undefined> {
    let headers = filtered;
    if (rewriteRequestHeaders !== undefined) {
      const r: unknown = rewriteRequestHeaders(headers, req);
      if (r !== undefined && (r === null || typeof r !== 'object')) throw new TypeError('rewriteRequestHeaders must return an object of headers, or nothing');
      const again = requestHeadersForUpstream((r ?? headers) as Record<string, string | string[]>, hookRules);
      if (typeof again === 'string') throw new TypeError(`rewriteRequestHeaders returned a header that cannot be sent: ${again}`);
      headers = again;
    }
    const method = state.method;
    const body = state.withBody ? new RequestBody(req, limit) : undefined;
    state.body = body;
    const exchange = new ProxyExchange(req, res, state, hooks);
    return exchange.run(client.dispatcher, client.proxyDispatchOptions(method, state.path + search, headers, body ?? null, timeoutMs));
  }

  /**
   * The last line of defence: whatever {@link forward} throws (a bug, a
   * hook of yours, or a request object that code in front of the proxy left
   * in a state nothing expects) is answered 500 `ERR_ASPOSE_PROXY_INTERNAL`,
   * or cuts the connection if the answer had started, and goes to
   * `onError`. Never throws: the Express adapter does not wait on
   * `handle()`, so a rejection there would be an unhandled one, which ends
   * the process.
   */
  function failInternally(err: unknown, req: IncomingMessage, res: ServerResponse, state: RequestState): AsposeError | undefined {
    let error: AsposeError | undefined;
    try {
      error = internalError(err, req.method, state.path, state.tokens);
    } catch {
      // reporting must not turn into the failure it reports
    }
    if (error !== undefined) report(error, req, res);
    if (delegate && error !== undefined && !res.headersSent && !res.destroyed) {
      finish(req, res, state, 'failed', 500, 'ERR_ASPOSE_PROXY_INTERNAL', 0, 0);
      return delegatedFailure(error, 'The proxy failed unexpectedly; the server reports the detail to its onError hook');
    }
    let bytes = 0;
    try {
      // A request body nobody will read: close the connection rather than drain it.
      bytes = sendProxyError(res, 'ERR_ASPOSE_PROXY_INTERNAL', 'The proxy failed unexpectedly; the server reports the detail to its onError hook', true);
    } catch {
      try {
        res.destroy();
      } catch {
        // nothing more can be done for this caller
      }
    }
    try {
      finish(req, res, state, 'failed', 500, 'ERR_ASPOSE_PROXY_INTERNAL', 0, bytes);
    } catch {
      // nor must the report
    }
    return undefined;
  }

  function handle(req: IncomingMessage, res: ServerResponse, target: string, client: AsposeClient | undefined): Promise<AsposeError | undefined> {
    // No async function and no .catch(): the exchange's own promise is handed back as it is (it never rejects), so
    // the catch-all costs no promise per request.
    const state = new RequestState(req.method, pathOf(target), limit);
    try {
      state.withBody = hasRequestBody(req);
      const r = forward(req, res, target, client, state);
      return r === undefined ? SETTLED : r instanceof Promise ? r : Promise.resolve(r);
    } catch (err) {
      const r = failInternally(err, req, res, state);
      return r === undefined ? SETTLED : Promise.resolve(r);
    }
  }

  return { match, handle };
}
