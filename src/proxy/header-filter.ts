import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { RedactorCache, type Redactor } from '../errors/redact.js';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1, plus the non-standard
 * `proxy-connection` and HTTP/2's `http2-settings`): they describe one
 * connection and are never forwarded, in either direction.
 */
const HOP_BY_HOP: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'proxy-authenticate',
];

/**
 * Headers that ask a server to act on another method, another URL or
 * another host than the request line's and the upstream connection's, which
 * the allow list, the token-endpoint guard and the fixed origin checked:
 * - method overrides: `X-HTTP-Method-Override` (Google APIs, ASP.NET Core's
 *   method-override middleware), `X-HTTP-Method` (OData, SharePoint),
 *   `X-Method-Override`, `X-Original-Method` (nginx `auth_request` setups);
 * - URL overrides: `X-Original-URL` / `X-Rewrite-URL` (IIS URL Rewrite, and
 *   frameworks that route on them, such as Symfony before CVE-2018-14773);
 * - host overrides: `X-Original-Host` (Azure Application Gateway, IIS ARR),
 *   `X-Host` and `X-HTTP-Host-Override` (frameworks that build links and
 *   cache keys from them).
 *
 * A `POST` allowed on one path must not become a `DELETE`, another path or
 * another virtual host upstream, so these are never forwarded, whatever the
 * options say. (`X-Forwarded-Host` says the same as `X-Original-Host`, but
 * as one of the `X-Forwarded-*` family a load balancer you trust may set it:
 * see {@link CLIENT_ADDRESS_HEADERS}.)
 */
export const OVERRIDE_HEADERS: readonly string[] = [
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-original-method',
  'x-original-url',
  'x-rewrite-url',
  'x-original-host',
  'x-host',
  'x-http-host-override',
];

/**
 * Headers that tell a server who the client is, or which host, scheme and
 * path it asked for, on the hop before. Dropped unless named in the proxy's
 * `forwardRequestHeaders` (for a load balancer you trust that sets them):
 * from a browser they are whatever it chose to write, and upstream they can
 * pass an IP allow list, skew rate limits or logs, or change the links an
 * answer builds.
 * - the standard ones: `Forwarded`, `Via`, and any `X-Forwarded-*` (For,
 *   Host, Proto, Port, Prefix, Server, Ssl, …);
 * - the spellings of the client's address that address-detection libraries
 *   read (the list of the `request-ip` package: `X-Real-IP`, `X-Client-IP`,
 *   `True-Client-IP`, `CF-Connecting-IP`, `Fastly-Client-IP`, …) and those of
 *   other proxies and platforms: `Client-IP`, `X-Originating-IP` (Exchange),
 *   `X-Remote-IP`, `X-Remote-Addr`, `X-ProxyUser-Ip` (Google), `X-ARR-ClientIP`
 *   (IIS ARR, Azure App Service), `X-Azure-ClientIP` and `X-Azure-SocketIP`
 *   (Azure Front Door), `X-Envoy-External-Address` (Envoy, Istio),
 *   `X-Original-Forwarded-For` (ingress-nginx);
 * - the spellings of the client's scheme: `X-Url-Scheme`, `X-Scheme`,
 *   `X-Original-Proto`, `Front-End-Https` (Microsoft).
 */
export const CLIENT_ADDRESS_HEADERS: readonly string[] = [
  'forwarded',
  'forwarded-for',
  'via',
  'x-forwarded',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'cf-pseudo-ipv4',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-appengine-user-ip',
  'client-ip',
  'x-originating-ip',
  'x-remote-ip',
  'x-remote-addr',
  'x-proxyuser-ip',
  'x-arr-clientip',
  'x-azure-clientip',
  'x-azure-socketip',
  'x-envoy-external-address',
  'x-original-forwarded-for',
  'x-url-scheme',
  'x-scheme',
  'x-original-proto',
  'front-end-https',
];
const CLIENT_ADDRESS = new Set(CLIENT_ADDRESS_HEADERS);

/** True for a header in {@link CLIENT_ADDRESS_HEADERS} or starting with `x-forwarded-` (lower-case name). @internal */
export function isClientAddressHeader(lower: string): boolean {
  return CLIENT_ADDRESS.has(lower) || lower.startsWith('x-forwarded-');
}

/**
 * Never forwarded upstream, whatever the options say:
 * - the caller's credentials (`authorization`, `proxy-authorization`,
 *   `cookie`): they belong to your app, not to Aspose, and the proxy sets its
 *   own `authorization`;
 * - `host`: the upstream request is built for the client's origin;
 * - `expect`: `100-continue` is answered by Node's server, not forwarded;
 * - the {@link OVERRIDE_HEADERS}.
 */
const REQUEST_DROP = new Set<string>([...HOP_BY_HOP, 'host', 'authorization', 'proxy-authorization', 'cookie', 'expect', ...OVERRIDE_HEADERS]);

/** True for a header the proxy never forwards upstream, whatever the options say (lower-case name). @internal */
export function isAlwaysDropped(lower: string): boolean {
  return REQUEST_DROP.has(lower);
}

/** Never passed back to the caller: Aspose's cookies are not the browser's business. */
const RESPONSE_DROP = new Set<string>([...HOP_BY_HOP, 'set-cookie', 'set-cookie2']);

/**
 * True for a CORS response header (`Access-Control-Allow-Origin`, …; lower-case
 * name). Never passed back: which origins may read the proxy's answers is
 * the app's decision (a `cors()` middleware in front of the proxy), not the
 * Aspose API's. An upstream `Access-Control-Allow-Origin: *` passed on would
 * override what `cors()` set (`writeHead` wins over `setHeader`), and
 * browsers refuse `*` on a request with credentials.
 */
function isCorsHeader(lower: string): boolean {
  return lower.charCodeAt(0) === 97 /* a */ && lower.startsWith('access-control-');
}

/** CR, LF and NUL: the bytes that split or end a header. */
const INJECTION = /[\r\n\0]/;

/** Why a request header value cannot be forwarded. */
class HeaderProblem {
  readonly what: string;
  constructor(what: string) {
    this.what = what;
  }
}
const CRLF = new HeaderProblem('holds CR, LF or NUL');
const TYPE = new HeaderProblem('is not a string, a number or an array of them (set by a middleware in front of the proxy?)');
const SEVERAL_LENGTHS = new HeaderProblem('must be a single value');

/**
 * A request header's value as the proxy forwards it, or why it cannot be.
 * Node's parser hands over strings (`set-cookie` as an array), but code in
 * front of the proxy may write `req.headers` directly, with anything Node's
 * `setHeader` takes (`req.headers['x-request-start'] = Date.now()`): a
 * string, a number, or an array of them. `null` and an empty array stand
 * for no header (`undefined`); any other value (a boolean, an object, even
 * one with a `toString`) is refused rather than guessed at, and so is a
 * string holding CR, LF or NUL.
 *
 * A string, what every request carries, is returned as it is.
 */
function headerValue(value: unknown): string | string[] | undefined | HeaderProblem {
  if (typeof value === 'string') return INJECTION.test(value) ? CRLF : value;
  if (typeof value === 'number') return String(value);
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return TYPE;
  if (value.length === 0) return undefined;
  let copy: string[] | undefined; // made only if a number must become text
  for (let k = 0; k < value.length; k++) {
    const v: unknown = value[k];
    if (typeof v === 'string') {
      if (INJECTION.test(v)) return CRLF;
      copy?.push(v);
    } else if (typeof v === 'number') {
      (copy ??= value.slice(0, k) as string[]).push(String(v));
    } else {
      return TYPE;
    }
  }
  return copy ?? (value as string[]);
}

/** Printable header names only, and not too long to quote. */
const QUOTABLE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;

/** The message of a 400 for a header whose value cannot be forwarded. */
function refusal(name: string, problem: HeaderProblem): string {
  return `The request header ${QUOTABLE_NAME.test(name) ? `${name} ` : ''}${problem.what}`;
}

/** A header value as one text, for the headers the proxy reads itself (`Connection`, `Transfer-Encoding`). */
function headerText(value: string | string[]): string {
  return typeof value === 'string' ? value : value.join(', ');
}

/**
 * Header names listed in `Connection` (RFC 9110 §7.6.1) that are not
 * hop-by-hop already: these are hop-by-hop too. A set, so that a long list
 * costs one look-up per header rather than a scan of the list.
 */
function connectionListed(text: string, drop: ReadonlySet<string>): Set<string> | undefined {
  // What browsers and servers send: no name beyond the hop-by-hop ones (and no Set to build).
  if (text.length <= 10) {
    const t = text.toLowerCase();
    if (t === 'keep-alive' || t === 'close') return undefined;
  }
  let names: Set<string> | undefined;
  for (const raw of text.toLowerCase().split(',')) {
    const name = raw.trim();
    if (name === '' || name === 'close' || drop.has(name)) continue;
    (names ??= new Set()).add(name);
  }
  return names;
}

/** What the proxy's options add to the request header rules, compiled once. @internal */
export interface RequestHeaderRules {
  /** Lower-case names never to forward, on top of the built-in ones (`dropRequestHeaders`). */
  drop: ReadonlySet<string> | undefined;
  /** Lower-case client-address header names to forward anyway (`forwardRequestHeaders`). */
  forward: ReadonlySet<string> | undefined;
  /**
   * Keep every client-address header: for the headers the server's own
   * `rewriteRequestHeaders` hook returns, which may set `X-Forwarded-For`
   * from the socket's address (the caller could not have written them).
   */
  trusted?: boolean;
}

/**
 * The rules the output of `rewriteRequestHeaders` is filtered with again:
 * credentials, `host`, hop-by-hop headers, method, URL and host overrides
 * and malformed values are still dropped or refused; client-address headers
 * the hook set are kept.
 *
 * @internal
 */
export const HOOK_HEADER_RULES: RequestHeaderRules = { drop: undefined, forward: undefined, trusted: true };

/**
 * The headers to send upstream: the caller's, minus credentials, `host`,
 * hop-by-hop headers, any header `Connection` names, method, URL and host
 * overrides, client-address headers not in `rules.forward`, and
 * `rules.drop`. Numbers are sent as their text.
 *
 * Returns a message instead (for a 400) if a value to forward, or
 * `Connection`, holds CR, LF or NUL (Node's parser refuses those already;
 * this guards headers another middleware may have set), or is of a type no
 * header can carry. Headers that are dropped anyway are not looked at.
 *
 * @internal
 */
export function requestHeadersForUpstream(headers: IncomingHttpHeaders, rules: RequestHeaderRules): Record<string, string | string[]> | string {
  let listed: Set<string> | undefined;
  const connection = headerValue(headers.connection);
  if (connection instanceof HeaderProblem) return refusal('connection', connection);
  if (connection !== undefined) listed = connectionListed(headerText(connection), REQUEST_DROP);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const raw: unknown = headers[name];
    if (raw === undefined) continue;
    const lower = name.toLowerCase();
    if (REQUEST_DROP.has(lower) || listed?.has(lower) || rules.drop?.has(lower)) continue;
    if (!rules.trusted && isClientAddressHeader(lower) && !rules.forward?.has(lower)) continue;
    const value = headerValue(raw);
    if (value === undefined) continue;
    if (value instanceof HeaderProblem) return refusal(name, value);
    // Node's parser keeps one Content-Length; several, from a middleware, would leave undici to pick one.
    if (typeof value !== 'string' && lower === 'content-length') return refusal(name, SEVERAL_LENGTHS);
    out[lower] = value;
  }
  return out;
}

/**
 * Why the request's `Transfer-Encoding` (read before it is dropped as
 * hop-by-hop) cannot be handled, or `undefined` if it is absent or
 * `chunked` alone.
 *
 * Node's parser accepts `gzip, chunked` and hands over the body with only
 * the chunking undone: forwarded, the gzip bytes would reach the API as if
 * they were plain. Nothing in a browser sends a transfer coding but chunked.
 *
 * @internal
 */
export function transferEncodingProblem(te: unknown): string | undefined {
  if (te === undefined) return undefined;
  const value = headerValue(te);
  if (value === undefined) return undefined;
  if (value instanceof HeaderProblem) return refusal('transfer-encoding', value);
  if (headerText(value).toLowerCase() !== 'chunked') {
    return 'Transfer-Encoding must be "chunked" alone: the proxy does not undo other transfer codings (gzip, deflate, …); send Content-Encoding instead';
  }
  return undefined;
}

/**
 * Whatever holds the secrets an answer must never echo: a client's token
 * service. Its `sensitiveValues()` are the client secret, the
 * `id:secret` pair and the current and recent tokens.
 *
 * @internal
 */
export interface SecretSource {
  sensitiveValues(): string[];
}

/**
 * One redactor cache per token service, shared by every proxy and every
 * request that uses it: an answer that echoes the token costs one pass of
 * the automaton over each value that holds it, and the automaton is built
 * again only when the token service's secrets change (a new token).
 */
const redactors = new WeakMap<SecretSource, RedactorCache>();

/** `source`'s cached redactor for `secrets` (its current `sensitiveValues()`). @internal */
export function redactorFor(source: SecretSource, secrets: readonly string[]): Redactor {
  let cache = redactors.get(source);
  if (cache === undefined) redactors.set(source, (cache = new RedactorCache()));
  return cache.for(secrets);
}

/**
 * The upstream answer's headers to pass back: all but hop-by-hop headers, the
 * headers `Connection` names, `Set-Cookie` and the CORS headers
 * (`Access-Control-*`).
 *
 * No value carries one of `secrets` (`source.sensitiveValues()`, taken once
 * for this answer by the caller): each is checked with a plain `includes`,
 * and only on a hit is the value rewritten, with each occurrence replaced by
 * `[redacted]` (by `source`'s cached redactor, so the cost of a hit is one
 * linear pass over the value); a header whose name holds a secret (in any
 * case), or whose value still does after that, is dropped.
 * An upstream has no business echoing the `Authorization` it received into
 * a `Location`, a `Link` or a debug header, but if one ever does, the
 * browser must not learn the server's token from it.
 *
 * @internal
 */
export function responseHeadersForClient(
  headers: Record<string, string | string[] | undefined>,
  secrets: readonly string[],
  source: SecretSource,
): Record<string, string | string[]> {
  const connection = headers.connection;
  const listed = connection === undefined ? undefined : connectionListed(headerText(connection), RESPONSE_DROP);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    let value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (RESPONSE_DROP.has(lower) || listed?.has(lower) || isCorsHeader(lower)) continue;
    if (secrets.length > 0) {
      if (nameHoldsSecret(lower, secrets)) continue;
      if (typeof value === 'string') {
        if (holdsSecret(value, secrets) && (value = withoutSecrets(value, secrets, source)) === undefined) continue;
      } else if (value.some((v) => holdsSecret(v, secrets))) {
        const kept: string[] = [];
        for (const v of value) {
          const clean = withoutSecrets(v, secrets, source);
          if (clean !== undefined) kept.push(clean);
        }
        if (kept.length === 0) continue;
        value = kept;
      }
    }
    out[lower] = value;
  }
  return out;
}

/**
 * True when `text` holds one of `secrets`. Values shorter than 4 characters
 * are not secrets anyone could use, and would match everything (the rule of
 * `redact`).
 *
 * @internal
 */
export function holdsSecret(text: string, secrets: readonly string[]): boolean {
  for (const s of secrets) {
    if (s.length >= 4 && text.includes(s)) return true;
  }
  return false;
}

/**
 * True when a header name (lower-cased, as undici hands it over) holds one
 * of `secrets` in any case. Names are short: a secret is lower-cased only
 * for a name at least as long as it, which an ordinary answer never has.
 */
function nameHoldsSecret(lower: string, secrets: readonly string[]): boolean {
  for (const s of secrets) {
    if (s.length >= 4 && lower.length >= s.length && lower.includes(s.toLowerCase())) return true;
  }
  return false;
}

/**
 * `text` with every secret replaced by `[redacted]` (by `source`'s cached
 * redactor for `secrets`), or `undefined` if redaction left one in it (so
 * the caller drops the text rather than pass it on).
 *
 * @internal
 */
export function withoutSecrets(text: string, secrets: readonly string[], source: SecretSource): string | undefined {
  const clean = redactorFor(source, secrets)(text);
  return holdsSecret(clean, secrets) ? undefined : clean;
}

/** Headers that frame or code the body: the proxy's answer sets its own, never one left on the response by code in front. */
const FRAMING = ['content-length', 'transfer-encoding', 'trailer', 'content-encoding'] as const;

/**
 * Removes the framing headers a middleware or hook in front of the proxy may
 * have set on the response (`res.setHeader('content-length', …)`, a Fastify
 * hook's `reply.header(…)` carried over): `writeHead` merges them with the
 * proxy's own, and a stale `Content-Length` or `Transfer-Encoding` beside
 * the real body desynchronises the connection (the rest of the body read as
 * the next answer). Called before each answer the proxy writes.
 *
 * @internal
 */
export function dropFramingSetInFront(res: ServerResponse): void {
  if (res.headersSent) return;
  for (const name of FRAMING) res.removeHeader(name);
}
