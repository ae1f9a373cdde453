/**
 * The handler of one request under an `AsposeClient`'s limits (as undici's
 * `lib/handler/` beside its `lib/interceptor/`): {@link LimitedRequest}, and
 * the controller a caller holds while its request waits for a turn.
 *
 * @internal
 */
import type { Dispatcher } from 'undici';
import { AsposeAbortError, AsposeTimeoutError } from '../errors/errors.js';
import type { RequestLimits } from './request-limits.js';
import { watchUpload, type UploadObserver } from './upload-progress.js';

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;
type Dispatch = Dispatcher['dispatch'];

/**
 * The longest delay `setTimeout` keeps (2^31 − 1 ms, about 24.8 days): a
 * longer one fires after 1 ms. Bounds above it are treated as this, which
 * is as good as none.
 *
 * @internal
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** What a request waiting for its turn hands its caller, so that the caller can abort the wait. */
class QueuedController implements Controller {
  readonly #request: LimitedRequest;
  aborted = false;
  paused = false;
  reason: Error | null = null;

  constructor(request: LimitedRequest) {
    this.#request = request;
  }

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.#request.abort(() => reason);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }
}

/** One request under the limits: the handler the next layer talks to. @internal */
export class LimitedRequest implements Handler, UploadObserver {
  readonly #limits: RequestLimits;
  readonly #dispatch: Dispatch;
  readonly #opts: Dispatcher.DispatchOptions;
  readonly #handler: Handler;
  readonly #headersMs: number;
  readonly #bodyMs: number;
  #controller: Controller | undefined;
  /** An abort asked for before undici handed over a controller: applied as soon as it does. */
  #abortPending: Error | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** 0 waiting for a turn, 1 waiting for headers (sending the request, or waiting for a token, first), 2 streaming the body, 3 ended. */
  #phase = 0;
  /** When the request last moved: its dispatch, an upload chunk, the upload's end, an answer chunk. */
  #lastProgress = 0;
  /** True between the first upload chunk and the upload's end. */
  #uploading = false;

  constructor(limits: RequestLimits, dispatch: Dispatch, opts: Dispatcher.DispatchOptions, handler: Handler) {
    this.#limits = limits;
    this.#dispatch = dispatch;
    // A body that takes a while to send is watched, so that its progress counts (see watchUpload).
    this.#opts = opts.body == null ? opts : watchUpload(opts, this);
    this.#handler = handler;
    this.#headersMs = Math.min(opts.headersTimeout ?? limits.timeoutMs, MAX_TIMER_MS);
    this.#bodyMs = Math.min(opts.bodyTimeout ?? limits.timeoutMs, MAX_TIMER_MS);
  }

  start(): boolean {
    const closed = this.#limits.closedError();
    if (closed) {
      this.#phase = 3;
      const { method, path } = this.#where();
      this.#handler.onResponseError?.(
        new QueuedController(this),
        new AsposeAbortError(`${method} ${path} was not sent: the AsposeClient is closed`, { method, path }),
      );
      return false;
    }
    this.#lastProgress = Date.now();
    if (this.#headersMs > 0) this.#arm(this.#headersMs);
    if (this.#limits.admit(this)) return this.run();
    // Waiting for a turn: give the caller a controller now, so it can abort the wait.
    this.#handler.onRequestStart?.(new QueuedController(this), {});
    return true;
  }

  /** @internal Sends the request below this layer. */
  run(): boolean {
    if (this.#phase !== 0) return false;
    this.#phase = 1;
    // The wait for a turn is over: from here the clock runs from now (the timer is already armed
    // for the whole bound, counted from the call, and re-arms itself for what is left).
    try {
      return this.#dispatch(this.#opts, this);
    } catch (err) {
      this.onResponseError(this.#controller ?? new QueuedController(this), err as Error);
      return false;
    }
  }

  /** @internal Ends the request with the error `make` builds: through undici if it is under way, else here. */
  abort(make: (method: string, path: string) => Error): void {
    if (this.#phase === 3) return;
    const { method, path } = this.#where();
    const err = make(method, path);
    if (this.#phase === 0) {
      this.#end();
      this.#handler.onResponseError?.(new QueuedController(this), err);
      return;
    }
    if (this.#controller) this.#controller.abort(err);
    else this.#abortPending ??= err;
  }

  #where(): { method: string; path: string } {
    const path = String(this.#opts.path ?? '');
    const q = path.indexOf('?');
    return { method: String(this.#opts.method ?? 'GET'), path: q === -1 ? path : path.slice(0, q) };
  }

  #arm(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#onTimer, ms);
    this.#timer.unref?.();
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    const limit = this.#phase === 2 ? this.#bodyMs : this.#headersMs;
    const idle = Date.now() - this.#lastProgress;
    if (this.#phase !== 0 && idle < limit) {
      // There was progress since the timer was armed (a body chunk, an upload chunk, the upload's end).
      this.#arm(limit - idle);
      return;
    }
    const { phase } = this;
    const uploading = phase === 1 && this.#uploading;
    const connections = this.#limits.connections;
    this.abort((method, path) => {
      const details = { method, path };
      if (phase === 2) {
        return new AsposeTimeoutError(
          `${method} ${path}: the answer's body made no progress for ${limit} ms (timeoutMs), whether the server stalled or the reader stopped reading; the request was cancelled`,
          details,
        );
      }
      if (phase === 0) {
        return new AsposeTimeoutError(
          `${method} ${path} timed out after ${limit} ms (timeoutMs) still waiting for one of the ${connections} connections (connections): raise connections, or timeoutMs if calls are slow`,
          details,
        );
      }
      if (uploading) {
        return new AsposeTimeoutError(
          `${method} ${path}: the request body made no progress for ${limit} ms (timeoutMs) while it was being sent; the request was cancelled`,
          details,
        );
      }
      return new AsposeTimeoutError(
        `${method} ${path} timed out after ${limit} ms (timeoutMs) without the answer's headers: raise timeoutMs if the operation is slow`,
        details,
      );
    });
  };

  /** 0 waiting for a turn, 1 waiting for headers, 2 streaming the body, 3 ended. */
  get phase(): number {
    return this.#phase;
  }

  /**
   * @internal A chunk of the request body was taken by the connection: an
   * upload that keeps moving is progress, so a large body on a slow link is
   * not cut off while it is being sent.
   */
  uploadMoved(): void {
    this.#uploading = true;
    this.#lastProgress = Date.now();
  }

  /** @internal The body was taken whole: the wait for the answer's headers runs from now. */
  uploadEnded(): void {
    this.#uploading = false;
    this.#lastProgress = Date.now();
  }

  #end(): void {
    if (this.#phase === 3) return;
    this.#phase = 3;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#limits.release(this);
  }

  onRequestStart(controller: Controller, context: unknown): void {
    this.#controller = controller;
    this.#handler.onRequestStart?.(controller, context);
    if (this.#abortPending) controller.abort(this.#abortPending);
  }

  onRequestUpgrade(controller: Controller, statusCode: number, headers: Record<string, string | string[]>, socket: import('node:stream').Duplex): void {
    this.#end();
    this.#handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Controller, statusCode: number, headers: Record<string, string | string[]>, statusMessage?: string): void {
    this.#controller = controller;
    if (statusCode >= 200 && this.#phase === 1) {
      this.#phase = 2;
      if (this.#bodyMs > 0) {
        this.#lastProgress = Date.now();
        this.#arm(this.#bodyMs);
      } else {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
    }
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    this.#lastProgress = Date.now();
    this.#handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Controller, trailers: Record<string, string | string[]>): void {
    this.#end();
    this.#handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Controller, err: Error): void {
    if (this.#phase === 3) return;
    this.#end();
    this.#handler.onResponseError?.(controller, err);
  }
}
