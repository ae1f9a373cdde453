import { AsposeConfigError, type ConfigIssue } from '../errors/errors.js';
import { checkTarget, isTokenEndpoint } from './path-guard.js';

/**
 * The methods `*` stands for. TRACE (which would echo the `Authorization`
 * header the proxy adds back to the browser), TRACK and CONNECT are never
 * forwarded, and cannot be listed either.
 */
export const ANY_METHOD: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const NEVER: readonly string[] = ['TRACE', 'TRACK', 'CONNECT'];

/** One parsed `allow` entry. @internal */
export interface AllowRule {
  /** Upper-case method, or `*`. */
  method: string;
  /** Lower-case, decoded path segments the request path must start with. */
  segments: string[];
  /** The entry as written, for messages. */
  source: string;
}

/**
 * Parses `allow` entries of the form `"METHOD /path-prefix"`. Every problem
 * is collected into one {@link AsposeConfigError}, thrown when the proxy is
 * created, so a typo fails the app's start and not a user's request.
 *
 * @internal
 */
export function parseAllowList(allow: unknown): AllowRule[] {
  const issues: ConfigIssue[] = [];
  const issue = (option: string, problem: string) => issues.push({ option, problem });
  if (!Array.isArray(allow) || allow.length === 0) {
    throw new AsposeConfigError(
      [
        {
          option: 'allow',
          problem: `must be a non-empty array of "METHOD /path-prefix" entries, such as ['GET /v4.0/words/', 'POST /v4.0/barcode/generate']: the proxy forwards nothing that is not listed`,
        },
      ],
      { source: 'asposeProxy options' },
    );
  }
  const rules: AllowRule[] = [];
  allow.forEach((entry: unknown, i) => {
    const where = `allow[${i}]`;
    if (typeof entry !== 'string') return issue(where, 'must be a string such as "GET /v4.0/words/"');
    const parts = entry.trim().split(/\s+/);
    if (parts.length !== 2) return issue(where, `must be "METHOD /path-prefix" (got ${JSON.stringify(entry.slice(0, 60))})`);
    const method = parts[0].toUpperCase();
    const path = parts[1];
    if (method !== '*' && !/^[A-Z]+$/.test(method))
      return issue(where, `has an invalid method ${JSON.stringify(parts[0].slice(0, 20))}: use GET, POST, … or *`);
    if (NEVER.includes(method)) return issue(where, `names ${method}, which the proxy never forwards`);
    if (path.includes('?')) return issue(where, 'must not have a query string: entries match the path only');
    const checked = checkTarget(path);
    if (!checked.ok) return issue(where, `has an unusable path ${JSON.stringify(path.slice(0, 60))}: ${checked.message}`);
    if (isTokenEndpoint(checked.pieces, [], undefined)) return issue(where, 'names a token endpoint, which the proxy never forwards');
    rules.push({ method, segments: checked.segments, source: `${method} ${path}` });
  });
  if (issues.length > 0) throw new AsposeConfigError(issues, { source: 'asposeProxy options' });
  return rules;
}

/**
 * True when some rule allows `method` on a path with these `segments`
 * (from `checkTarget`). A prefix matches on whole segments, so
 * `/v4.0/words` matches `/v4.0/words` and `/v4.0/words/a.docx` but never
 * `/v4.0/wordsX`; a trailing slash in the entry changes nothing. Matching
 * ignores case, as the Aspose API's routing does.
 *
 * @internal
 */
export function isAllowed(rules: readonly AllowRule[], method: string, segments: readonly string[]): boolean {
  if (NEVER.includes(method)) return false;
  for (const rule of rules) {
    if (rule.method === '*' ? !ANY_METHOD.includes(method) : rule.method !== method) continue;
    const want = rule.segments;
    if (want.length > segments.length) continue;
    let ok = true;
    for (let i = 0; i < want.length; i++) {
      if (want[i] !== segments[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}
