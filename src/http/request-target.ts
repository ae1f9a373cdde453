/**
 * Request targets: where a call made with a path relative to `baseUrl` (or
 * an absolute URL) goes, and how its path and query are encoded.
 *
 * @internal
 */
import type { ApiTarget } from '../config/settings.js';
import { AsposeArgumentError } from '../errors/errors.js';

/** Query parameters; `undefined` and `null` values are left out, arrays repeat the key. */
export type AsposeQuery = Record<string, string | number | boolean | null | undefined | readonly (string | number | boolean)[]>;

/** An origin and the path (with its query) to send there. @internal */
export interface RequestTarget {
  origin: string;
  path: string;
}

/**
 * The target of a call: a path relative to the base URL (`/v4.0/words/a b.docx`:
 * under the base path, percent-encoded where a request target cannot carry
 * it raw), or an absolute `http(s)://` URL sent as it is. The query is
 * appended encoded.
 *
 * @throws {AsposeArgumentError} for any other path, or one with a lone UTF-16 surrogate.
 * @internal
 */
export function requestTarget(api: ApiTarget, path: string, query: AsposeQuery | undefined): RequestTarget {
  let origin = api.origin;
  let full: string;
  if (typeof path === 'string' && path.charCodeAt(0) === 47 /* / */ && path.charCodeAt(1) !== 47 && path.charCodeAt(1) !== 92) {
    full = api.basePath + encodePath(path);
  } else if (typeof path === 'string' && /^https?:\/\//i.test(path)) {
    const u = new URL(path);
    origin = u.origin;
    full = u.pathname + u.search;
  } else {
    throw new AsposeArgumentError(
      `path must start with a single "/" (relative to baseUrl) or be an absolute http(s) URL (got ${JSON.stringify(String(path).slice(0, 60))})`,
    );
  }
  if (query) {
    const qs = encodeQuery(query);
    if (qs) full += (full.includes('?') ? '&' : '?') + qs;
  }
  return { origin, path: full };
}

/**
 * The target of a path and query already checked (by the proxy's path
 * guard): under the base path, byte for byte as received, never re-encoded,
 * so that no server along the way reads it as something other than what was
 * checked.
 *
 * @internal
 */
export function rawTarget(api: ApiTarget, pathAndQuery: string): RequestTarget {
  return { origin: api.origin, path: api.basePath + pathAndQuery };
}

/** `key=value&…`, each side `encodeURIComponent`-encoded. @internal */
export function encodeQuery(query: AsposeQuery): string {
  const parts: string[] = [];
  for (const key in query) {
    const v = query[key];
    if (v === undefined || v === null) continue;
    const k = encodeURIComponent(key);
    if (Array.isArray(v)) for (const item of v) parts.push(`${k}=${encodeURIComponent(String(item))}`);
    else parts.push(`${k}=${encodeURIComponent(String(v))}`);
  }
  return parts.join('&');
}

/**
 * What a request target cannot carry raw: controls, space, `"<>\`{}` (the
 * WHATWG path percent-encode set, less `?` and `#`) and non-ASCII. `%` is
 * left alone, so a path the caller already encoded goes out unchanged.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be encoded
const UNSAFE_IN_PATH = /[\u0000-\u0020\u007f"<>`{}]|[^\u0000-\u007f]+/u;
const UNSAFE_IN_PATH_ALL = new RegExp(UNSAFE_IN_PATH.source, 'gu');

/**
 * Percent-encodes what {@link UNSAFE_IN_PATH} matches, as `new URL()` would: `/a b.docx` → `/a%20b.docx`.
 *
 * @throws {AsposeArgumentError} for a lone UTF-16 surrogate, which no URL can carry.
 * @internal
 */
export function encodePath(path: string): string {
  if (!UNSAFE_IN_PATH.test(path)) return path;
  try {
    return path.replace(UNSAFE_IN_PATH_ALL, (s) => encodeURI(s));
  } catch {
    throw new AsposeArgumentError('path contains a lone UTF-16 surrogate, which cannot be sent in a URL');
  }
}

/** `path` without its query string: what errors name. @internal */
export function pathOnly(path: string): string {
  const i = path.indexOf('?');
  return i === -1 ? path : path.slice(0, i);
}
