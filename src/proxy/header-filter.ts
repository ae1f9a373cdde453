import type { IncomingHttpHeaders } from 'node:http';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1, plus the non-standard
 * `proxy-connection` and HTTP/2's `http2-settings`): they describe one
 * connection and are never forwarded, in either direction.
 */
const HOP_BY_HOP: readonly string[] = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings', 'proxy-authenticate'];

/**
 * Never forwarded upstream:
 * - the caller's credentials (`authorization`, `proxy-authorization`,
 *   `cookie`): they belong to your app, not to Aspose, and the proxy sets its
 *   own `authorization`;
 * - `host`: the upstream request is built for the client's origin;
 * - `expect`: `100-continue` is answered by Node's server, not forwarded.
 */
const REQUEST_DROP = new Set<string>([...HOP_BY_HOP, 'host', 'authorization', 'proxy-authorization', 'cookie', 'expect']);

/** Never passed back to the caller: Aspose's cookies are not the browser's business. */
const RESPONSE_DROP = new Set<string>([...HOP_BY_HOP, 'set-cookie', 'set-cookie2']);

/** CR, LF and NUL: the bytes that split or end a header. */
const INJECTION = /[\r\n\0]/;

/** Header names listed in `Connection` (RFC 9110 §7.6.1): hop-by-hop too. */
function connectionListed(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
  const names = text
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.length > 0 ? names : undefined;
}

/**
 * The headers to send upstream: the caller's, minus credentials, `host`,
 * hop-by-hop headers, any header `Connection` names, and `extraDrop`.
 * Returns `null` if a value holds CR, LF or NUL (Node's parser refuses those
 * already; this guards headers another middleware may have set).
 *
 * @internal
 */
export function requestHeadersForUpstream(headers: IncomingHttpHeaders, extraDrop: ReadonlySet<string> | undefined): Record<string, string | string[]> | null {
  let injected = false;
  const out = keepHeaders(headers, REQUEST_DROP, (lower, value) => {
    if (extraDrop?.has(lower)) return false;
    if (typeof value === 'string' ? INJECTION.test(value) : value.some((v) => INJECTION.test(v))) injected = true;
    return true;
  });
  return injected ? null : out;
}

/**
 * The upstream answer's headers to pass back: all but hop-by-hop headers, the
 * headers `Connection` names, and `Set-Cookie`.
 *
 * @internal
 */
export function responseHeadersForClient(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  return keepHeaders(headers, RESPONSE_DROP);
}

/** The headers not in `drop`, not named in `Connection`, and accepted by `keep`, with lower-case names. */
function keepHeaders(
  headers: Record<string, string | string[] | undefined>,
  drop: ReadonlySet<string>,
  keep?: (lower: string, value: string | string[]) => boolean,
): Record<string, string | string[]> {
  const listed = connectionListed(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (drop.has(lower) || listed?.includes(lower) || (keep && !keep(lower, value))) continue;
    out[lower] = value;
  }
  return out;
}
