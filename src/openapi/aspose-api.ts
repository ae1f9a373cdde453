import { AsposeClient, encodeJsonBody, type AsposeJsonRequestOptions, type AsposeQuery } from '../http/aspose-client.js';
import { AsposeArgumentError, AsposeConfigError } from '../errors/errors.js';
import type { Dispatcher } from 'undici';
import { fillPathTemplate } from './path-template.js';
import type { AsposeApiCall, AsposeApiResult, AsposeParseAs } from './operation-types.js';

/** Options of {@link createAsposeApi}. */
export interface AsposeApiOptions {
  /**
   * A path put before every path of the description, such as `/v4.0`: an
   * Aspose description's paths (`/words/{name}`) are relative to a server URL
   * that carries the API version (`https://api.aspose.cloud/v4.0`), while the
   * client's `baseUrl` is usually the bare origin. Leave it out when the
   * client's `baseUrl` already ends with the version. A trailing `/` is
   * dropped. Default: none.
   */
  prefix?: string;
  /**
   * Path parameters whose value is a storage path that may name folders,
   * such as `['path', 'srcPath']` for Aspose's storage routes
   * (`/words/storage/file/{path}`): `in/2024/report.docx` is then sent as
   * three segments, `in/2024/report.docx`, where any other parameter would be
   * one segment, `in%2F2024%2Freport.docx`. Each piece is still encoded as a
   * segment, and a piece that is empty, `.` or `..` is refused, so the value
   * cannot climb out of the route or start a query; one leading `/` is
   * dropped. Default: none, every path parameter is one segment.
   */
  folderPathParams?: readonly string[];
}

/**
 * Typed calls for the operations of one OpenAPI description, over an
 * {@link AsposeClient}: one method per HTTP method, taking a path of
 * `Paths` as written in the description and that operation's `params`,
 * `body` and `parseAs`. Made by {@link createAsposeApi}.
 *
 * Every call is an `AsposeClient` call (`request()`, or `requestJson()` for
 * a JSON answer), so it gets the client's token handling, its limits and its
 * one 401 replay, which holds for every body except a one-shot stream.
 *
 * Each call resolves `{ data, status, headers }` for a 2xx answer and
 * rejects with the library's typed errors otherwise, as the JSON helpers do:
 * `AsposeApiError` (`ERR_ASPOSE_API`) for any other status, with `status`,
 * `apiCode`, `apiMessage`, `requestId` and the redacted `body`;
 * `AsposeApiInvalidResponseError` for a 2xx that is not the JSON asked for;
 * `AsposeRequestError`s (timeout, network, abort), `AsposeAuthError`s (no
 * token) and `AsposeArgumentError` (a missing or unusable path parameter).
 */
export interface AsposeApi<Paths> {
  /** The client every call goes through. */
  readonly client: AsposeClient;
  /** The prefix put before every path (`''` for none). */
  readonly prefix: string;
  /** `GET` a path of the description. */
  readonly GET: AsposeApiCall<Paths, 'get'>;
  /** `PUT` to a path of the description. */
  readonly PUT: AsposeApiCall<Paths, 'put'>;
  /** `POST` to a path of the description. */
  readonly POST: AsposeApiCall<Paths, 'post'>;
  /** `DELETE` a path of the description. */
  readonly DELETE: AsposeApiCall<Paths, 'delete'>;
  /** `PATCH` a path of the description. */
  readonly PATCH: AsposeApiCall<Paths, 'patch'>;
  /** `HEAD` a path of the description (its `data` is `undefined`). */
  readonly HEAD: AsposeApiCall<Paths, 'head'>;
  /** `OPTIONS` on a path of the description. */
  readonly OPTIONS: AsposeApiCall<Paths, 'options'>;
}

/**
 * Typed calls over `client` for the `paths` type that `openapi-typescript`
 * generated from a product's OpenAPI description:
 *
 * ```ts
 * import type { paths } from './aspose-words.js'; // npx openapi-typescript <description> -o aspose-words.d.ts
 * const words = createAsposeApi<paths>(client, { prefix: '/v4.0' });
 * const { data } = await words.GET('/words/{name}/statistics', { params: { path: { name: 'report.docx' }, query: { folder: 'in' } } });
 * ```
 *
 * The layer is types and a URL: a call fills the path template (each path
 * parameter percent-encoded as one segment: a `/`, `?`, `#` or `..` in a
 * value cannot change the route; see `folderPathParams` for storage paths), passes `query` as `AsposeClient`
 * serialises it (`undefined` and `null` left out, an array repeats the key,
 * booleans and numbers as text), and hands the rest to the client.
 *
 * Bodies: a plain object or array is sent as JSON (with
 * `content-type: application/json` unless a header sets one), so it is
 * replayed after a 401; a string, `Buffer`, `Uint8Array`, `FormData` or a
 * function returning a fresh stream is sent as it is and replayed too; a
 * one-shot stream is sent once (its 401 comes back as an `AsposeApiError`).
 *
 * @throws {AsposeConfigError} when `client` is not an `AsposeClient` or `prefix` is not a path.
 */
export function createAsposeApi<Paths>(client: AsposeClient, options: AsposeApiOptions = {}): AsposeApi<Paths> {
  if (!(client instanceof AsposeClient)) {
    throw new AsposeConfigError([{ option: 'client', problem: 'must be an AsposeClient (inject one in Nest with @InjectAsposeClient())' }], {
      source: 'createAsposeApi arguments',
    });
  }
  const prefix = checkedPrefix(options?.prefix);
  const folders = checkedFolderParams(options?.folderPathParams);
  const method = (name: Dispatcher.HttpMethod) => (path: string, init?: UntypedInit) => call(client, prefix, folders, name, path, init);
  return Object.freeze({
    client,
    prefix,
    GET: method('GET'),
    PUT: method('PUT'),
    POST: method('POST'),
    DELETE: method('DELETE'),
    PATCH: method('PATCH'),
    HEAD: method('HEAD'),
    OPTIONS: method('OPTIONS'),
  }) as unknown as AsposeApi<Paths>;
}

/** A call's init as it arrives at run time, whatever the types said (JavaScript callers exist). */
interface UntypedInit {
  params?: { path?: Readonly<Record<string, unknown>>; query?: AsposeQuery; header?: Readonly<Record<string, unknown>> };
  body?: unknown;
  parseAs?: AsposeParseAs;
  headers?: Record<string, string | string[] | undefined>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * One typed call. Not `async`: a JSON call returns the promise of
 * `requestJson()` itself, so the layer adds no promise, no tick and no
 * object to it beyond the URL and the options it hands over.
 */
function call(
  client: AsposeClient,
  prefix: string,
  folders: ReadonlySet<string> | undefined,
  method: Dispatcher.HttpMethod,
  path: string,
  init: UntypedInit | undefined,
): Promise<AsposeApiResult<unknown>> {
  let target: string;
  let headers: Headers | undefined;
  try {
    if (typeof path !== 'string' || path.charCodeAt(0) !== 47 /* / */) {
      throw new AsposeArgumentError(`path must be a path of the description, starting with "/" (got ${JSON.stringify(String(path).slice(0, 60))})`);
    }
    const params = init?.params;
    target = prefix + fillPathTemplate(path, params?.path, folders);
    headers = params?.header === undefined ? init?.headers : mergeHeaders(params.header, init?.headers);
  } catch (err) {
    // Only an AsposeArgumentError can come from above; rejected, not thrown, as from any other failed call.
    const error: Error = err as Error;
    return Promise.reject(error);
  }
  // Only the options the call has: the bench showed an object carrying five `undefined`s
  // through requestJson() costing some 8 % of a whole call's CPU, where `{ method, path }` costs nothing.
  const options: CallOptions = { method, path: target };
  const query = init?.params?.query;
  if (query !== undefined) options.query = query;
  if (headers !== undefined) options.headers = headers;
  let parseAs: AsposeParseAs | undefined;
  if (init !== undefined) {
    if (init.body !== undefined) options.body = init.body;
    if (init.signal !== undefined) options.signal = init.signal;
    if (init.timeoutMs !== undefined) options.timeoutMs = init.timeoutMs;
    parseAs = init.parseAs;
  }
  if (parseAs === undefined || parseAs === 'json') return client.requestJson(options);
  if (parseAs !== 'text' && parseAs !== 'buffer' && parseAs !== 'stream') {
    return Promise.reject(
      new AsposeArgumentError(`parseAs must be "json", "text", "buffer" or "stream" (got ${JSON.stringify(String(parseAs).slice(0, 40))})`),
    );
  }
  return callRaw(client, options, parseAs);
}

/** What a typed call hands to the client: `requestJson()`'s options, with the method always set. */
type CallOptions = AsposeJsonRequestOptions & { method: Dispatcher.HttpMethod };

/** A call whose answer is not parsed as JSON: the body read as `parseAs` says, a non-2xx thrown as the JSON helpers throw it. */
async function callRaw(client: AsposeClient, options: CallOptions, parseAs: 'text' | 'buffer' | 'stream'): Promise<AsposeApiResult<unknown>> {
  const { method, path, signal } = options;
  // As requestJson() sends it: a JSON value as JSON text, which a 401 replay sends again.
  const headers: Headers = { ...options.headers };
  const body = encodeJsonBody(options.body, headers);
  const res = await client.request({ ...options, body, headers });
  const status = res.statusCode;
  if (status < 200 || status >= 300) throw await client.apiError(res, method, path, signal);
  if (parseAs === 'stream') return { data: res.body, status, headers: res.headers };
  try {
    const data = parseAs === 'text' ? await res.body.text() : Buffer.from(await res.body.arrayBuffer());
    return { data, status, headers: res.headers };
  } catch (err) {
    throw client.requestError(err, method, path, signal);
  }
}

/** The `header` parameters (values as text, `undefined` and `null` left out) under the call's `headers`, names lower-cased. */
function mergeHeaders(params: Readonly<Record<string, unknown>>, extra: Headers | undefined): Headers {
  const out: Headers = {};
  for (const name in params) {
    const value = params[name];
    if (value === undefined || value === null) continue;
    // A header parameter is a string, number or boolean in any description Aspose publishes.
    const scalar: string | number | boolean = value as string | number | boolean;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(scalar);
  }
  if (extra !== undefined) for (const name in extra) out[name.toLowerCase()] = extra[name];
  return out;
}

/** The `prefix` option, checked: `''`, or a path of plain segments without a trailing `/`. */
function checkedPrefix(prefix: unknown): string {
  if (prefix === undefined || prefix === '') return '';
  const bad = (problem: string) =>
    new AsposeConfigError(
      [
        {
          option: 'prefix',
          problem: `${problem}: use a path such as "/v4.0" (got ${typeof prefix === 'string' ? JSON.stringify(prefix.slice(0, 60)) : typeof prefix})`,
        },
      ],
      {
        source: 'createAsposeApi options',
      },
    );
  if (typeof prefix !== 'string') throw bad('must be a string');
  let end = prefix.length;
  while (end > 0 && prefix.charCodeAt(end - 1) === 47) end--;
  const path = prefix.slice(0, end);
  if (path === '') return '';
  if (path.charCodeAt(0) !== 47 || path.charCodeAt(1) === 47) throw bad('must start with a single "/"');
  for (const segment of path.slice(1).split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw bad('must not have empty, "." or ".." segments');
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (/[?#\\%\s\u0000-\u001f\u007f]/.test(segment)) throw bad('must not hold "?", "#", "\\", "%", spaces or control characters');
  }
  return path;
}

/** The `folderPathParams` option, checked: a set of names, or undefined for none. */
function checkedFolderParams(names: unknown): ReadonlySet<string> | undefined {
  if (names === undefined) return undefined;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && n !== '')) {
    throw new AsposeConfigError([{ option: 'folderPathParams', problem: "must be an array of path parameter names, such as ['path']" }], {
      source: 'createAsposeApi options',
    });
  }
  return names.length === 0 ? undefined : new Set(names as string[]);
}
