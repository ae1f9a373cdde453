import { Observable } from 'rxjs';
import type { AsposeClient, AsposeJsonOptions, AsposeRequestOptions, AsposeResponse } from '../http/aspose-client.js';
import type { TokenService } from '../token/token-service.js';

/**
 * The rxjs face of an {@link AsposeClient}, in the manner of `@nestjs/axios`'
 * `HttpService`: every method returns a cold `Observable` that sends its
 * request on subscribe, emits once and completes.
 *
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
 * export class Barcodes {
 *   constructor(private readonly http: AsposeHttpService) {}
 *   info(name: string) {
 *     return this.http.get<{ Document: { FileName: string } }>(`/v4.0/words/${name}`).pipe(timeout(5000));
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
   * Sends a request and emits undici's `{ statusCode, headers, body }`, as
   * {@link AsposeClient.request} resolves it; it does not error on HTTP status.
   * Unsubscribing before the headers arrive aborts the request. Once emitted,
   * the body stream is yours: consume it (`await res.body.text()`) or
   * `res.body.dump()` it so the socket is reused.
   */
  request(options: AsposeRequestOptions): Observable<AsposeResponse> {
    return this.#observe((signal) => this.client.request({ ...options, signal }), options.signal);
  }

  /** GET and parse JSON. Errors with `AsposeApiError` on a non-2xx answer. */
  get<T = unknown>(path: string, options?: AsposeJsonOptions): Observable<T> {
    return this.#observe((signal) => this.client.get<T>(path, { ...options, signal }), options?.signal);
  }

  /** POST (a plain object or array body is sent as JSON) and parse JSON. Errors with `AsposeApiError` on a non-2xx answer. */
  post<T = unknown>(path: string, body?: unknown, options?: AsposeJsonOptions): Observable<T> {
    return this.#observe((signal) => this.client.post<T>(path, body, { ...options, signal }), options?.signal);
  }

  /** PUT (a plain object or array body is sent as JSON) and parse JSON. Errors with `AsposeApiError` on a non-2xx answer. */
  put<T = unknown>(path: string, body?: unknown, options?: AsposeJsonOptions): Observable<T> {
    return this.#observe((signal) => this.client.put<T>(path, body, { ...options, signal }), options?.signal);
  }

  /** DELETE and parse JSON. Errors with `AsposeApiError` on a non-2xx answer. */
  delete<T = unknown>(path: string, options?: AsposeJsonOptions): Observable<T> {
    return this.#observe((signal) => this.client.delete<T>(path, { ...options, signal }), options?.signal);
  }

  /**
   * One subscription, one request. The abort is only sent while the call is in
   * flight: after the value is emitted the teardown leaves the request alone,
   * so a `request()` body already handed to the subscriber stays readable.
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
