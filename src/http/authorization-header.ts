import type { Dispatcher } from 'undici';

type Headers = Dispatcher.DispatchOptions['headers'];

/**
 * Returns a copy of undici request headers with `authorization` set to
 * `value`, replacing any existing one whatever its case. Accepts every form
 * undici does: a plain object, a flat `[name, value, …]` array, or an
 * iterable of `[name, value]` pairs.
 *
 * @internal
 */
export function withAuthorization(headers: Headers, value: string): Headers {
  if (headers == null) return { authorization: value };
  if (Array.isArray(headers)) {
    const out: string[] = [];
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const [k, v] of headers as unknown as Iterable<[string, string]>) {
        if (String(k).toLowerCase() !== 'authorization') out.push(String(k), v);
      }
    } else {
      for (let i = 0; i < headers.length; i += 2) {
        if (String(headers[i]).toLowerCase() !== 'authorization') out.push(headers[i], headers[i + 1]);
      }
    }
    out.push('authorization', value);
    return out;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of headers as Iterable<[string, string | string[]]>) {
      if (k.toLowerCase() !== 'authorization') out[k] = v;
    }
    out.authorization = value;
    return out;
  }
  const out: Record<string, string | string[] | undefined> = {};
  for (const k in headers as Record<string, string>) {
    if (k.length === 13 && k.toLowerCase() === 'authorization') continue;
    out[k] = (headers as Record<string, string | string[] | undefined>)[k];
  }
  out.authorization = value;
  return out as Headers;
}
