import type { Dispatcher } from 'undici';
import { AsposeRequestError } from '../errors/errors.js';

type Handler = Dispatcher.DispatchHandler;
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
  /** Requests waiting for a turn, oldest first. */
  readonly #queue: LimitedRequest[] = [];
  #queueHead = 0;
  #closing: { reason: AsposeRequestError } | undefined;
  /** Set once close()'s bound ran out: turns end, and no waiting request is given one. */
  #aborting = false;
  #idle: (() => void)[] = [];

  constructor(options: RequestLimitsOptions) {
    this.timeoutMs = options.timeoutMs;
    this.connections = options.connections;
  }

  /** The interceptor, for `dispatcher.compose(limits.interceptor)` as the outermost one. */
  readonly interceptor = (dispatch: Dispatch): Dispatch => {
    const limits = this;
    return function asposeLimits(opts: Dispatcher.DispatchOptions, handler: Handler): boolean {
      return new LimitedRequest(limits, dispatch, opts, handler).start();
    };
  };

  /** Requests under way or waiting. */
  get pending(): number {
    return this.#active.size + this.#queue.length - this.#queueHead;
  }

  /** @internal */
  closedError(): AsposeRequestError | undefined {
    return this.#closing?.reason;
  }

  /** @internal Takes a turn now (true) or queues the request for one (false). */
  admit(request: LimitedRequest): boolean {
    if (this.connections === undefined || this.#active.size < this.connections) {
      this.#active.add(request);
      return true;
    }
    this.#queue.push(request);
    return false;
  }

  /** @internal Called once per request, when it ends whichever way. */
  release(request: LimitedRequest): void {
    if (!this.#active.delete(request)) {
      // Still queued (timed out or aborted there): take it out of line.
      const i = this.#queue.indexOf(request, this.#queueHead);
      if (i !== -1) this.#queue.splice(i, 1);
    }
    while (!this.#aborting && this.connections !== undefined && this.#active.size < this.connections && this.#queueHead < this.#queue.length) {
      const next = this.#queue[this.#queueHead++]!;
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#queueHead);
        this.#queueHead = 0;
      }
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
    this.#closing ??= { reason: new AsposeRequestError('ERR_ASPOSE_ABORTED', 'The AsposeClient was closed', { method: '', path: '' }) };
    if (this.pending === 0) return;
    const idle = new Promise<void>((resolve) => this.#idle.push(resolve));
    if (timeoutMs === undefined) return idle;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([idle, bound]);
    clearTimeout(timer);
    if (this.pending === 0) return;
    this.#aborting = true;
    // The waiting first, so that no turn freed by an abort goes to one of them.
    for (const request of [...this.#queue.slice(this.#queueHead), ...this.#active]) {
      request.abort((method, path) => new AsposeRequestError('ERR_ASPOSE_ABORTED', `${method} ${path} was aborted: the AsposeClient was closed with a bound of ${timeoutMs} ms and the request was still under way`, { method, path }));
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
export class LimitedRequest implements Handler {
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
  /** 0 waiting for a turn, 1 waiting for headers, 2 streaming the body, 3 ended. */
  #phase = 0;
  #lastProgress = 0;

  constructor(limits: RequestLimits, dispatch: Dispatch, opts: Dispatcher.DispatchOptions, handler: Handler) {
    this.#limits = limits;
    this.#dispatch = dispatch;
    this.#opts = opts;
    this.#handler = handler;
    this.#headersMs = opts.headersTimeout ?? limits.timeoutMs;
    this.#bodyMs = opts.bodyTimeout ?? limits.timeoutMs;
  }

  start(): boolean {
    const closed = this.#limits.closedError();
    if (closed) {
      this.#phase = 3;
      const { method, path } = this.#where();
      this.#handler.onResponseError?.(new QueuedController(this), new AsposeRequestError('ERR_ASPOSE_ABORTED', `${method} ${path} was not sent: the AsposeClient is closed`, { method, path }));
      return false;
    }
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
    if (this.#phase === 2) {
      const idle = Date.now() - this.#lastProgress;
      if (idle < this.#bodyMs) {
        this.#arm(this.#bodyMs - idle);
        return;
      }
      const ms = this.#bodyMs;
      this.abort((method, path) => new AsposeRequestError('ERR_ASPOSE_TIMEOUT', `${method} ${path}: the answer's body made no progress for ${ms} ms (timeoutMs), whether the server stalled or the reader stopped reading; the request was cancelled`, { method, path }));
      return;
    }
    const queued = this.#phase === 0;
    const ms = this.#headersMs;
    const limit = this.#limits.connections;
    this.abort(
      (method, path) =>
        new AsposeRequestError(
          'ERR_ASPOSE_TIMEOUT',
          queued
            ? `${method} ${path} timed out after ${ms} ms (timeoutMs) still waiting for one of the ${limit} connections (connections): raise connections, or timeoutMs if calls are slow`
            : `${method} ${path} timed out after ${ms} ms (timeoutMs) without the answer's headers: raise timeoutMs if the operation is slow`,
          { method, path },
        ),
    );
  };

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
