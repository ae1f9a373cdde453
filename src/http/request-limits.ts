import type { Dispatcher } from 'undici';
import { AsposeAbortError, AsposeTimeoutError } from '../errors/errors.js';
import { watchUpload, type UploadObserver } from './upload-progress.js';

type Handler = Dispatcher.DispatchHandler;

/**
 * The longest delay `setTimeout` keeps (2^31 − 1 ms, about 24.8 days): a
 * longer one fires after 1 ms. Bounds above it are treated as this, which
 * is as good as none.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;
type Controller = Dispatcher.DispatchController;
type Dispatch = Dispatcher['dispatch'];

/** Settings of {@link RequestLimits}. @internal */
export interface RequestLimitsOptions {
  /** Bound on waiting for the answer's headers, counted from the call, and then on each gap in its body. `0` disables it. */
  timeoutMs: number;
  /** Most requests under way at once; the rest wait their turn. `undefined`: no limit. */
  connections: number | undefined;
}

/**
 * The bounds an `AsposeClient` promises on every request it carries, whatever
 * dispatcher is underneath (its own `Agent`, a `ProxyAgent`, an undici 8
 * agent), as the outermost interceptor of its composed dispatcher:
 *
 * - **`timeoutMs` from the call, not from the socket.** undici's
 *   `headersTimeout` starts when the request is written, so time spent
 *   waiting for a token or queued for a connection was unbounded. Here the
 *   clock starts at `dispatch`, and the answer's headers must arrive within
 *   `timeoutMs` of it (a 401 replay included).
 * - **No progress, no socket.** Once the answer streams, each gap between
 *   chunks is bounded by `timeoutMs` too, counted whether or not the reader
 *   keeps up: a caller that stops reading a download no longer holds the
 *   upstream connection forever (undici pauses its own body timer while the
 *   reader applies backpressure).
 * - **`connections` as a bound on requests under way.** A dispatcher the
 *   client did not create cannot be given a pool size, so requests beyond the
 *   bound wait here, in order, for their turn; the wait counts against
 *   `timeoutMs`.
 * - **`close()` with a bound.** It knows every request under way, so it can
 *   wait for them, or abort them when the bound runs out.
 *
 * A request's own `headersTimeout` / `bodyTimeout` (from `request({ timeoutMs })`)
 * replace the client's for that request.
 *
 * Cost per request: one timer armed and cleared, a set insert and delete, and
 * `Date.now()` per body chunk.
 *
 * @internal
 */
export class RequestLimits {
  readonly timeoutMs: number;
  readonly connections: number | undefined;
  /** Requests under way (dispatched below this layer, or waiting for a token inside it). */
  readonly #active = new Set<LimitedRequest>();
  /** Requests waiting for a turn, oldest first (a Set keeps insertion order, and leaving it is O(1) from anywhere). */
  readonly #queue = new Set<LimitedRequest>();
  #closing: { reason: AsposeAbortError } | undefined;
  /** Set once close()'s bound ran out: turns end, and no waiting request is given one. */
  #aborting = false;
  #idle: (() => void)[] = [];

  constructor(options: RequestLimitsOptions) {
    this.timeoutMs = options.timeoutMs;
    this.connections = options.connections;
  }

  /** The interceptor, for `dispatcher.compose(limits.interceptor)` as the outermost one. */
  readonly interceptor = (dispatch: Dispatch): Dispatch => {
    return (opts: Dispatcher.DispatchOptions, handler: Handler): boolean => new LimitedRequest(this, dispatch, opts, handler).start();
  };

  /** Requests under way or waiting. */
  get pending(): number {
    return this.#active.size + this.#queue.size;
  }

  /** @internal */
  closedError(): AsposeAbortError | undefined {
    return this.#closing?.reason;
  }

  /** @internal Takes a turn now (true) or queues the request for one (false). */
  admit(request: LimitedRequest): boolean {
    if (this.connections === undefined || this.#active.size < this.connections) {
      this.#active.add(request);
      return true;
    }
    this.#queue.add(request);
    return false;
  }

  /** @internal Called once per request, when it ends whichever way. */
  release(request: LimitedRequest): void {
    // Still queued (timed out or aborted there): it just leaves the line.
    if (!this.#active.delete(request)) this.#queue.delete(request);
    while (!this.#aborting && this.connections !== undefined && this.#active.size < this.connections && this.#queue.size > 0) {
      const next = this.#queue.values().next().value!;
      this.#queue.delete(next);
      this.#active.add(next);
      next.run();
    }
    if (this.pending === 0 && this.#idle.length > 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    }
  }

  /**
   * Stops new requests, then waits for those under way. With `timeoutMs`,
   * the ones still under way after it are aborted with `ERR_ASPOSE_ABORTED`;
   * `timeoutMs: 0` aborts them at once.
   */
  async close(timeoutMs: number | undefined): Promise<void> {
    this.#closing ??= { reason: new AsposeAbortError('The AsposeClient was closed', { method: '', path: '' }) };
    if (this.pending === 0) return;
    const idle = new Promise<void>((resolve) => this.#idle.push(resolve));
    if (timeoutMs === undefined) return idle;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.min(timeoutMs, MAX_TIMER_MS));
    });
    await Promise.race([idle, bound]);
    clearTimeout(timer);
    if (this.pending === 0) return;
    this.#aborting = true;
    // The waiting first, so that no turn freed by an abort goes to one of them.
    for (const request of [...this.#queue, ...this.#active]) {
      request.abort(
        (method, path) =>
          new AsposeAbortError(
            `${method} ${path} was aborted: the AsposeClient was closed with a bound of ${timeoutMs} ms and the request was still under way`,
            { method, path },
          ),
      );
    }
    await idle;
  }
}

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
