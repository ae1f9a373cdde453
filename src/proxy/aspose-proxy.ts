import type { IncomingMessage, ServerResponse } from 'node:http';
import { AsposeConfigError, type AsposeError, type ConfigIssue } from '../errors/errors.js';
import { trimTrailingSlashes } from '../config/settings.js';
import { AsposeClient } from '../http/aspose-client.js';
import { isAllowed, parseAllowList, type AllowRule } from './allow-list.js';
import { isAlwaysDropped, isClientAddressHeader, requestHeadersForUpstream, transferEncodingProblem, type RequestHeaderRules } from './header-filter.js';
import { checkTarget, isTokenEndpoint } from './path-guard.js';
import { ProxyExchange } from './proxy-exchange.js';
import { internalError, sendProxyError, type AsposeProxyErrorCode } from './proxy-errors.js';
import { hasRequestBody, RequestBody } from './request-body.js';
import { answerSdkTokenRequest, isSdkTokenPath } from './sdk-token.js';

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
   * Called with each upstream failure the proxy turns into a 502 or 504 (a
   * timeout, a network failure, no token), each upstream failure that cuts
   * an answer already started, and each unexpected failure inside the proxy
   * (answered 500 `ERR_ASPOSE_PROXY_INTERNAL`; reported as an
   * `AsposeProxyInternalError`, with the same code and what was thrown as
   * `cause`), so your
   * logs get the detail that the browser does not. The error holds no
   * secret or token.
   */
  onError?: (error: AsposeError, request: IncomingMessage) => void;
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
   * dropped. Default `false`: token paths are refused 403
   * `ERR_ASPOSE_PROXY_TOKEN_ENDPOINT`.
   */
  sdkTokenEndpoint?: boolean;
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
   * answer back; or answers with a JSON error. Resolves once the answer is
   * written or the caller is gone; never rejects: whatever goes wrong inside
   * is answered 500 `ERR_ASPOSE_PROXY_INTERNAL` (or cuts the connection if
   * the answer had started) and reported to `onError`.
   */
  handle(req: IncomingMessage, res: ServerResponse, target: string, client: AsposeClient | undefined): Promise<void>;
}

/** What {@link AsposeProxy.handle} returns for a request answered at once: one settled promise for all of them. */
const SETTLED: Promise<void> = Promise.resolve();

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
  const { timeoutMs, maxBodyBytes, onError } = options;
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
  if (onError !== undefined && typeof onError !== 'function') issues.push({ option: 'onError', problem: 'must be a function' });
  const sdkTokenEndpoint = options.sdkTokenEndpoint ?? false;
  if (typeof sdkTokenEndpoint !== 'boolean') issues.push({ option: 'sdkTokenEndpoint', problem: 'must be true or false' });
  const headerNames = (option: 'dropRequestHeaders' | 'forwardRequestHeaders'): Set<string> | undefined => {
    const names: unknown = options[option];
    if (names === undefined) return undefined;
    if (!Array.isArray(names) || names.some((h) => typeof h !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(h))) {
      issues.push({ option, problem: 'must be an array of header names' });
      return undefined;
    }
    return names.length > 0 ? new Set(names.map((h: string) => h.toLowerCase())) : undefined;
  };
  const headerRules: RequestHeaderRules = { drop: headerNames('dropRequestHeaders'), forward: headerNames('forwardRequestHeaders') };
  for (const name of headerRules.forward ?? []) {
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
  if (issues.length > 0) throw new AsposeConfigError(issues, { source: 'asposeProxy options' });

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

  const report = (err: AsposeError, req: IncomingMessage) => {
    try {
      onError?.(err, req);
    } catch {
      // a logging hook must not break the answer
    }
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
   * Checks the request and starts the exchange. Returns the exchange's
   * promise, or nothing when the request was answered at once (refused).
   */
  function forward(req: IncomingMessage, res: ServerResponse, target: string, client: AsposeClient | undefined): Promise<void> | undefined {
    const method = (req.method ?? 'GET').toUpperCase();
    const withBody = hasRequestBody(req);
    const fail = (code: AsposeProxyErrorCode, message: string): undefined => {
      sendProxyError(res, code, message, withBody && !req.complete);
      return undefined;
    };

    const checked = checkTarget(target);
    if (!checked.ok) return fail(checked.code, checked.message);
    // An SDK's token request is answered here, client or not: it never goes upstream.
    if (sdkTokenEndpoint && method === 'POST' && isSdkTokenPath(checked.pieces)) return answerSdkTokenRequest(req, res);
    if (client === undefined || client === null) {
      return fail('ERR_ASPOSE_CONFIG', 'asposeProxy has no client: pass { client } or mount asposeAuth() in front of it');
    }
    if (!(client instanceof AsposeClient)) {
      return fail(
        'ERR_ASPOSE_CONFIG',
        "asposeProxy's client (req.aspose or ctx.state.aspose) is not an AsposeClient: pass { client }, or mount asposeAuth() in front of it",
      );
    }
    const cp = pathsOf(client);
    if (isTokenEndpoint(checked.pieces, cp.base.length > 0 ? [...cp.base, ...checked.pieces] : checked.pieces, cp.token)) {
      return fail('ERR_ASPOSE_PROXY_TOKEN_ENDPOINT', 'Token endpoints are never reachable through this proxy');
    }
    if (!isAllowed(rules, method, checked.segments)) {
      return fail('ERR_ASPOSE_PROXY_FORBIDDEN', `${method} on this path is not in the proxy's allow list`);
    }
    const headers = requestHeadersForUpstream(req.headers, headerRules);
    if (typeof headers === 'string') return fail('ERR_ASPOSE_PROXY_BAD_HEADER', headers);
    const teProblem = transferEncodingProblem(req.headers['transfer-encoding']);
    if (teProblem !== undefined) return fail('ERR_ASPOSE_PROXY_BAD_HEADER', teProblem);

    let body: RequestBody | undefined;
    if (withBody) {
      if (req.readableDidRead || req.readableEnded) {
        return fail(
          'ERR_ASPOSE_PROXY_BODY_CONSUMED',
          'The request body was read before asposeProxy: mount the proxy before any body parser (express.json(), koa-bodyparser, …)',
        );
      }
      // A string or a number (forwarded ones were checked above; one named in dropRequestHeaders may be anything).
      const length: unknown = req.headers['content-length'];
      if ((typeof length === 'string' || typeof length === 'number') && Number(length) > limit) {
        return fail('ERR_ASPOSE_PROXY_BODY_TOO_LARGE', `The request body is larger than ${limit} bytes`);
      }
      body = new RequestBody(req, limit);
    }

    const exchange = new ProxyExchange(req, res, { method, path: checked.path, body, limit, tokens: client.tokens, report: (e) => report(e, req) });
    return exchange.run(client.dispatcher, client.proxyDispatchOptions(method, checked.path + checked.search, headers, body ?? null, timeoutMs));
  }

  /**
   * The last line of defence: whatever {@link forward} throws (a bug, or a
   * request object that code in front of the proxy left in a state nothing
   * expects) is answered 500 `ERR_ASPOSE_PROXY_INTERNAL`, or cuts the
   * connection if the answer had started, and goes to `onError`. Never
   * throws: the Express adapter does not wait on `handle()`, so a rejection
   * there would be an unhandled one, which ends the process.
   */
  function failInternally(err: unknown, req: IncomingMessage, res: ServerResponse, target: string, client: AsposeClient | undefined): void {
    try {
      // A request body nobody will read: close the connection rather than drain it.
      sendProxyError(res, 'ERR_ASPOSE_PROXY_INTERNAL', 'The proxy failed unexpectedly; the server reports the detail to its onError hook', true);
    } catch {
      try {
        res.destroy();
      } catch {
        // nothing more can be done for this caller
      }
    }
    try {
      report(internalError(err, req.method, target, client instanceof AsposeClient ? client.tokens : undefined), req);
    } catch {
      // reporting must not turn into the failure it reports
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse, target: string, client: AsposeClient | undefined): Promise<void> {
    // No async function and no .catch(): the exchange's own promise is handed back as it is (it never rejects), so
    // the catch-all costs no promise per request.
    try {
      return forward(req, res, target, client) ?? SETTLED;
    } catch (err) {
      failInternally(err, req, res, target, client);
      return SETTLED;
    }
  }

  return { match, handle };
}
