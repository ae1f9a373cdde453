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
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\x00-\x1f\x7f]/;
/**
 * More than 30 combining marks in a row (or the two half-width kana marks
 * that decompose to one). Unicode's normalization sorts each run of such
 * marks by combining class, and V8's (ICU's) sort is quadratic in the run:
 * a segment of alternating U+0301 U+0316 took 2 ms to normalize at 16 KB,
 * 35 ms at 64 KB and 570 ms at 256 KB (a raised --max-http-header-size lets
 * such a target in). UAX #15's stream-safe text allows at most 30 such marks in a
 * row, and no file name needs more. The quantifier is a fixed count over one
 * character class, so the test itself is linear.
 */
const MARK_RUN = /[\p{M}\uFF9E\uFF9F]{31}/u;
/** Decoding rounds allowed per segment; a segment still encoded after them is refused (no honest client nests escapes that deep). */
const MAX_DECODE_DEPTH = 3;

const refuse = (message: string): ProxyRefusal => ({ code: 'ERR_ASPOSE_PROXY_BAD_PATH', message });

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
 * - any segment, or piece of one between decoded `/` or `\`, that holds
 *   nothing once its `;…` suffix and white space are set aside
 *   (`/connect/;/token`, `/connect/%3b/token`, `/connect/%20/token`,
 *   `/connect%2f%2ftoken`): a server that drops such a segment would join
 *   its neighbours into a path nobody checked;
 * - the same checks on the query string for raw bytes only: its escapes are
 *   forwarded undecoded, so `%0d%0a` there cannot split anything.
 *
 * The path is forwarded as the caller wrote it: once it has passed, no
 * server along the way can read it as something else.
 *
 * Every check is linear in the target's length (no regex here backtracks
 * over caller text, and decoding stops after `MAX_DECODE_DEPTH`
 * rounds), so a long hostile target costs what a long honest one does.
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
  if (search !== '' && !QUERY_CHAR.test(search.slice(1)))
    return bad('The query string holds a character that is not allowed (space, control or non-ASCII character, or "#")');
  if (BAD_PERCENT.test(target)) return bad('The request target holds a malformed percent-escape');

  const raw = path.slice(1).split('/');
  const last = raw.length - 1;
  const segments: string[] = [];
  const pieces: string[] = [];
  for (let i = 0; i <= last; i++) {
    const seg = raw[i];
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
      if (MARK_RUN.test(full)) return bad('The path holds more than 30 combining marks in a row');
    }
    const lower = once.toLowerCase();
    segments.push(lower);
    let problem: string | undefined;
    if (full === seg) {
      // Not encoded, so plain ASCII (PATH_CHAR): NFKC changes nothing and there is no "/" or "\" inside.
      problem = addPiece(lower, pieces);
    } else {
      for (const part of full.normalize('NFKC').toLowerCase().split(/[/\\]/)) {
        problem = addPiece(part, pieces);
        if (problem !== undefined) break;
      }
    }
    if (problem !== undefined) return bad(problem);
  }
  return { ok: true, path, search, segments, pieces };
}

/**
 * Adds one piece of a decoded segment to `pieces`, as the token-endpoint
 * check compares it: without a `;…` suffix (some servers ignore it), white
 * space at either end, or trailing dots (Windows servers drop them). Returns
 * why the piece is refused, if it is.
 */
function addPiece(part: string, pieces: string[]): string | undefined {
  const semi = part.indexOf(';');
  const head = (semi === -1 ? part : part.slice(0, semi)).trim();
  // Find where trailing dots and spaces start in one backward scan: a regex
  // such as /[\s.]+$/ retries from every dot of a long run, which is
  // quadratic in it (16 KB of dots blocked the event loop for 0.8 s).
  let end = head.length;
  let dot = false;
  for (; end > 0; end--) {
    const c = head.charCodeAt(end - 1);
    if (c === 46 /* . */) dot = true;
    else if (!isSpace(c)) break;
  }
  if (end === 0) {
    // Nothing left: "." or ".." in some spelling, or a segment some server
    // drops ("/connect/;/token", "/connect/%20/token") so that its
    // neighbours meet in a path nobody checked.
    return dot
      ? 'The path tries to leave its directory ("." or ".." segment, in any encoding)'
      : 'The path holds a segment that is empty once decoded, or holds only ";" parameters or white space';
  }
  pieces.push(end === head.length ? head : head.slice(0, end));
  return undefined;
}

/** What `String.prototype.trim` and `\s` count as white space (ECMA-262 WhiteSpace and LineTerminator). */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * Decodes every run of valid `%XX` escapes. A stray `%` is left as it is (a
 * file may be called `50%off.docx`), but a run that is not UTF-8 throws: an
 * overlong `%c0%ae` is how old servers were tricked into reading a dot.
 */
function decodeEscapes(s: string): string {
  try {
    // One call for the whole segment when it has no stray "%": the same
    // result, without a callback per run (".%20" 4000 times is 4000 runs).
    return decodeURIComponent(s);
  } catch {
    return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => decodeURIComponent(run));
  }
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
