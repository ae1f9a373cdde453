import type { ProxyRefusal } from './proxy-errors.js';

/** A request target that passed {@link checkTarget}. @internal */
export interface CheckedTarget {
  ok: true;
  /** The path exactly as the caller sent it (it is safe to forward unchanged). */
  path: string;
  /** The query string as the caller sent it, with its `?`, or `''`. */
  search: string;
  /**
   * The path's segments, each percent-decoded once and lower-cased, without
   * a trailing empty segment: what the allow list is matched against.
   */
  segments: string[];
  /**
   * The path's segments fully decoded (through any depth of encoding),
   * Unicode-normalized (NFKC), lower-cased and split on `/`, `\` and `;`:
   * what the token-endpoint check reads, so no spelling of
   * `/connect/token` slips through.
   */
  pieces: string[];
}

/** Bytes allowed raw in a path: RFC 3986 `pchar` (unreserved, sub-delims, `:`, `@`, pct-encoded) and `/`. */
const PATH_CHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
/** Bytes allowed raw in a query: printable ASCII but `#` (no controls, no space, nothing above 0x7e). */
const QUERY_CHAR = /^[\x21-\x22\x24-\x7e]*$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const ENCODED = /%[0-9A-Fa-f]{2}/;
const CONTROL = /[\x00-\x1f\x7f]/;
/** Decoding rounds allowed per segment; a segment still encoded after them is refused (no honest client nests escapes that deep). */
const MAX_DECODE_DEPTH = 3;

const refuse = (message: string): ProxyRefusal => ({ status: 400, code: 'ERR_ASPOSE_PROXY_BAD_PATH', message });

/**
 * Checks a request target (the part of the URL after the proxy's mount
 * point: `/v4.0/words/a.docx?folder=x`) and takes it apart.
 *
 * Refused with 400, before anything is matched or sent:
 * - a target that is not origin-form (`http://evil/…`), or starts with `//`;
 * - raw bytes outside RFC 3986's path characters (backslash, space, quotes,
 *   control characters, anything non-ASCII), and a `#`;
 * - a malformed percent-escape (`%u002e`, `%zz`) or bytes that are not UTF-8
 *   once decoded (the overlong `%c0%ae`);
 * - an empty segment inside the path (`/a//b`);
 * - any segment that decodes, at any depth (`%2e`, `%252e`, …), to a control
 *   character, a backslash, or a `.`/`..` piece, counting `/` and `\` inside
 *   the decoded text as separators and ignoring a `;…` suffix and trailing
 *   spaces (`..;`, `..%2f`, `%5c..`, full-width dots after NFKC);
 * - the same checks on the query string for raw bytes only: its escapes are
 *   forwarded undecoded, so `%0d%0a` there cannot split anything.
 *
 * The path is forwarded as the caller wrote it: once it has passed, no
 * server along the way can read it as something else.
 *
 * @internal
 */
export function checkTarget(target: string): CheckedTarget | (ProxyRefusal & { ok: false }) {
  const bad = (message: string) => ({ ok: false as const, ...refuse(message) });
  if (typeof target !== 'string' || target.charCodeAt(0) !== 47 /* / */) {
    return bad('The request target must be a path on this proxy, not an absolute URL');
  }
  if (target.charCodeAt(1) === 47 /* / */ || target.charCodeAt(1) === 92 /* \ */) {
    return bad('The request target must not start with "//"');
  }
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const search = q === -1 ? '' : target.slice(q);
  if (!PATH_CHAR.test(path)) return bad('The path holds a character that is not allowed (backslash, space, quote, control or non-ASCII character, or "#")');
  if (search !== '' && !QUERY_CHAR.test(search.slice(1))) return bad('The query string holds a character that is not allowed (space, control or non-ASCII character, or "#")');
  if (BAD_PERCENT.test(target)) return bad('The request target holds a malformed percent-escape');

  const raw = path.slice(1).split('/');
  const last = raw.length - 1;
  const segments: string[] = [];
  const pieces: string[] = [];
  for (let i = 0; i <= last; i++) {
    const seg = raw[i]!;
    if (seg === '') {
      if (i === last) break; // a trailing slash is fine
      return bad('The path holds an empty segment ("//")');
    }
    let once = seg;
    let full = seg;
    if (seg.includes('%')) {
      try {
        once = full = decodeEscapes(seg);
        for (let depth = 1; ENCODED.test(full); depth++) {
          if (depth >= MAX_DECODE_DEPTH) return bad('The path is percent-encoded too many times');
          full = decodeEscapes(full);
        }
      } catch {
        return bad('The path holds a percent-escape that is not valid UTF-8');
      }
      if (CONTROL.test(full)) return bad('The path holds an encoded control character (NUL, CR, LF, …)');
      if (full.includes('\\')) return bad('The path holds an encoded backslash');
    }
    segments.push(once.toLowerCase());
    for (const part of full.normalize('NFKC').toLowerCase().split(/[/\\]/)) {
      const head = part.split(';', 1)[0]!.trim(); // a ";param" suffix is ignored by some servers: ignore it too
      if (/^[.\s]+$/.test(head) && head.includes('.')) {
        return bad('The path tries to leave its directory ("." or ".." segment, in any encoding)');
      }
      pieces.push(head.replace(/[\s.]+$/, '')); // Windows servers drop trailing dots and spaces
    }
  }
  return { ok: true, path, search, segments, pieces };
}

/**
 * Decodes every run of valid `%XX` escapes. A stray `%` is left as it is (a
 * file may be called `50%off.docx`), but a run that is not UTF-8 throws: an
 * overlong `%c0%ae` is how old servers were tricked into reading a dot.
 */
function decodeEscapes(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => decodeURIComponent(run));
}

/**
 * True when `pieces` (from {@link checkTarget}) contain a token endpoint:
 * `connect/token` (Aspose, GroupDocs, and the Words and Cells forwarders) or
 * `oauth2/token` (the legacy v1.1 APIs), anywhere in the path; or when the
 * upstream path starts with the client's own configured token path.
 *
 * @internal
 */
export function isTokenEndpoint(pieces: readonly string[], upstreamPieces: readonly string[], tokenPathPieces: readonly string[] | undefined): boolean {
  for (let i = 0; i + 1 < pieces.length; i++) {
    if (pieces[i + 1] === 'token' && (pieces[i] === 'connect' || pieces[i] === 'oauth2')) return true;
  }
  if (tokenPathPieces && tokenPathPieces.length > 0 && tokenPathPieces.length <= upstreamPieces.length) {
    return tokenPathPieces.every((p, i) => upstreamPieces[i] === p);
  }
  return false;
}
