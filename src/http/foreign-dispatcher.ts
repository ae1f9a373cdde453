import type { AsposeDispatcher } from '../config/options.js';
import { Dispatcher } from './undici.js';

/**
 * Makes any dispatcher with undici's `dispatch` contract usable where the
 * library needs its own undici's `Dispatcher` (for `compose()` and
 * `request()`): an undici 8 `Agent`, a `ProxyAgent` from another copy of
 * undici, and so on.
 *
 * Only `dispatch` is forwarded, and by the time a request reaches it the
 * library's interceptors have put its handler in the callback API undici 7
 * and 8 share (`onRequestStart`, `onResponseStart`, …). Undici 8's instance
 * methods refuse what undici 7's top-level functions pass them
 * (`opts.dispatcher is not supported by instance methods`), so nothing else
 * of the foreign dispatcher is ever called.
 *
 * `close()` and `destroy()` do nothing: the dispatcher belongs to whoever
 * passed it in.
 *
 * @internal
 */
export function toUndiciDispatcher(dispatcher: AsposeDispatcher): Dispatcher {
  return dispatcher instanceof Dispatcher ? dispatcher : new ForeignDispatcher(dispatcher);
}

class ForeignDispatcher extends Dispatcher {
  readonly #target: AsposeDispatcher;

  constructor(target: AsposeDispatcher) {
    super();
    this.#target = target;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.#target.dispatch(options, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    if (callback) return void queueMicrotask(callback);
    return Promise.resolve();
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const callback = typeof a === 'function' ? a : b;
    if (callback) return void queueMicrotask(callback);
    return Promise.resolve();
  }
}
