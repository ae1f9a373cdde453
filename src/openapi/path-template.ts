/**
 * Path templates of an OpenAPI description (`/words/{name}/statistics`)
 * filled with a call's path parameters, each percent-encoded as one segment.
 *
 * @internal
 */
import { AsposeArgumentError } from '../errors/errors.js';

/**
 * `template` with every `{name}` replaced by `values[name]`, encoded with
 * `encodeURIComponent`: a value holding `/`, `?`, `#`, `%` or `\` stays
 * inside its segment and cannot change the route or start a query. One pass
 * with `indexOf`, linear in the template's length; a template without `{` is
 * returned as it is.
 *
 * @throws {AsposeArgumentError} for a parameter that is missing, not a
 *   string, number or boolean, empty, `.` or `..` (the last three would
 *   change the route: an empty segment, or a dot segment that servers and
 *   URL parsers resolve, percent-encoded or not), or a string with a lone
 *   UTF-16 surrogate. The message names the parameter, never its value.
 * @internal
 */
export function fillPathTemplate(template: string, values: Readonly<Record<string, unknown>> | undefined): string {
  let open = template.indexOf('{');
  if (open === -1) return template;
  let out = '';
  let from = 0;
  while (open !== -1) {
    const close = template.indexOf('}', open + 1);
    if (close === -1) break;
    const name = template.slice(open + 1, close);
    out += template.slice(from, open) + encodeSegment(template, name, values !== undefined && Object.hasOwn(values, name) ? values[name] : undefined);
    from = close + 1;
    open = template.indexOf('{', from);
  }
  return out + template.slice(from);
}

function encodeSegment(template: string, name: string, value: unknown): string {
  const where = `path parameter "${name}" of ${template}`;
  if (value === undefined || value === null) throw new AsposeArgumentError(`${where} is missing: pass it in params.path`);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'bigint') {
    throw new AsposeArgumentError(`${where} must be a string or a number (got ${typeof value})`);
  }
  const text = String(value);
  if (text === '' || text === '.' || text === '..') {
    throw new AsposeArgumentError(`${where} is ${text === '' ? 'empty' : `"${text}"`}, which would change the route: pass a name`);
  }
  try {
    return encodeURIComponent(text);
  } catch {
    throw new AsposeArgumentError(`${where} contains a lone UTF-16 surrogate, which cannot be sent in a URL`);
  }
}
