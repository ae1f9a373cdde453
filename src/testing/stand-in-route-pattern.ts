/**
 * A route path pattern, matched segment by segment without regular
 * expressions, so matching costs one pass over the request path whatever it
 * holds.
 *
 * - `/v4.0/words` matches that path exactly;
 * - `:name` matches one non-empty segment (no `/`) and captures it;
 * - `*name`, last, captures the rest of the path after its `/`, `/`s included (it may be empty);
 * - a check per parameter (such as {@link isDigits}) narrows what it takes.
 *
 * @internal
 */
export interface RoutePattern {
  /** The pattern as written, for messages. */
  readonly source: string;
  readonly segments: readonly PatternSegment[];
}

type PatternSegment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string; check?: (value: string) => boolean }
  | { kind: 'rest'; name: string; check?: (value: string) => boolean };

/** Parameter values captured by a match, by name. @internal */
export type RouteParams = Readonly<Record<string, string>>;

/** Compiles `source` (see {@link RoutePattern}); `checks` narrows named parameters. @internal */
export function routePattern(source: string, checks: Record<string, (value: string) => boolean> = {}): RoutePattern {
  if (!source.startsWith('/')) throw new Error(`a route pattern starts with / (got ${source})`);
  const parts = source.slice(1).split('/');
  const segments = parts.map((part, i): PatternSegment => {
    if (part.startsWith(':')) return { kind: 'param', name: part.slice(1), check: checks[part.slice(1)] };
    if (part.startsWith('*')) {
      if (i !== parts.length - 1) throw new Error(`a *rest parameter comes last (in ${source})`);
      return { kind: 'rest', name: part.slice(1), check: checks[part.slice(1)] };
    }
    return { kind: 'literal', text: part };
  });
  for (const name of Object.keys(checks)) {
    if (!segments.some((s) => s.kind !== 'literal' && s.name === name)) throw new Error(`no parameter ${name} in ${source}`);
  }
  return { source, segments };
}

/**
 * The parameters if `path` (a URL pathname, starting with `/`) matches
 * `pattern`, else undefined. One left-to-right pass: each segment is compared
 * or sliced once, and checks are linear.
 *
 * @internal
 */
export function matchRoute(pattern: RoutePattern, path: string): RouteParams | undefined {
  const params: Record<string, string> = {};
  let at = 0;
  for (const segment of pattern.segments) {
    if (path.charCodeAt(at) !== SLASH) return undefined;
    at++;
    if (segment.kind === 'literal') {
      const end = at + segment.text.length;
      if (!path.startsWith(segment.text, at) || (end !== path.length && path.charCodeAt(end) !== SLASH)) return undefined;
      at = end;
      continue;
    }
    const end = segment.kind === 'rest' ? path.length : nextSlash(path, at);
    const value = path.slice(at, end);
    if ((segment.kind === 'param' && value === '') || (segment.check && !segment.check(value))) return undefined;
    params[segment.name] = value;
    at = end;
  }
  return at === path.length ? params : undefined;
}

/** True for one or more ASCII digits. @internal */
export function isDigits(value: string): boolean {
  if (value === '') return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
  }
  return true;
}

/** True for anything but the empty string. @internal */
export function isNonEmpty(value: string): boolean {
  return value !== '';
}

/** True for an Aspose API version segment: `v`, a digit, `.`, a digit (`v4.0`, `v3.0`, `v5.0`). @internal */
export function isApiVersion(value: string): boolean {
  return value.length === 4 && value[0] === 'v' && isDigits(value[1]) && value[2] === '.' && isDigits(value[3]);
}

const SLASH = 0x2f;
const ZERO = 0x30;
const NINE = 0x39;

function nextSlash(path: string, from: number): number {
  const i = path.indexOf('/', from);
  return i === -1 ? path.length : i;
}
