/**
 * Text that came from a server (an OAuth `error_description`, an API error
 * body, a response header) may echo what we sent it, in any spelling. Before
 * such text goes into an error, a log line or an error field, every known
 * secret in it is replaced, and so is anything shaped like a credential.
 *
 * How, in one linear pass:
 *
 * 1. The text is read as a *view*: a sequence of units, each one source
 *    character or one escape (`%XX`, a JSON `\uXXXX`, `\/`, `\"`, `\\`)
 *    decoded to what it stands for, with A–Z folded to a–z. Each unit knows
 *    the span of source text it came from, so redacting units redacts whole
 *    escapes. One view covers the raw secret, its `encodeURIComponent` and
 *    form-encoded spellings (hex digits in either case, and any mixture of
 *    encoded and plain characters), a secret echoed inside a JSON string
 *    with escapes, and ASCII case changes.
 * 2. For each secret, a handful of patterns in view units: the secret
 *    itself; with spaces as `+` (form encoding); its UTF-8 bytes (what
 *    `%XX` of a non-ASCII character decodes to); and the part of its base64
 *    and base64url encoding that depends only on the secret, at each of the
 *    three byte alignments it can have inside a longer base64 string (so
 *    HTTP Basic's `base64(id:secret)`, with or without padding, and a secret
 *    inside any base64 blob). All patterns are found together by one
 *    Aho–Corasick automaton: time linear in the text plus the patterns'
 *    total length, whatever the text, however many secrets.
 * 3. Generic rules judge runs of units, each unit looked at a bounded number
 *    of times: the credential after `Bearer`, a JWT-shaped string, and the
 *    value of `client_secret`, `access_token` or `refresh_token` (as
 *    `key=value` or JSON `"key": "value"`).
 *
 * No regular expression runs over the text.
 *
 * @internal
 */
export const REDACTED = '[redacted]';

/**
 * Secrets shorter than this are not searched for. A value that short is not
 * a credential this library could be given by Aspose (client secrets are 32
 * characters, tokens hundreds), offers nothing to protect, and matched
 * case-insensitively it would blank ordinary words all over a message.
 *
 * @internal
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Text longer than this is cut, after redaction, at this many characters
 * (or at the end of a redaction that spans the cut), and a note says how
 * much was left out. Messages quote far less; only an error body could be
 * this long, and 1 MiB of an error page is more than anyone will read.
 *
 * @internal
 */
export const MAX_REDACTED_LENGTH = 1 << 20;

/** Redacts one text with a fixed set of secrets. @internal */
export type Redactor = (text: string) => string;

/**
 * Replaces each secret in `text`, in every spelling listed above, with
 * `[redacted]`, and any credential-shaped string too. Redact before
 * cutting text to length: a cut first could leave part of a secret that
 * no longer matches.
 *
 * @internal
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  return createRedactor(secrets)(text);
}

/**
 * A {@link Redactor} for `secrets`, built once: use it to redact several
 * texts (an error's fields and headers) with the same secrets.
 *
 * @internal
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const patterns = secretPatterns(secrets);
  const automaton = patterns.length > 0 ? new Automaton(patterns) : undefined;
  // A secret straddling the cut must still be seen whole: look this far past it.
  const margin = 4096 + 6 * (automaton?.longest ?? 0);
  return (text) => redactText(text, automaton, margin);
}

/**
 * Keeps the {@link Redactor} for the last set of secrets it was asked
 * about, so that a client redacting every API error with the same few
 * secrets builds the automaton once per token, not once per error. Holds
 * the secrets in private fields only, like the token service it serves.
 *
 * @internal
 */
export class RedactorCache {
  #key: string | undefined;
  #redactor: Redactor | undefined;

  /** The redactor for `secrets`, built again only when they change. */
  for(secrets: readonly (string | undefined)[]): Redactor {
    const key = secrets.map((s) => s ?? '').join('\0');
    if (this.#redactor === undefined || key !== this.#key) {
      this.#redactor = createRedactor(secrets);
      this.#key = key;
    }
    return this.#redactor;
  }
}

/**
 * A redacted copy of response headers: every value (each element of an
 * array value), and any name that holds a secret.
 *
 * @internal
 */
export function redactHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  redactor: Redactor,
): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = redactor(name);
    const clean = typeof value === 'string' ? redactor(value) : Array.isArray(value) ? value.map((v) => redactor(String(v))) : value;
    const prior = Object.hasOwn(out, key) ? out[key] : undefined;
    // Two names redacted to the same key keep both values.
    const merged = prior === undefined ? clean : ([] as (string | undefined)[]).concat(prior, clean).filter((v): v is string => v !== undefined);
    // Defined, not assigned: a header named __proto__ must stay a header.
    Object.defineProperty(out, key, { value: merged, enumerable: true, configurable: true, writable: true });
  }
  return out;
}

// ---------------------------------------------------------------------------
// The view: source text read as decoded, case-folded units.

/** Bytes from `%XX` above 0x7F live here, apart from UTF-16 code units. */
const BYTE = 0x10000;

const fold = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

interface View {
  /** Decoded, folded units. */
  units: Int32Array;
  /** `starts[i]` is where unit `i` begins in the source; `starts[length]` is the end. */
  starts: Int32Array;
  length: number;
}

function buildView(text: string, end: number): View {
  const units = new Int32Array(end);
  const starts = new Int32Array(end + 1);
  let m = 0;
  let i = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    starts[m] = i;
    if (c === 37 /* % */ && i + 2 < end) {
      const h = hexValue(text.charCodeAt(i + 1));
      const l = h < 0 ? -1 : hexValue(text.charCodeAt(i + 2));
      if (l >= 0) {
        const b = h * 16 + l;
        units[m++] = b < 0x80 ? fold(b) : BYTE + b;
        i += 3;
        continue;
      }
    } else if (c === 92 /* \ */ && i + 1 < end) {
      const n = text.charCodeAt(i + 1);
      if (n === 117 /* u */ && i + 5 < end) {
        const a = hexValue(text.charCodeAt(i + 2));
        const b = hexValue(text.charCodeAt(i + 3));
        const d = hexValue(text.charCodeAt(i + 4));
        const e = hexValue(text.charCodeAt(i + 5));
        if ((a | b | d | e) >= 0) {
          units[m++] = fold((a << 12) | (b << 8) | (d << 4) | e);
          i += 6;
          continue;
        }
      } else if (n === 47 /* / */ || n === 34 /* " */ || n === 92 /* \ */) {
        units[m++] = n;
        i += 2;
        continue;
      }
    }
    units[m++] = fold(c);
    i++;
  }
  starts[m] = end;
  return { units, starts, length: m };
}

// ---------------------------------------------------------------------------
// Patterns for the secrets.

interface Pattern {
  units: Int32Array;
  /** A base64 core: the characters on either side may hold a few bits of the secret too. */
  base64: boolean;
}

function unitsOf(s: string): Int32Array {
  const out = new Int32Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = fold(s.charCodeAt(i));
  return out;
}

function secretPatterns(secrets: readonly (string | undefined)[]): Pattern[] {
  const out = new Map<string, Pattern>();
  // Keyed by kind and text, so a spelling shared by two secrets is searched for once.
  const add = (key: string, units: () => Int32Array, base64: boolean) => {
    if (key.length > 2 && !out.has(key)) out.set(key, { units: units(), base64 });
  };
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
    const spellings = s.includes(' ') ? [s, s.replaceAll(' ', '+')] : [s];
    for (const spelling of spellings) {
      add(`t:${spelling}`, () => unitsOf(spelling), false);
      const bytes = Buffer.from(spelling, 'utf8');
      if (bytes.length !== spelling.length) add(`b:${bytes.toString('latin1')}`, () => Int32Array.from(bytes, (b) => (b < 0x80 ? fold(b) : BYTE + b)), false);
    }
    const bytes = Buffer.from(s, 'utf8');
    for (let k = 0; k < 3; k++) {
      const shifted = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
      // Character j holds bits 6j..6j+5 of the stream; keep those that fall wholly within the secret's bytes.
      const core = shifted.slice(Math.ceil((8 * k) / 6), Math.floor((8 * k + 8 * bytes.length) / 6));
      const url = core.replaceAll('+', '-').replaceAll('/', '_');
      add(`6:${core}`, () => unitsOf(core), true);
      add(`6:${url}`, () => unitsOf(url), true);
    }
  }
  return [...out.values()];
}

/**
 * Aho–Corasick over view units. Patterns are long and few, so the trie is
 * mostly chains: a node's first child is usually the node made right after
 * it, and only branches go in a map.
 */
class Automaton {
  readonly longest: number;
  readonly #parent: Int32Array;
  readonly #label: Int32Array;
  readonly #fail: Int32Array;
  /** Length of the longest pattern ending at this node (its own, or one reached by failure links). */
  readonly #outLen: Int32Array;
  /** Same, counting only base64 cores. */
  readonly #base64Len: Int32Array;
  /** Children other than the node made right after their parent, by parent then unit. */
  readonly #branches = new Map<number, Map<number, number>>();
  /** Which nodes have an entry in `#branches`, so most lookups never touch the map. */
  readonly #branched: Uint8Array;
  /** The root's children by ASCII unit, plus one (0: none): the root is asked about every unit it meets. */
  readonly #rootAscii = new Int32Array(128);
  readonly #count: number;

  constructor(patterns: readonly Pattern[]) {
    let total = 1;
    let longest = 0;
    for (const p of patterns) {
      total += p.units.length;
      longest = Math.max(longest, p.units.length);
    }
    this.longest = longest;
    const parent = (this.#parent = new Int32Array(total));
    const label = (this.#label = new Int32Array(total));
    const depth = new Int32Array(total);
    const outLen = (this.#outLen = new Int32Array(total));
    const base64Len = (this.#base64Len = new Int32Array(total));
    const fail = (this.#fail = new Int32Array(total));
    const branched = (this.#branched = new Uint8Array(total));
    let count = 1;
    for (const p of patterns) {
      let v = 0;
      let k = 0;
      const units = p.units;
      // Follow what is already there, then append the rest as a chain.
      for (; k < units.length; k++) {
        const w = this.#next(v, units[k]!, count);
        if (w < 0) break;
        v = w;
      }
      for (; k < units.length; k++) {
        const w = count++;
        const c = units[k]!;
        parent[w] = v;
        label[w] = c;
        depth[w] = depth[v]! + 1;
        if (v === 0 && c < 128) {
          this.#rootAscii[c] = w + 1;
        } else if (w !== v + 1) {
          let map = this.#branches.get(v);
          if (!map) this.#branches.set(v, (map = new Map()));
          map.set(c, w);
          branched[v] = 1;
        }
        v = w;
      }
      outLen[v] = p.units.length;
      if (p.base64) base64Len[v] = p.units.length;
    }
    this.#count = count;

    // Failure links in breadth-first order (nodes sorted by depth).
    const byDepth = new Int32Array(longest + 2);
    for (let v = 1; v < count; v++) byDepth[depth[v]! + 1]!++;
    for (let d = 1; d < byDepth.length; d++) byDepth[d]! += byDepth[d - 1]!;
    const order = new Int32Array(count);
    for (let v = 1; v < count; v++) order[byDepth[depth[v]!]!++] = v;
    const rootAscii = this.#rootAscii;
    for (let o = 0; o < count - 1; o++) {
      const v = order[o]!;
      const p = parent[v]!;
      let f = 0;
      if (p !== 0) {
        const c = label[v]!;
        let s = fail[p]!;
        for (;;) {
          // this.#next, inlined: this loop runs for every node of every build.
          let w: number;
          if (s === 0 && c < 128) w = rootAscii[c]! - 1;
          else if (parent[s + 1] === s && label[s + 1] === c && s + 1 < count) w = s + 1;
          else w = branched[s] === 1 ? (this.#branches.get(s)!.get(c) ?? -1) : -1;
          if (w >= 0) {
            f = w;
            break;
          }
          if (s === 0) break;
          s = fail[s]!;
        }
      }
      fail[v] = f;
      if (outLen[f]! > outLen[v]!) outLen[v] = outLen[f]!;
      if (base64Len[f]! > base64Len[v]!) base64Len[v] = base64Len[f]!;
    }
  }

  #next(v: number, c: number, count: number): number {
    if (v === 0 && c < 128) return this.#rootAscii[c]! - 1;
    const n = v + 1;
    if (n < count && this.#parent[n] === v && this.#label[n] === c) return n;
    return this.#branched[v] === 1 ? (this.#branches.get(v)!.get(c) ?? -1) : -1;
  }

  /** Marks every pattern occurrence in `view` into `marks` (a difference array). */
  scan(view: View, marks: Int32Array): void {
    const { units, length } = view;
    const count = this.#count;
    const fail = this.#fail;
    const outLen = this.#outLen;
    const base64Len = this.#base64Len;
    let s = 0;
    for (let i = 0; i < length; i++) {
      const c = units[i]!;
      for (;;) {
        const w = this.#next(s, c, count);
        if (w >= 0) {
          s = w;
          break;
        }
        if (s === 0) break;
        s = fail[s]!;
      }
      const len = outLen[s]!;
      if (len === 0) continue;
      let from = i + 1 - len;
      let to = i + 1;
      const b64 = base64Len[s]!;
      if (b64 > 0) {
        // The characters just outside a base64 core mix the secret's first and last bits with
        // their neighbours', and padding follows it: take up to two of each side, and the '='s.
        let left = i + 1 - b64;
        for (let k = 0; k < 2 && left > 0 && isBase64Unit(units[left - 1]!); k++) left--;
        if (left < from) from = left;
        for (let k = 0; k < 2 && to < length && isBase64Unit(units[to]!); k++) to++;
        for (let k = 0; k < 2 && to < length && units[to] === 61 /* = */; k++) to++;
      }
      marks[from]!++;
      marks[to]!--;
    }
  }
}

function isBase64Unit(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95;
}

// ---------------------------------------------------------------------------
// Generic rules: credentials whoever's they are.

const isWordUnit = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
const isSpaceUnit = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
/** What ends a credential: white space, quotes, and separators no token contains. */
function endsCredential(c: number): boolean {
  switch (c) {
    case 34: // "
    case 39: // '
    case 44: // ,
    case 59: // ;
    case 38: // &
    case 60: // <
    case 62: // >
    case 40: // (
    case 41: // )
    case 91: // [
    case 93: // ]
    case 123: // {
    case 125: // }
    case 92: // \
      return true;
    default:
      return isSpaceUnit(c);
  }
}

const BEARER = unitsOf('bearer');
const KEYS = ['client_secret', 'access_token', 'refresh_token'].map(unitsOf);

function endsWith(units: Int32Array, end: number, start: number, word: Int32Array): boolean {
  if (end - start < word.length) return false;
  for (let k = 0; k < word.length; k++) if (units[end - word.length + k] !== word[k]) return false;
  return true;
}

/**
 * Marks the credential after `Bearer`, and the value of `client_secret=`,
 * `access_token=`, `"access_token": "…"` and the like. Each unit is looked
 * at a bounded number of times: a marked value is skipped past, and where
 * a Bearer credential turns out to be an auth-param (`Bearer realm="x"`),
 * precomputed next-stop tables answer in constant time.
 */
function markKeyedCredentials(view: View, marks: Int32Array): void {
  const { units, length } = view;
  let tables: { stop: Int32Array; eq: Int32Array; eqEnd: Int32Array } | undefined;
  let i = 0;
  while (i < length) {
    if (!isWordUnit(units[i]!)) {
      i++;
      continue;
    }
    const start = i;
    while (i < length && isWordUnit(units[i]!)) i++;
    const end = i;
    if (endsWith(units, end, start, BEARER)) {
      let k = end;
      while (k < length && (units[k] === 32 || units[k] === 9 || units[k] === 43 /* + */)) k++;
      if (k === end || k >= length) continue;
      tables ??= credentialTables(units, length);
      const stop = tables.stop[k]!;
      if (stop === k) continue;
      // `Bearer realm="x"` or `Bearer error=invalid_token`: an auth-param, not a token68 credential
      // (which may end in '=' padding, but has nothing after it).
      const eq = tables.eq[k]!;
      if (eq < stop && (tables.eqEnd[eq]! < stop || units[stop] === 34)) continue;
      marks[k]!++;
      marks[stop]!--;
      i = stop;
      continue;
    }
    if (KEYS.some((key) => endsWith(units, end, start, key))) {
      let k = end;
      let quoted = false;
      if (units[k] === 61 /* = */) {
        k++;
      } else if (units[k] === 34 /* " */) {
        k++;
        while (k < length && isSpaceUnit(units[k]!)) k++;
        if (units[k] !== 58 /* : */) continue;
        k++;
        while (k < length && isSpaceUnit(units[k]!)) k++;
        if (units[k] !== 34) continue;
        k++;
        quoted = true;
      } else {
        continue;
      }
      let e = k;
      while (e < length && (quoted ? units[e] !== 34 : !endsCredential(units[e]!))) e++;
      if (e > k) {
        marks[k]!++;
        marks[e]!--;
        i = e;
      }
    }
  }
}

/** For each unit: where the credential starting there ends, the next '=', and where that '=' run ends. */
function credentialTables(units: Int32Array, length: number): { stop: Int32Array; eq: Int32Array; eqEnd: Int32Array } {
  const stop = new Int32Array(length + 1);
  const eq = new Int32Array(length + 1);
  const eqEnd = new Int32Array(length + 1);
  stop[length] = eq[length] = eqEnd[length] = length;
  for (let k = length - 1; k >= 0; k--) {
    const c = units[k]!;
    stop[k] = endsCredential(c) ? k : stop[k + 1]!;
    eq[k] = c === 61 ? k : eq[k + 1]!;
    eqEnd[k] = c === 61 ? eqEnd[k + 1]! : k;
  }
  return { stop, eq, eqEnd };
}

const isJwtUnit = (c: number): boolean => isWordUnit(c) || c === 45 /* - */ || c === 46; /* . */

/**
 * Marks JWT-shaped strings: within a run of `[\w.-]`, a segment holding
 * `eyJ` with at least four more characters, then a segment of at least
 * four, then a dot. Marked from `eyJ` to the end of the run. Each run is
 * split at its dots once, so every unit is looked at a bounded number of times.
 */
function markJwts(view: View, marks: Int32Array): void {
  const { units, length } = view;
  const dots: number[] = [];
  let i = 0;
  while (i < length) {
    if (!isJwtUnit(units[i]!)) {
      i++;
      continue;
    }
    const start = i;
    dots.length = 0;
    while (i < length && isJwtUnit(units[i]!)) {
      if (units[i] === 46) dots.push(i);
      i++;
    }
    const end = i;
    if (dots.length < 2) continue;
    // Segment s spans [segStart(s), dots[s]); a JWT starting in segment s needs dots s and s+1.
    for (let s = 0; s + 1 < dots.length; s++) {
      const segStart = s === 0 ? start : dots[s - 1]! + 1;
      const segEnd = dots[s]!;
      if (dots[s + 1]! - segEnd - 1 < 4 || segEnd - segStart < 7) continue;
      let at = -1;
      for (let k = segStart; k + 7 <= segEnd; k++) {
        if (units[k] === 101 /* e */ && units[k + 1] === 121 /* y */ && units[k + 2] === 106 /* j */) {
          at = k;
          break;
        }
      }
      if (at >= 0) {
        marks[at]!++;
        marks[end]!--;
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------

function redactText(text: string, automaton: Automaton | undefined, margin: number): string {
  const n = text.length;
  const cut = n > MAX_REDACTED_LENGTH ? MAX_REDACTED_LENGTH : n;
  const view = buildView(text, Math.min(n, cut + margin));
  const marks = new Int32Array(view.length + 1);
  automaton?.scan(view, marks);
  markKeyedCredentials(view, marks);
  markJwts(view, marks);

  const { starts, length } = view;
  const parts: string[] = [];
  let copied = 0; // source text before this is in `parts`
  let depth = 0;
  let inside = false;
  for (let u = 0; u < length; u++) {
    depth += marks[u]!;
    const at = starts[u]!;
    if (!inside) {
      // Cut only outside a redaction, so no part of a secret survives the cut.
      if (at >= cut) break;
      if (depth > 0) {
        parts.push(text.slice(copied, at), REDACTED);
        inside = true;
      }
    } else if (depth === 0) {
      copied = at;
      inside = false;
      if (at >= cut) break;
    }
  }
  if (inside) copied = starts[length]!;
  if (parts.length === 0 && cut === n) return text;
  const stop = cut === n ? n : Math.max(copied, cut);
  parts.push(text.slice(copied, stop));
  if (stop < n) parts.push(`… [${n - stop} more characters cut]`);
  return parts.join('');
}
