/**
 * Whether a request goes to the API origin: the check the auth interceptor
 * runs on every dispatch before it adds the token.
 *
 * @internal
 */

/**
 * Origins of the string `origin`s seen lately, so that the check costs a map
 * lookup, not a URL parse, per dispatch. Module-wide: every client's
 * interceptor sees the same few origins. Bounded: cleared past 256 entries.
 */
const originCache = new Map<string, string>();

/** True when `candidate` (a dispatch's `origin`: a string or a `URL`) is `origin`. @internal */
export function sameOrigin(candidate: string | URL | undefined, origin: string): boolean {
  if (candidate === undefined) return false;
  if (typeof candidate !== 'string') return candidate.origin === origin;
  if (candidate === origin) return true;
  let normalized = originCache.get(candidate);
  if (normalized === undefined) {
    try {
      normalized = new URL(candidate).origin;
    } catch {
      normalized = '';
    }
    if (originCache.size > 256) originCache.clear();
    originCache.set(candidate, normalized);
  }
  return normalized === origin;
}
