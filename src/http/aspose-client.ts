import { inspect } from 'node:util';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { Agent } from './undici.js';
import { toUndiciDispatcher } from './foreign-dispatcher.js';
import { RequestLimits } from './request-limits.js';
import { AsposeApiError, AsposeApiInvalidResponseError, AsposeArgumentError, AsposeConfigError, type AsposeError } from '../errors/errors.js';
import { MAX_REDACTED_LENGTH, RedactorCache, redactHeaders } from '../errors/redact.js';
import type { AsposeClientOptions as BaseClientOptions, AsposeDispatcher } from '../config/options.js';
import { lowerCaseKeys, resolveClientOptions, resolveClientSettings, type ApiTarget, type ClientSettings } from '../config/settings.js';
import { TokenService } from '../token/token-service.js';
import { asposeAuthInterceptor } from './auth-interceptor.js';
import type { BodyFactory } from './replayable-body.js';
import { parseAsposeErrorBody } from './error-body.js';
import { toAsposeError } from './request-error.js';
import { pathOnly, rawTarget, requestTarget, type AsposeQuery } from './request-target.js';

export type { AsposeQuery } from './request-target.js';

/** Options of an {@link AsposeClient}. */
export interface AsposeClientOptions extends BaseClientOptions {
  /**
   * Share an existing {@link TokenService} (and so one token) between clients.
   * When set, the credentials, `baseUrl` and `tokenUrl` come from it.
   */
  tokens?: TokenService;
}

/** The longest `timeoutMs` a call may ask for: a day, as for the option. */
const MAX_TIMEOUT_MS = 86_400_000;

/** Options of {@link AsposeClient.close}. */
export interface AsposeCloseOptions {
  /** Abort requests still under way after this many ms. Default: wait for them, however long. */
  timeoutMs?: number;
  /** Abort requests under way at once (the same as `timeoutMs: 0`). */
  force?: boolean;
}

/** A request body: anything undici sends, or a {@link BodyFactory} that makes a fresh one per attempt. */
export type AsposeBody = string | Buffer | Uint8Array | Readable | FormData | null | undefined | BodyFactory;

/** Options of {@link AsposeClient.request}. */
export interface AsposeRequestOptions {
  /** HTTP method. Default `GET`. */
  method?: Dispatcher.HttpMethod;
  /**
   * Path relative to `baseUrl`, such as `/v4.0/words/a.docx`. An absolute
   * `https://` URL is sent as it is, and gets the token only if it is on the
   * API origin.
   */
  path: string;
  query?: AsposeQuery;
  headers?: Record<string, string | string[] | undefined>;
  /**
   * Request body. A one-shot stream is sent once: if the API answers 401 the
   * 401 is returned, not a half-sent replay. Pass a function returning a new
   * stream to get the replay too.
   */
  body?: AsposeBody;
  /** Abort the request. */
  signal?: AbortSignal;
  /** Override the client's `timeoutMs` for this request. */
  timeoutMs?: number;
}

/** Options of the JSON helpers. A plain object or array `body` is sent as JSON. */
export type AsposeJsonOptions = Omit<AsposeRequestOptions, 'method' | 'path' | 'body'>;

/** undici's response data, as `request()` resolves it. */
export type AsposeResponse = Dispatcher.ResponseData;

/** Options of {@link AsposeClient.requestJson}: those of a JSON helper, plus the method, path and body. */
export interface AsposeJsonRequestOptions extends AsposeJsonOptions {
  /** HTTP method. Default `GET`. */
  method?: Dispatcher.HttpMethod;
  /** As {@link AsposeRequestOptions.path}. */
  path: string;
  /** As the JSON helpers' `body`: a plain object or array is sent as JSON, anything else as {@link AsposeRequestOptions.body}. */
  body?: unknown;
}

/** What {@link AsposeClient.requestJson} resolves: the parsed body with the answer's status and headers. */
export interface AsposeJsonResponse<T = unknown> {
  /** The parsed JSON body; `undefined` for an empty answer (a 204, a HEAD). */
  data: T;
  /** The HTTP status, 2xx (any other is an {@link AsposeApiError}). */
  status: number;
  /** The response headers, names lower-cased, as undici gives them. */
  headers: AsposeResponse['headers'];
}

const kAsposeClient = Symbol.for('aspose-cloud-auth.AsposeClient');

/**
 * An HTTP client for the Aspose Cloud (or GroupDocs Cloud) REST APIs, on
 * undici, with the token handled for you: cached, refreshed ahead of expiry,
 * shared by all concurrent calls, and renewed once on a 401.
 *
 * ```ts
 * const aspose = new AsposeClient({ clientId, clientSecret });
 * const info = await aspose.get<{ Document: { FileName: string } }>('/v4.0/words/report.docx');
 * await aspose.close();
 * ```
 *
 * - {@link request} resolves undici's `{ statusCode, headers, body }` and does not throw on status.
 * - {@link get}, {@link post}, {@link put}, {@link patch}, {@link delete} parse JSON and throw
 *   {@link AsposeApiError} on a non-2xx answer; {@link requestJson} does the
 *   same for any method and resolves the status and headers with the body.
 * - {@link dispatcher} is the authenticated undici dispatcher, for
 *   `undici.request(url, { dispatcher })` or `fetch(url, { dispatcher })`.
 *
 * `instanceof AsposeClient` holds for a client from either module format of
 * this package (an ESM app handing its client to a CommonJS adapter, say):
 * it checks a `Symbol.for` brand, as the error classes do.
 */
export class AsposeClient {
  /** The token service behind this client. */
  readonly tokens: TokenService;
  /** The authenticated undici dispatcher. Requests to other origins pass through untouched. */
  readonly dispatcher: Dispatcher;
  readonly #base: Dispatcher;
  readonly #ownsBase: boolean;
  readonly #ownsTokens: boolean;
  /** Where the API lives: the token service's, resolved once. */
  readonly #api: ApiTarget;
  readonly #limits: RequestLimits;
  /** The `headers` option, names lower-cased; undefined when there are none. */
  readonly #headers: Readonly<Record<string, string>> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Redacts API errors with the token service's secrets; rebuilt only when a token changes. */
  readonly #redactors = new RedactorCache();
  /** The redactor for undici's errors, asked for only when one holds server text. */
  readonly #redactor = () => this.#redactors.for(this.tokens.sensitiveValues());

  /**
   * @throws {AsposeConfigError} naming every missing or malformed option.
   */
  constructor(options: AsposeClientOptions) {
    // Options are resolved once: the client's own settings, and the token settings only when
    // this client makes its token service (a shared one resolved its own).
    let settings: ClientSettings;
    let makeTokens: (dispatcher: AsposeDispatcher) => TokenService;
    const shared: unknown = options?.tokens ?? undefined;
    if (shared !== undefined) {
      if (!(shared instanceof TokenService))
        throw new AsposeConfigError([{ option: 'tokens', problem: 'must be a TokenService' }], { source: 'AsposeClient options' });
      settings = resolveClientSettings(options);
      makeTokens = () => shared;
    } else {
      const resolved = resolveClientOptions(options);
      settings = resolved.client;
      makeTokens = (dispatcher) => new TokenService(options, { ...resolved.token, dispatcher });
    }
    this.#ownsBase = options.dispatcher === undefined;
    this.#base =
      options.dispatcher === undefined
        ? new Agent({ connections: settings.connections ?? null, headersTimeout: settings.timeoutMs, bodyTimeout: settings.timeoutMs })
        : toUndiciDispatcher(options.dispatcher);
    this.#ownsTokens = shared === undefined;
    this.tokens = makeTokens(this.#base);
    this.#api = this.tokens.api;
    this.#headers = settings.headers;
    // The limits are the outermost layer (compose's last): their clock starts when the call is made.
    this.#limits = new RequestLimits({ timeoutMs: settings.timeoutMs, connections: settings.connections });
    this.dispatcher = this.#base.compose(asposeAuthInterceptor({ tokens: this.tokens }), this.#limits.interceptor);
  }

  /** The API base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.#api.baseUrl;
  }

  /**
   * Sends a request and resolves undici's response data. Does not throw on
   * HTTP status; always consume or `body.dump()` the body so the socket is reused.
   *
   * @throws {AsposeRequestError} on timeout ({@link AsposeTimeoutError}), abort
   *   ({@link AsposeAbortError}) or a network failure ({@link AsposeNetworkError}).
   * @throws {AsposeArgumentError} for a malformed `path` or `timeoutMs`, or a request undici refuses to send.
   * @throws {AsposeAuthError} when no token can be had.
   */
  async request(options: AsposeRequestOptions): Promise<AsposeResponse> {
    const method = options.method ?? 'GET';
    const { origin, path } = requestTarget(this.#api, options.path, options.query);
    const timeout = options.timeoutMs;
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0 || timeout > MAX_TIMEOUT_MS)) {
      throw new AsposeArgumentError(`timeoutMs must be a whole number of ms from 0 to ${MAX_TIMEOUT_MS} (got ${JSON.stringify(timeout)?.slice(0, 40)})`);
    }
    try {
      return await this.dispatcher.request(this.#dispatchOptions(origin, path, method, options.headers, options.body, options.signal, timeout, false));
    } catch (err) {
      throw toAsposeError(err, { method, path: options.path, signal: options.signal }, this.#redactor);
    }
  }

  /**
   * For the proxy: what to dispatch on {@link dispatcher} for a path and query
   * the proxy has already checked. They go under the base path byte for byte
   * (never re-encoded), and this client's `headers` go over the browser's:
   * a browser cannot replace the server's `x-aspose-client`, say.
   *
   * @internal
   */
  proxyDispatchOptions(
    method: string,
    pathAndQuery: string,
    headers: Record<string, string | string[]>,
    body: Readable | null,
    timeoutMs: number | undefined,
  ): Dispatcher.DispatchOptions {
    const { origin, path } = rawTarget(this.#api, pathAndQuery);
    return this.#dispatchOptions(origin, path, method, headers, body, undefined, timeoutMs, true);
  }

  /**
   * The dispatch options of one API request: the one place they are built,
   * for `request()`, the JSON helpers and the proxy. The `headers` option goes
   * under the caller's headers (names compared case-insensitively), or over
   * them when `defaultsWin`; a per-call `timeoutMs` bounds this dispatch in
   * place of the client's.
   */
  #dispatchOptions(
    origin: string,
    path: string,
    method: Dispatcher.HttpMethod,
    headers: Record<string, string | string[] | undefined> | undefined,
    body: AsposeBody,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    defaultsWin: boolean,
  ): Dispatcher.RequestOptions {
    const defaults = this.#headers;
    return {
      origin,
      path,
      method,
      headers: defaults === undefined ? headers : defaultsWin ? { ...headers, ...defaults } : { ...defaults, ...(headers && lowerCaseKeys(headers)) },
      body: body as Dispatcher.DispatchOptions['body'],
      signal,
      ...(timeoutMs !== undefined ? { headersTimeout: timeoutMs, bodyTimeout: timeoutMs } : undefined),
    };
  }

  /** GET and parse JSON. @throws {AsposeApiError} on a non-2xx answer. */
  get<T = unknown>(path: string, options?: AsposeJsonOptions): Promise<T> {
    return this.#json<T>('GET', path, undefined, options);
  }

  /** POST (a plain object or array body is sent as JSON) and parse JSON. @throws {AsposeApiError} on a non-2xx answer. */
  post<T = unknown>(path: string, body?: unknown, options?: AsposeJsonOptions): Promise<T> {
    return this.#json<T>('POST', path, body, options);
  }

  /** PUT (a plain object or array body is sent as JSON) and parse JSON. @throws {AsposeApiError} on a non-2xx answer. */
  put<T = unknown>(path: string, body?: unknown, options?: AsposeJsonOptions): Promise<T> {
    return this.#json<T>('PUT', path, body, options);
  }

  /** PATCH (a plain object or array body is sent as JSON) and parse JSON. @throws {AsposeApiError} on a non-2xx answer. */
  patch<T = unknown>(path: string, body?: unknown, options?: AsposeJsonOptions): Promise<T> {
    return this.#json<T>('PATCH', path, body, options);
  }

  /** DELETE and parse JSON. @throws {AsposeApiError} on a non-2xx answer. */
  delete<T = unknown>(path: string, options?: AsposeJsonOptions): Promise<T> {
    return this.#json<T>('DELETE', path, undefined, options);
  }

  /**
   * Any method, as the JSON helpers: sends, parses the JSON answer and
   * resolves it with its status and headers (`{ data, status, headers }`,
   * what `@nestjs/axios` emits), for when the headers matter (a `Location`,
   * a `Retry-After`) or for a `HEAD`.
   *
   * @throws {AsposeApiError} on a non-2xx answer, as the JSON helpers.
   */
  requestJson<T = unknown>(options: AsposeJsonRequestOptions): Promise<AsposeJsonResponse<T>> {
    const { method = 'GET', path, body, ...rest } = options;
    return this.#json<T, true>(method, path, body, rest, true);
  }

  /**
   * Stops taking requests, lets those under way finish, then closes the
   * connections this client opened and its token service (a `dispatcher` or
   * `tokens` you passed in stay yours). Requests made after it fail with
   * `ERR_ASPOSE_ABORTED`.
   *
   * A hung call would make that wait unbounded: pass `{ timeoutMs }` to abort
   * whatever is still under way after that long (with `ERR_ASPOSE_ABORTED`),
   * or `{ force: true }` to abort it at once. Idempotent: a second call waits
   * for the first, and may shorten its bound.
   */
  async close(options: AsposeCloseOptions = {}): Promise<void> {
    const bound = options.force === true ? 0 : options.timeoutMs;
    if (bound !== undefined && (typeof bound !== 'number' || !Number.isFinite(bound) || bound < 0)) {
      throw new AsposeArgumentError(`close({ timeoutMs }) must be a number of ms, 0 or more (got ${JSON.stringify(bound)?.slice(0, 40)})`);
    }
    const drained = this.#limits.close(bound);
    if (!this.#closed) {
      this.#closed = true;
      this.#closing = drained.then(async () => {
        if (this.#ownsTokens) await this.tokens.close();
        if (this.#ownsBase) await this.#base.close();
      });
    }
    await drained;
    await this.#closing;
  }

  /** The JSON helpers and {@link requestJson}: the body alone, or with `full` the body, status and headers (one object, no extra promise). */
  async #json<T, Full extends boolean = false>(
    method: Dispatcher.HttpMethod,
    path: string,
    body: unknown,
    options: AsposeJsonOptions = {},
    full?: Full,
  ): Promise<Full extends true ? AsposeJsonResponse<T> : T> {
    type Out = Full extends true ? AsposeJsonResponse<T> : T;
    const headers: Record<string, string | string[] | undefined> = { ...options.headers };
    if (!hasHeader(headers, 'accept')) headers.accept = 'application/json';
    const payload = encodeJsonBody(body, headers);
    const res = await this.request({ ...options, method, path, body: payload, headers });
    const status = res.statusCode;
    if (status < 200 || status >= 300) throw await this.apiError(res, method, path, options.signal);
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw this.requestError(err, method, path, options.signal);
    }
    let data: T;
    try {
      data = text === '' || status === 204 ? (undefined as T) : (JSON.parse(text) as T);
    } catch (err) {
      // Both the answer's Content-Type and the parser's message (which quotes the body) are the
      // server's text: redacted like an error body.
      const redact = this.#redactors.for(this.tokens.sensitiveValues());
      const type = res.headers['content-type'];
      throw new AsposeApiInvalidResponseError(
        `Aspose API answered ${status} to ${method} ${redact(pathOnly(path))} with a body that is not JSON (${type === undefined ? 'no content-type' : redact(String(type)).slice(0, 200)}): use request() for binary or text answers`,
        {
          status,
          method,
          path: redact(pathOnly(path)),
          headers: redactHeaders(res.headers, redact),
          cause: new SyntaxError(redact((err as Error).message).slice(0, 300)),
        },
      );
    }
    return (full === true ? { data, status, headers: res.headers } : data) as Out;
  }

  /**
   * The {@link AsposeApiError} for a non-2xx answer, as the JSON helpers throw
   * it: the body read (bounded) and everything taken from the answer redacted;
   * or, if reading the body fails, the error {@link requestError} makes. For
   * the JSON helpers and the typed layer (`aspose-cloud-auth/openapi`), so
   * that both report a failed call alike.
   *
   * @internal
   */
  async apiError(res: AsposeResponse, method: string, path: string, signal: AbortSignal | undefined): Promise<AsposeError> {
    let text: string;
    try {
      // An error answer is read only so far: it goes into an error, not to the caller's code,
      // and a broken or hostile server could send gigabytes.
      text = await readBounded(res.body, MAX_ERROR_BODY);
    } catch (err) {
      return this.requestError(err, method, path, signal);
    }
    const parsed = parseAsposeErrorBody(text);
    // An API that echoes what it was sent (the token, in any encoding) must not put it in our
    // error: every field from the answer is redacted, then cut, so no cut leaves part of a secret.
    const redact = this.#redactors.for(this.tokens.sensitiveValues());
    const field = (value: string | undefined, max: number) => (value === undefined ? undefined : redact(value).slice(0, max));
    return new AsposeApiError({
      status: res.statusCode,
      apiCode: field(parsed.apiCode, 200),
      apiMessage: field(parsed.apiMessage, 1000),
      requestId: field(parsed.requestId, 200),
      method,
      path: redact(pathOnly(path)),
      body: redact(text),
      headers: redactHeaders(res.headers, redact),
    });
  }

  /**
   * The {@link AsposeError} for a failure while reading an answer's body
   * (a reset, a timeout, an abort), with undici's error redacted by this
   * client's secrets. For the JSON helpers and the typed layer.
   *
   * @internal
   */
  requestError(err: unknown, method: string, path: string, signal: AbortSignal | undefined): AsposeError {
    return toAsposeError(err, { method, path, signal }, this.#redactor);
  }

  /** True for an {@link AsposeClient} from either module format of this package. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kAsposeClient] === true;
  }

  /** @internal The brand `instanceof` checks. */
  get [kAsposeClient](): true {
    return true;
  }

  toJSON(): object {
    return { baseUrl: this.baseUrl, tokens: this.tokens.toJSON(), timeoutMs: this.#limits.timeoutMs, connections: this.#limits.connections };
  }

  [inspect.custom](): string {
    return `AsposeClient ${inspect(this.toJSON())}`;
  }
}

/**
 * The most of an error answer's body read into an {@link AsposeApiError}; the
 * rest is discarded unread. More than redaction keeps ({@link MAX_REDACTED_LENGTH}),
 * so that the raw cut, which may split a secret, always falls in the part
 * redaction drops.
 */
const MAX_ERROR_BODY = MAX_REDACTED_LENGTH + 256 * 1024;

/** The body as text, up to `limit` bytes; past that the stream is destroyed. */
async function readBounded(body: AsposeResponse['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const room = limit - size;
    if ((chunk as Buffer).length > room) {
      chunks.push((chunk as Buffer).subarray(0, room));
      body.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  for (const k in headers) if (k.toLowerCase() === name && headers[k] !== undefined) return true;
  return false;
}

/**
 * `body` as the JSON helpers send it: a plain object or an array becomes JSON
 * text (which a 401 replay sends again), with `content-type: application/json`
 * set in `headers` (an object the caller owns) unless it has one; any other
 * body goes as it is.
 *
 * @internal
 */
export function encodeJsonBody(body: unknown, headers: Record<string, string | string[] | undefined>): AsposeBody {
  if (!isJsonValue(body)) return body as AsposeBody;
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  return JSON.stringify(body);
}

function isJsonValue(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  if (Array.isArray(body)) return true;
  const proto: unknown = Object.getPrototypeOf(body);
  return proto === Object.prototype || proto === null;
}
