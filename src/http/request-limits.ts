import type { Dispatcher } from 'undici';
import { AsposeAbortError } from '../errors/errors.js';
import { LimitedRequest, MAX_TIMER_MS } from './limits-handler.js';

type Handler = Dispatcher.DispatchHandler;
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
