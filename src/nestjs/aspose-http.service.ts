import { Observable } from 'rxjs';
import type {
  AsposeClient,
  AsposeJsonOptions,
  AsposeJsonRequestOptions,
  AsposeJsonResponse,
  AsposeRequestOptions,
  AsposeResponse,
} from '../http/aspose-client.js';
import type { TokenService } from '../token/token-service.js';

/**
 * What the {@link AsposeHttpService} methods emit, as `@nestjs/axios`'
 * `HttpService` emits an `AxiosResponse`: the parsed JSON body as `data`, with
 * the answer's `status` (2xx; any other errors with `AsposeApiError`) and
 * `headers` (names lower-cased).
 */
export type AsposeHttpResponse<T = unknown> = AsposeJsonResponse<T>;

/** Options of {@link AsposeHttpService.request}: the method, path, query, headers, body, signal and timeout of one call. */
export type AsposeHttpRequestOptions = AsposeJsonRequestOptions;

/**
 * The rxjs face of an {@link AsposeClient}, shaped like `@nestjs/axios`'
 * `HttpService`: every method returns a cold `Observable` that sends its
 * request on subscribe, emits once and completes.
 *
 * - `get`, `post`, `put`, `patch`, `delete`, `head` and `request` emit the
 *   response, `{ data, status, headers }` ({@link AsposeHttpResponse}), as
 *   `HttpService` does; `getData`, `postData`, `putData`, `patchData` and
 *   `deleteData` emit the parsed body alone. All of them parse JSON and error
 *   with `AsposeApiError` on a non-2xx answer.
 * - {@link requestRaw} emits undici's raw `{ statusCode, headers, body }`
 *   without checking the status: for binary answers (an image, a PDF) and
 *   streaming.
 * - Unsubscribing before the answer aborts the undici request (and closes its
 *   socket), so `timeout()`, `takeUntil()` or a client that hangs up stop the
 *   call upstream too.
 * - The Bearer token, its refresh and the replay after a 401 come from the
 *   same client and token service the rest of the app uses: one token serves
 *   both faces.
 * - {@link client} is the promise-based client underneath, like `axiosRef`.
 *
 * ```ts
 * @Injectable()
 * export class Documents {
 *   constructor(private readonly http: AsposeHttpService) {}
 *   info(name: string) {
 *     return this.http.getData<{ Document: { FileName: string } }>(`/v4.0/words/${name}`).pipe(timeout(5000));
 *   }
 * }
 * ```
 */
export class AsposeHttpService {
  /** The client behind this service: the same instance `@InjectAsposeClient()` gives. */
  readonly client: AsposeClient;

  constructor(client: AsposeClient) {
    this.client = client;
  }

  /** The token service behind {@link client}. */
  get tokens(): TokenService {
    return this.client.tokens;
  }

  /**
   * Sends a request with any method and emits the response
   * (`{ data, status, headers }`), as `HttpService.request()` does. A plain
   * object or array `body` is sent as JSON. Errors with `AsposeApiError` on a
   * non-2xx answer.
   */
  request<T = unknown>(options: AsposeHttpRequestOptions): Observable<AsposeHttpResponse<T>> {
    return this.#observe((signal) => this.client.requestJson<T>({ ...options, signal }), options.signal);
  }

  /** GET; emits the response (`{ data, status, headers }`). Errors with `AsposeApiError` on a non-2xx answer. */
  get<T = unknown>(path: string, options?: AsposeJsonOptions): Observable<AsposeHttpResponse<T>> {
    return this.#response<T>('GET', path, undefined, options);
  }

  /** POST (a plain object or array body is sent as JSON); emits the response (`{ data, status, headers }`). Errors with `AsposeApiError` on a non-2xx answer. */
  post<T = unknown>(path: string, body?: unknown, options?: AsposeJsonOptions): Observable<AsposeHttpResponse<T>> {
    return this.#response<T>('POST', path, body, options);
  }

  /** PUT (a plain object or array body is sent as JSON); emits the response (`{ data, status, headers }`). Errors with `AsposeApiError` on a non-2xx answer. */
  put<T = unknown>(path: string, body?: unknown, options?: AsposeJsonOptions): Observable<AsposeHttpResponse<T>> {
    return this.#response<T>('PUT', path, body, options);
  }

  /** PATCH (a plain object or array body is sent as JSON); emits the response (`{ data, status, headers }`). Errors with `AsposeApiError` on a non-2xx answer. */
  patch<T = unknown>(path: string, body?: unknown, options?: AsposeJsonOptions): Observable<AsposeHttpResponse<T>> {
    return this.#response<T>('PATCH', path, body, options);
  }

  /** DELETE; emits the response (`{ data, status, headers }`). Errors with `AsposeApiError` on a non-2xx answer. */
  delete<T = unknown>(path: string, options?: AsposeJsonOptions): Observable<AsposeHttpResponse<T>> {
    return this.#response<T>('DELETE', path, undefined, options);
  }

  /**
   * HEAD; emits the response, whose `data` is `undefined` (a HEAD answer has
   * no body): for the `status` and `headers`, such as whether a storage file
   * exists and its size. Errors with `AsposeApiError` on a non-2xx answer
   * (a 404 included).
   */
  head(path: string, options?: AsposeJsonOptions): Observable<AsposeHttpResponse<undefined>> {
    return this.#response<undefined>('HEAD', path, undefined, options);
  }

  /** GET and emit the parsed JSON body alone. Errors with `AsposeApiError` on a non-2xx answer. */
  getData<T = unknown>(path: string, options?: AsposeJsonOptions): Observable<T> {
    return this.#observe((signal) => this.client.get<T>(path, { ...options, signal }), options?.signal);
  }

  /** POST (a plain object or array body is sent as JSON) and emit the parsed JSON body alone. Errors with `AsposeApiError` on a non-2xx answer. */
  postData<T = unknown>(path: string, body?: unknown, options?: AsposeJsonOptions): Observable<T> {
    return this.#observe((signal) => this.client.post<T>(path, body, { ...options, signal }), options?.signal);
  }

  /** PUT (a plain object or array body is sent as JSON) and emit the parsed JSON body alone. Errors with `AsposeApiError` on a non-2xx answer. */
  putData<T = unknown>(path: string, body?: unknown, options?: AsposeJsonOptions): Observable<T> {
    return this.#observe((signal) => this.client.put<T>(path, body, { ...options, signal }), options?.signal);
  }

  /** PATCH (a plain object or array body is sent as JSON) and emit the parsed JSON body alone. Errors with `AsposeApiError` on a non-2xx answer. */
  patchData<T = unknown>(path: string, body?: unknown, options?: AsposeJsonOptions): Observable<T> {
    return this.#observe((signal) => this.client.patch<T>(path, body, { ...options, signal }), options?.signal);
  }

  /** DELETE and emit the parsed JSON body alone. Errors with `AsposeApiError` on a non-2xx answer. */
  deleteData<T = unknown>(path: string, options?: AsposeJsonOptions): Observable<T> {
    return this.#observe((signal) => this.client.delete<T>(path, { ...options, signal }), options?.signal);
  }

  /**
   * Sends a request and emits undici's `{ statusCode, headers, body }`, as
   * {@link AsposeClient.request} resolves it; it does not error on HTTP status.
   * Unsubscribing before the headers arrive aborts the request. Once emitted,
   * the body stream is yours: consume it (`await res.body.text()`, or pipe it
   * on) or `res.body.dump()` it so the socket is reused.
   */
  requestRaw(options: AsposeRequestOptions): Observable<AsposeResponse> {
    return this.#observe((signal) => this.client.request({ ...options, signal }), options.signal);
  }

  #response<T>(
    method: AsposeHttpRequestOptions['method'],
    path: string,
    body: unknown,
    options: AsposeJsonOptions | undefined,
  ): Observable<AsposeHttpResponse<T>> {
    return this.#observe((signal) => this.client.requestJson<T>({ ...options, method, path, body, signal }), options?.signal);
  }

  /**
   * One subscription, one request. The abort is only sent while the call is in
   * flight: after the value is emitted the teardown leaves the request alone,
   * so a `requestRaw()` body already handed to the subscriber stays readable.
   */
  #observe<T>(send: (signal: AbortSignal) => Promise<T>, callerSignal: AbortSignal | undefined): Observable<T> {
    return new Observable<T>((subscriber) => {
      const controller = new AbortController();
      const signal = callerSignal ? AbortSignal.any([callerSignal, controller.signal]) : controller.signal;
      let settled = false;
      send(signal).then(
        (value) => {
          settled = true;
          subscriber.next(value);
          subscriber.complete();
        },
        (err: unknown) => {
          settled = true;
          // After an unsubscribe the subscriber is closed and this is a no-op:
          // the abort error has nobody to go to, and must not become unhandled.
          subscriber.error(err);
        },
      );
      return () => {
        if (!settled) controller.abort();
      };
    });
  }
}
