/**
 * Path templates of an OpenAPI description (`/words/{name}/statistics`)
 * filled with a call's path parameters, each percent-encoded as one segment.
 *
 * @internal
 */
import { AsposeArgumentError } from '../errors/errors.js';

/**
 * A template split once: its literal text and parameter names, alternating
 * (`['/words/', 'name', '/statistics']`: even indexes literal, odd ones
 * names). Kept so that a call reuses the same name strings, which V8 looks
 * up in `values` as fast as a property written in the code; a name sliced
 * afresh per call costs a string-table lookup each time.
 */
type ParsedTemplate = readonly string[];

/** Parsed templates by template. Bounded: a JavaScript caller may pass paths that are not the description's. */
const parsed = new Map<string, ParsedTemplate>();
const MAX_PARSED = 4096;

function parse(template: string): ParsedTemplate {
  let parts = parsed.get(template);
  if (parts !== undefined) return parts;
  const out: string[] = [];
  let from = 0;
  let open = template.indexOf('{');
  while (open !== -1) {
    const close = template.indexOf('}', open + 1);
    if (close === -1) break;
    out.push(template.slice(from, open), template.slice(open + 1, close));
    from = close + 1;
    open = template.indexOf('{', from);
  }
  out.push(template.slice(from));
  parts = out;
  if (parsed.size < MAX_PARSED) parsed.set(template, parts);
  return parts;
}

/**
 * `template` with every `{name}` replaced by `values[name]`, encoded with
 * `encodeURIComponent`: a value holding `/`, `?`, `#`, `%` or `\` stays
 * inside its segment and cannot change the route or start a query. Linear
 * in the template's length (split once, with `indexOf`, then reused); a
 * template without `{` is returned as it is.
 *
 * `folderParams` names the parameters whose value is a storage path that
 * may name folders: see {@link encodeFolderPath}.
 *
 * @throws {AsposeArgumentError} for a parameter that is missing, not a
 *   string, number or boolean, empty, `.` or `..` (the last three would
 *   change the route: an empty segment, or a dot segment that servers and
 *   URL parsers resolve, percent-encoded or not), or a string with a lone
 *   UTF-16 surrogate. The message names the parameter, never its value.
 * @internal
 */
export function fillPathTemplate(template: string, values: Readonly<Record<string, unknown>> | undefined, folderParams?: ReadonlySet<string>): string {
  if (template.indexOf('{') === -1) return template;
  const parts = parse(template);
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i];
    const value = values !== undefined && Object.hasOwn(values, name) ? values[name] : undefined;
    out +=
      (folderParams !== undefined && folderParams.has(name) ? encodeFolderPath(template, name, value) : encodeSegment(template, name, value)) + parts[i + 1];
  }
  return out;
}

/**
 * A storage path (`in/2024/report.docx`) for a parameter named in the
 * `folderPathParams` option: each `/`-separated piece encoded as its own
 * segment, with {@link encodeSegment}'s rules, so a piece that is empty,
 * `.` or `..` is refused (the path cannot climb out of its route) and
 * `?`, `#`, `%` and `\` stay encoded. One leading `/` is dropped: Aspose's
 * documentation writes storage paths as `/folder/file.ext`.
 */
function encodeFolderPath(template: string, name: string, value: unknown): string {
  if (typeof value !== 'string') return encodeSegment(template, name, value);
  const text = value.charCodeAt(0) === 47 /* / */ ? value.slice(1) : value;
  if (text.indexOf('/') === -1) return encodeSegment(template, name, text);
  let out = '';
  let from = 0;
  for (let slash = text.indexOf('/'); slash !== -1; slash = text.indexOf('/', from)) {
    out += encodeSegment(template, name, text.slice(from, slash)) + '/';
    from = slash + 1;
  }
  return out + encodeSegment(template, name, text.slice(from));
}

function encodeSegment(template: string, name: string, value: unknown): string {
  // The common case first, with nothing built but the encoded text (an error's words are built only for an error).
  const text =
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : undefined;
  if (text === undefined) {
    const problem = value === undefined || value === null ? 'is missing: pass it in params.path' : `must be a string or a number (got ${typeof value})`;
    throw new AsposeArgumentError(`path parameter "${name}" of ${template} ${problem}`);
  }
  if (text === '' || text === '.' || text === '..') {
    throw new AsposeArgumentError(
      `path parameter "${name}" of ${template} is ${text === '' ? 'empty' : `"${text}"`}, which would change the route: pass a name`,
    );
  }
  if (isUnreserved(text)) return text;
  try {
    return encodeURIComponent(text);
  } catch {
    throw new AsposeArgumentError(`path parameter "${name}" of ${template} contains a lone UTF-16 surrogate, which cannot be sent in a URL`);
  }
}

/**
 * True when `text` has only RFC 3986 unreserved characters (letters, digits,
 * `-._~`), which `encodeURIComponent` leaves as they are: a file name such
 * as `report.docx` skips it, a third of the cost of a typed call's URL.
 */
function isUnreserved(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95 || c === 126)) return false;
  }
  return true;
}
