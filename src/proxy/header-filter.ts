import type { IncomingHttpHeaders } from 'node:http';
import { redact } from '../errors/redact.js';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1, plus the non-standard
 * `proxy-connection` and HTTP/2's `http2-settings`): they describe one
 * connection and are never forwarded, in either direction.
 */
const HOP_BY_HOP: readonly string[] = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings', 'proxy-authenticate'];

/**
 * Headers that ask a server to act on another method or another URL than
 * the request line's, which the allow list and the token-endpoint guard
 * checked: `X-HTTP-Method-Override` (Google APIs, ASP.NET Core's
 * method-override middleware), `X-HTTP-Method` (OData, SharePoint),
 * `X-Method-Override`, and `X-Original-URL` / `X-Rewrite-URL` (IIS URL
 * Rewrite, and frameworks that route on them, such as Symfony before
 * CVE-2018-14773). A `POST` allowed on one path must not become a `DELETE`
 * or another path upstream, so these are never forwarded.
 */
export const OVERRIDE_HEADERS: readonly string[] = ['x-http-method-override', 'x-http-method', 'x-method-override', 'x-original-url', 'x-rewrite-url'];

/**
 * Headers that tell a server who the client is, or which host, scheme and
 * path it asked for, on the hop before: `Forwarded` and any `X-Forwarded-*`
 * (For, Host, Proto, Port, Prefix, …), and the vendor spellings of the
 * client's address that address-detection libraries read (the list of the
 * `request-ip` package: `X-Real-IP`, `X-Client-IP`, `True-Client-IP`,
 * `CF-Connecting-IP`, `Fastly-Client-IP`, …). From a browser they are
 * whatever it chose to write; upstream they can pass an IP allow list, skew
 * rate limits or logs, or change the links an answer builds. Dropped unless
 * named in the proxy's `forwardRequestHeaders` (for a load balancer you
 * trust that sets them).
 */
export const CLIENT_ADDRESS_HEADERS: readonly string[] = [
  'forwarded',
  'forwarded-for',
  'x-forwarded',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'cf-pseudo-ipv4',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-appengine-user-ip',
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

/** CR, LF and NUL: the bytes that split or end a header. */
const INJECTION = /[\r\n\0]/;

/**
 * Header names listed in `Connection` (RFC 9110 §7.6.1) that are not
 * hop-by-hop already: these are hop-by-hop too. A set, so that a long list
 * costs one look-up per header rather than a scan of the list.
 */
function connectionListed(value: string | string[] | undefined, drop: ReadonlySet<string>): Set<string> | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
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
}

/**
 * The headers to send upstream: the caller's, minus credentials, `host`,
 * hop-by-hop headers, any header `Connection` names, method and URL
 * overrides, client-address headers not in `rules.forward`, and
 * `rules.drop`. Returns `null` if a value holds CR, LF or NUL (Node's parser
 * refuses those already; this guards headers another middleware may have
 * set).
 *
 * @internal
 */
export function requestHeadersForUpstream(headers: IncomingHttpHeaders, rules: RequestHeaderRules): Record<string, string | string[]> | null {
  const listed = connectionListed(headers.connection, REQUEST_DROP);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (REQUEST_DROP.has(lower) || listed?.has(lower) || rules.drop?.has(lower)) continue;
    if (isClientAddressHeader(lower) && !rules.forward?.has(lower)) continue;
    if (typeof value === 'string' ? INJECTION.test(value) : value.some((v) => INJECTION.test(v))) return null;
    out[lower] = value;
  }
  return out;
}

/**
 * The upstream answer's headers to pass back: all but hop-by-hop headers, the
 * headers `Connection` names, and `Set-Cookie`.
 *
 * No value carries one of `secrets` (the server's token, its client secret):
 * each is checked with a plain `includes`, and only on a hit is the value
 * rewritten, with each occurrence replaced by `[redacted]`; a header whose
 * name holds a secret (in any case), or whose value still does after that,
 * is dropped.
 * An upstream has no business echoing the `Authorization` it received into
 * a `Location`, a `Link` or a debug header, but if one ever does, the
 * browser must not learn the server's token from it.
 *
 * @internal
 */
export function responseHeadersForClient(headers: Record<string, string | string[] | undefined>, secrets: readonly string[]): Record<string, string | string[]> {
  const listed = connectionListed(headers.connection, RESPONSE_DROP);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    let value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (RESPONSE_DROP.has(lower) || listed?.has(lower)) continue;
    if (secrets.length > 0) {
      if (nameHoldsSecret(lower, secrets)) continue;
      if (typeof value === 'string') {
        if (holdsSecret(value, secrets) && (value = withoutSecrets(value, secrets)) === undefined) continue;
      } else if (value.some((v) => holdsSecret(v, secrets))) {
        const kept: string[] = [];
        for (const v of value) {
          const clean = withoutSecrets(v, secrets);
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
 * `text` with every secret replaced by `[redacted]`, or `undefined` if
 * redaction left one in it (so the caller drops the text rather than pass
 * it on).
 *
 * @internal
 */
export function withoutSecrets(text: string, secrets: readonly string[]): string | undefined {
  const clean = redact(text, secrets);
  return holdsSecret(clean, secrets) ? undefined : clean;
}
