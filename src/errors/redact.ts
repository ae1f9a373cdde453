/**
 * Text that came from a server (an OAuth `error_description`, an API error
 * body, a response header) may echo what we sent it, in any spelling. Before
 * such text goes into an error, a log line or an error field, every known
 * secret in it is replaced, and so is anything shaped like a credential.
 *
 * How, in linear time:
 *
 * 1. The text is read twice, as *views*: sequences of units, its UTF-8
 *    bytes with A–Z folded to a–z (a fold that keeps every unit in place).
 *    The literal view takes the text as it is; the decoded one (built only
 *    when the text holds a `%` or `\`) also decodes each escape, `%XX`,
 *    a JSON `\uXXXX`, `\/`, `\"` and `\\`, to what it stands for. Each unit
 *    knows where in the source it came from, so redacting units redacts
 *    whole escapes. The literal view finds a secret echoed raw, whatever
 *    its neighbours (after a stray `%4` a secret starting with a hex digit
 *    would lose it into an escape in the other view); the decoded view
 *    finds its `encodeURIComponent` and form-encoded spellings (hex digits
 *    in either case, any mixture of encoded and plain characters) and the
 *    secret inside a JSON string with escapes (.NET writes `+` as
 *    `\u002B`). Both find case changes.
 * 2. For each secret, a handful of patterns in view units: the secret
 *    itself; with spaces as `+` (form encoding); for a secret that itself
 *    holds a `%` or `\`, the decoded reading of each of its encodings; and
 *    the part of its base64 and base64url encoding that depends only on
 *    the secret, at each of the three byte alignments it can have inside a
 *    longer base64 string (so HTTP Basic's `base64(id:secret)`, with or
 *    without padding, and a secret inside any base64 blob), with the
 *    characters on its edges that it shares with its neighbours, and its
 *    padding. All patterns are found together by one Aho–Corasick
 *    automaton: time linear in the text plus the patterns' total length,
 *    whatever the text, however many secrets.
 * 3. Generic rules judge runs of units in both views, each unit looked at a
 *    bounded number of times: the credential after `Bearer`, a JWT-shaped string, and the
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

/**
 * undici's `HTTPParserError` keeps the unparsed rest of the server's answer
 * in `data`, and that can echo the request's `Authorization` header.
 * Redacts such a field in place, along the `cause` chain; the error keeps
 * its class, `code` and message, so `instanceof` and `code` checks still work.
 * `redactor` is asked for only when there is something to redact.
 *
 * @internal
 */
export function redactErrorData(err: unknown, redactor: () => Redactor): void {
  let e = err;
  for (let depth = 0; depth < 8 && e !== null && typeof e === 'object'; depth++) {
    const data = Object.hasOwn(e, 'data') ? (e as { data?: unknown }).data : undefined;
    if (typeof data === 'string') {
      const d = Object.getOwnPropertyDescriptor(e, 'data')!;
      if (d.configurable || d.writable) Object.defineProperty(e, 'data', { ...d, value: redactor()(data) });
    }
    e = (e as { cause?: unknown }).cause;
  }
}

// ---------------------------------------------------------------------------
// The views: source text read as case-folded UTF-8 bytes, literally or with escapes decoded.

const fold = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** The four hex digits at `i`, or -1. */
function hex4(text: string, i: number, end: number): number {
  if (i + 4 > end) return -1;
  const a = hexValue(text.charCodeAt(i));
  const b = hexValue(text.charCodeAt(i + 1));
  const c = hexValue(text.charCodeAt(i + 2));
  const d = hexValue(text.charCodeAt(i + 3));
  return (a | b | c | d) < 0 ? -1 : (a << 12) | (b << 8) | (c << 4) | d;
}

interface View {
  /**
   * One byte per unit: the source as UTF-8, with A–Z folded to a–z, and
   * in the decoded view `%XX`, `\uXXXX`, `\/`, `\"` and `\\` decoded. There
   * a raw `é`, `%C3%A9` and `\u00e9` all read as the same two units, so a
   * secret spelled with some characters encoded and some not is one match.
   */
  units: Uint8Array;
  /**
   * `starts[i]` is where unit `i` begins in the source; `starts[length]` is
   * the end. The units of one source character or escape share its start.
   */
  starts: Int32Array;
  length: number;
}

function buildView(text: string, end: number, decode: boolean): View {
  let units = new Uint8Array(end + 16);
  let starts = new Int32Array(end + 17);
  let m = 0;
  let i = 0;
  while (i < end) {
    if (m + 4 > units.length - 1) {
      // Non-ASCII text takes more than one unit a character; grow by doubling (amortised linear).
      const u = new Uint8Array(units.length * 2);
      u.set(units);
      units = u;
      const s = new Int32Array(u.length + 1);
      s.set(starts);
      starts = s;
    }
    const at = i;
    const c = text.charCodeAt(i);
    let code = -1; // a UTF-16 code point to emit as UTF-8, if not a single byte
    if (!decode) {
      // Literal: the raw text, for a secret echoed as it is, whatever escapes its neighbours start.
    } else if (c === 37 /* % */ && i + 2 < end) {
      const h = hexValue(text.charCodeAt(i + 1));
      const l = h < 0 ? -1 : hexValue(text.charCodeAt(i + 2));
      if (l >= 0) {
        starts[m] = at;
        units[m++] = fold(h * 16 + l);
        i += 3;
        continue;
      }
    } else if (c === 92 /* \ */ && i + 1 < end) {
      const n = text.charCodeAt(i + 1);
      if (n === 117 /* u */) {
        const u = hex4(text, i + 2, end);
        if (u >= 0) {
          i += 6;
          code = u;
          // A JSON surrogate pair is two escapes.
          if (u >= 0xd800 && u < 0xdc00 && text.charCodeAt(i) === 92 && text.charCodeAt(i + 1) === 117) {
            const low = hex4(text, i + 2, end);
            if (low >= 0xdc00 && low < 0xe000) {
              code = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
              i += 6;
            }
          }
        }
      } else if (n === 47 /* / */ || n === 34 /* " */ || n === 92 /* \ */) {
        starts[m] = at;
        units[m++] = n;
        i += 2;
        continue;
      }
    }
    if (code < 0) {
      code = c;
      i++;
      if (c >= 0xd800 && c < 0xdc00 && i < end) {
        const low = text.charCodeAt(i);
        if (low >= 0xdc00 && low < 0xe000) {
          code = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
    }
    m = emitUtf8(code, at, units, starts, m);
  }
  starts[m] = end;
  return { units, starts, length: m };
}

/** Writes `code` as UTF-8 (a lone surrogate as U+FFFD, as `Buffer.from` does), folded if ASCII. */
function emitUtf8(code: number, at: number, units: Uint8Array, starts: Int32Array, m: number): number {
  if (code < 0x80) {
    starts[m] = at;
    units[m++] = fold(code);
    return m;
  }
  if (code >= 0xd800 && code < 0xe000) code = 0xfffd;
  if (code < 0x800) {
    starts[m] = starts[m + 1] = at;
    units[m] = 0xc0 | (code >> 6);
    units[m + 1] = 0x80 | (code & 63);
    return m + 2;
  }
  if (code < 0x10000) {
    starts[m] = starts[m + 1] = starts[m + 2] = at;
    units[m] = 0xe0 | (code >> 12);
    units[m + 1] = 0x80 | ((code >> 6) & 63);
    units[m + 2] = 0x80 | (code & 63);
    return m + 3;
  }
  starts[m] = starts[m + 1] = starts[m + 2] = starts[m + 3] = at;
  units[m] = 0xf0 | (code >> 18);
  units[m + 1] = 0x80 | ((code >> 12) & 63);
  units[m + 2] = 0x80 | ((code >> 6) & 63);
  units[m + 3] = 0x80 | (code & 63);
  return m + 4;
}

// ---------------------------------------------------------------------------
// Patterns for the secrets.

interface Pattern {
  units: Uint8Array;
  /** A base64 core whose first bits share the character before it with what precedes the secret. */
  partialLeft: boolean;
  /** A base64 core whose last bits share the character after it with what follows (then padding may come). */
  partialRight: boolean;
}

/** `s` as view units, taken literally: its UTF-8 bytes, ASCII folded. */
function unitsOf(s: string): Uint8Array {
  const bytes = Buffer.from(s, 'utf8');
  for (let i = 0; i < bytes.length; i++) bytes[i] = fold(bytes[i]);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

function secretPatterns(secrets: readonly (string | undefined)[]): Pattern[] {
  const out = new Map<string, Pattern>();
  const add = (units: Uint8Array, partialLeft = false, partialRight = false) => {
    // Keyed by content, so a spelling shared by two secrets is searched for once.
    const key = `${partialLeft ? 1 : 0}${partialRight ? 1 : 0}${Buffer.from(units.buffer, units.byteOffset, units.length).toString('latin1')}`;
    if (units.length > 0 && !out.has(key)) out.set(key, { units, partialLeft, partialRight });
  };
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
    // Form encoding writes a space as '+'.
    for (const t of s.includes(' ') ? [s, s.replaceAll(' ', '+')] : [s]) {
      add(unitsOf(t));
      // A secret holding what reads as an escape ('%0e', '\u0041') reads differently once
      // decoded: search the decoded reading of each of its single encodings too.
      if (t.includes('%') || t.includes('\\')) {
        for (const e of [t, encodeURIComponent(t), new URLSearchParams({ t }).toString().slice(2), JSON.stringify(t).slice(1, -1)]) {
          const view = buildView(e, e.length, true);
          add(view.units.slice(0, view.length));
        }
      }
    }
    const bytes = Buffer.from(s, 'utf8');
    for (let k = 0; k < 3; k++) {
      const shifted = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
      // Character j holds bits 6j..6j+5 of the stream; keep those that fall wholly within the secret's bytes.
      const core = shifted.slice(Math.ceil((8 * k) / 6), Math.floor((8 * k + 8 * bytes.length) / 6));
      const partialRight = (k + bytes.length) % 3 !== 0;
      add(unitsOf(core), k > 0, partialRight); // base64url too: see alike()
    }
  }
  return [...out.values()];
}

/** Node flags. */
const CHAIN = 1; // the node made right after this one is its child
const BRANCHED = 2; // it has children in the branch map
const RIGHT_PARTIAL = 4; // a base64 core ending here takes the character after it, and any padding

/**
 * The automaton reads base64 and base64url alike ('-' as '+', '_' as '/'), so
 * one pattern covers both alphabets; a raw secret read this way may match a
 * neighbour spelling of itself, which only redacts more.
 */
const alike = (c: number): number => (c === 45 ? 43 : c === 95 ? 47 : c);

/**
 * Aho–Corasick over view units. Patterns are long and few, so the trie is
 * mostly chains: a node's child is usually the node made right after it,
 * and only branches go in a map. About ten bytes a node: a client keeps
 * one automaton (for its current secrets) after its first API error.
 */
class Automaton {
  readonly longest: number;
  readonly #label: Uint8Array;
  readonly #flags: Uint8Array;
  readonly #fail: Int32Array;
  /** Length of the longest pattern ending at this node (its own, or one reached by failure links). */
  readonly #outLen: Uint16Array | Int32Array;
  /** How far back the longest base64 core ending here that takes the character before it reaches (its length plus one). */
  readonly #leftReach: Uint16Array | Int32Array;
  /** The root's children by unit, plus one (0: none): the root is asked about every unit it meets. */
  readonly #root = new Int32Array(256);
  /** Children other than the node made right after their parent, by parent then unit. */
  readonly #branches = new Map<number, Map<number, number>>();

  constructor(patterns: readonly Pattern[]) {
    let total = 1;
    let longest = 0;
    for (const p of patterns) {
      total += p.units.length;
      longest = Math.max(longest, p.units.length);
    }
    this.longest = longest;
    const Lengths = longest + 1 < 0x10000 ? Uint16Array : Int32Array;
    const label = (this.#label = new Uint8Array(total));
    const flags = (this.#flags = new Uint8Array(total));
    const fail = (this.#fail = new Int32Array(total));
    const outLen = (this.#outLen = new Lengths(total));
    const leftReach = (this.#leftReach = new Lengths(total));
    // Only while building.
    const parent = new Int32Array(total);
    const depth = new Int32Array(total);

    let count = 1;
    for (const p of patterns) {
      const units = p.units;
      let v = 0;
      let k = 0;
      // Follow what is already there, then append the rest as a chain.
      for (; k < units.length; k++) {
        const w = this.#next(v, alike(units[k]));
        if (w < 0) break;
        v = w;
      }
      for (; k < units.length; k++) {
        const w = count++;
        const c = alike(units[k]);
        parent[w] = v;
        label[w] = c;
        depth[w] = depth[v] + 1;
        if (v === 0) {
          this.#root[c] = w + 1;
        } else if (w === v + 1) {
          flags[v] |= CHAIN;
        } else {
          let map = this.#branches.get(v);
          if (!map) this.#branches.set(v, (map = new Map<number, number>()));
          map.set(c, w);
          flags[v] |= BRANCHED;
        }
        v = w;
      }
      if (units.length > outLen[v]) outLen[v] = units.length;
      if (p.partialLeft) leftReach[v] = units.length + 1;
      if (p.partialRight) flags[v] |= RIGHT_PARTIAL;
    }

    // Failure links in breadth-first order (nodes sorted by depth).
    const byDepth = new Int32Array(longest + 2);
    for (let v = 1; v < count; v++) byDepth[depth[v] + 1]++;
    for (let d = 1; d < byDepth.length; d++) byDepth[d] += byDepth[d - 1];
    const order = new Int32Array(count);
    for (let v = 1; v < count; v++) order[byDepth[depth[v]]++] = v;
    for (let o = 0; o < count - 1; o++) {
      const v = order[o];
      const p = parent[v];
      let f = 0;
      if (p !== 0) {
        const c = label[v];
        for (let s = fail[p]; ; s = fail[s]!) {
          const w = this.#next(s, c);
          if (w >= 0) {
            f = w;
            break;
          }
          if (s === 0) break;
        }
      }
      fail[v] = f;
      if (outLen[f] > outLen[v]) outLen[v] = outLen[f]!;
      if (leftReach[f] > leftReach[v]) leftReach[v] = leftReach[f]!;
      flags[v] |= flags[f] & RIGHT_PARTIAL;
    }
  }

  #next(v: number, c: number): number {
    if (v === 0) return this.#root[c] - 1;
    const f = this.#flags[v];
    if ((f & CHAIN) !== 0 && this.#label[v + 1] === c) return v + 1;
    return (f & BRANCHED) !== 0 ? (this.#branches.get(v)!.get(c) ?? -1) : -1;
  }

  /** Marks every pattern occurrence in `view` as covered. */
  scan(view: View, covered: Int32Array): void {
    const { units, length } = view;
    const fail = this.#fail;
    const flags = this.#flags;
    const outLen = this.#outLen;
    const leftReach = this.#leftReach;
    let s = 0;
    for (let i = 0; i < length; i++) {
      const c = alike(units[i]);
      for (;;) {
        const w = this.#next(s, c);
        if (w >= 0) {
          s = w;
          break;
        }
        if (s === 0) break;
        s = fail[s]!;
      }
      const len = outLen[s];
      if (len === 0) continue;
      let from = i + 1 - len;
      let to = i + 1;
      // A base64 core at an odd alignment shares its edge characters with its neighbours' bits:
      // take those too, and the padding after it.
      const reach = leftReach[s];
      if (reach > 0 && i + 1 - reach >= 0 && i + 1 - reach < from && isBase64Unit(units[i + 1 - reach])) from = i + 1 - reach;
      if ((flags[s] & RIGHT_PARTIAL) !== 0) {
        if (to < length && isBase64Unit(units[to])) to++;
        for (let k = 0; k < 2 && to < length && units[to] === 61 /* = */; k++) to++;
      }
      cover(view, covered, from, to);
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

function endsWith(units: Uint8Array, end: number, start: number, word: Uint8Array): boolean {
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
function markKeyedCredentials(view: View, covered: Int32Array): void {
  const { units, length } = view;
  let tables: { stop: Int32Array; eq: Int32Array; eqEnd: Int32Array } | undefined;
  let i = 0;
  while (i < length) {
    if (!isWordUnit(units[i])) {
      i++;
      continue;
    }
    const start = i;
    while (i < length && isWordUnit(units[i])) i++;
    const end = i;
    if (endsWith(units, end, start, BEARER)) {
      let k = end;
      while (k < length && (units[k] === 32 || units[k] === 9 || units[k] === 43) /* + */) k++;
      if (k === end || k >= length) continue;
      tables ??= credentialTables(units, length);
      const stop = tables.stop[k];
      if (stop === k) continue;
      // `Bearer realm="x"` or `Bearer error=invalid_token`: an auth-param, not a token68 credential
      // (which may end in '=' padding, but has nothing after it).
      const eq = tables.eq[k];
      if (eq < stop && (tables.eqEnd[eq] < stop || units[stop] === 34)) continue;
      cover(view, covered, k, stop);
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
        while (k < length && isSpaceUnit(units[k])) k++;
        if (units[k] !== 58 /* : */) continue;
        k++;
        while (k < length && isSpaceUnit(units[k])) k++;
        if (units[k] !== 34) continue;
        k++;
        quoted = true;
      } else {
        continue;
      }
      let e = k;
      while (e < length && (quoted ? units[e] !== 34 : !endsCredential(units[e]))) e++;
      if (e > k) {
        cover(view, covered, k, e);
        i = e;
      }
    }
  }
}

/** For each unit: where the credential starting there ends, the next '=', and where that '=' run ends. */
function credentialTables(units: Uint8Array, length: number): { stop: Int32Array; eq: Int32Array; eqEnd: Int32Array } {
  const stop = new Int32Array(length + 1);
  const eq = new Int32Array(length + 1);
  const eqEnd = new Int32Array(length + 1);
  stop[length] = eq[length] = eqEnd[length] = length;
  for (let k = length - 1; k >= 0; k--) {
    const c = units[k];
    stop[k] = endsCredential(c) ? k : stop[k + 1];
    eq[k] = c === 61 ? k : eq[k + 1];
    eqEnd[k] = c === 61 ? eqEnd[k + 1] : k;
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
function markJwts(view: View, covered: Int32Array): void {
  const { units, length } = view;
  const dots: number[] = [];
  let i = 0;
  while (i < length) {
    if (!isJwtUnit(units[i])) {
      i++;
      continue;
    }
    const start = i;
    dots.length = 0;
    while (i < length && isJwtUnit(units[i])) {
      if (units[i] === 46) dots.push(i);
      i++;
    }
    const end = i;
    if (dots.length < 2) continue;
    // Segment s spans [segStart(s), dots[s]); a JWT starting in segment s needs dots s and s+1.
    for (let s = 0; s + 1 < dots.length; s++) {
      const segStart = s === 0 ? start : dots[s - 1] + 1;
      const segEnd = dots[s];
      if (dots[s + 1] - segEnd - 1 < 4 || segEnd - segStart < 7) continue;
      let at = -1;
      for (let k = segStart; k + 7 <= segEnd; k++) {
        if (units[k] === 101 /* e */ && units[k + 1] === 121 /* y */ && units[k + 2] === 106 /* j */) {
          at = k;
          break;
        }
      }
      if (at >= 0) {
        cover(view, covered, at, end);
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------

/**
 * Covers units `from` to `to` of `view`, as source text, in `covered` (a
 * difference array over source positions).
 */
function cover(view: View, covered: Int32Array, from: number, to: number): void {
  covered[view.starts[from]]++;
  covered[view.starts[to]]--;
}

function redactText(text: string, automaton: Automaton | undefined, margin: number): string {
  const n = text.length;
  const cut = n > MAX_REDACTED_LENGTH ? MAX_REDACTED_LENGTH : n;
  const end = Math.min(n, cut + margin);
  const covered = new Int32Array(end + 1);
  // Two readings: the text as it is, and with its escapes decoded. A raw secret is found in the
  // first whatever its neighbours (a '%4' just before it would swallow its first character into an
  // escape in the second); an encoded one in the second. Escapes are rare: skip the second without them.
  const literal = buildView(text, end, false);
  const views = [literal];
  const escaped = text.indexOf('%') >= 0 || text.indexOf('\\') >= 0;
  if (escaped) views.push(buildView(text, end, true));
  for (const view of views) {
    automaton?.scan(view, covered);
    markKeyedCredentials(view, covered);
    markJwts(view, covered);
  }

  const parts: string[] = [];
  let copied = 0; // source text before this is in `parts`
  let depth = 0;
  let inside = false;
  for (let at = 0; at < end; at++) {
    depth += covered[at];
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
  if (inside) copied = end;
  if (parts.length === 0 && cut === n) return text;
  const stop = cut === n ? n : Math.max(copied, cut);
  parts.push(text.slice(copied, stop));
  if (stop < n) parts.push(`… [${n - stop} more characters cut]`);
  return parts.join('');
}
