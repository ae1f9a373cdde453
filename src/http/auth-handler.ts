/**
 * The handler of one authenticated request (as undici's `lib/handler/`
 * beside its `lib/interceptor/`): {@link AuthAttempt} and the controller a
 * caller holds while the request waits for a token.
 *
 * @internal
 */
import { AsyncResource } from 'node:async_hooks';
import type { Dispatcher } from 'undici';
import { requestReplayChannel } from '../diagnostics/channels.js';
import type { TokenService } from '../token/token-service.js';
import { withAuthorization } from './authorization-header.js';
import { withBody, type BodyFactory, type DispatchOptionsWithFactory } from './replayable-body.js';

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;
type Dispatch = Dispatcher['dispatch'];

/**
 * One authenticated request: the handler undici talks to, across at most two
 * attempts. It adds the token (the cached one, or the one it waits for),
 * and forwards everything to the caller's handler except a 401 that it is
 * going to replay with a fresh token.
 *
 * @internal
 */
export class AuthAttempt implements Handler {
  readonly #dispatch: Dispatch;
  readonly #opts: DispatchOptionsWithFactory;
  readonly #handler: Handler;
  readonly #tokens: TokenService;
  readonly #factory: BodyFactory | undefined;
  #replayLeft: boolean;
  /** True once the replay is under way. */
  #replaying = false;
  #header = '';
  #swallowing = false;
  #cancelled = false;
  /**
   * The caller's async context, kept only while the replay channel has a
   * subscriber: a replay is sent from undici's socket callbacks, whose context
   * is whichever request opened the connection, so without it a tracer would
   * put the resent request in another request's trace.
   */
  #callerScope: AsyncResource | undefined;

  constructor(
    dispatch: Dispatch,
    opts: DispatchOptionsWithFactory,
    handler: Handler,
    tokens: TokenService,
    replayable: boolean,
    factory: BodyFactory | undefined,
  ) {
    this.#dispatch = dispatch;
    this.#opts = opts;
    this.#handler = handler;
    this.#tokens = tokens;
    this.#replayLeft = replayable;
    this.#factory = factory;
    if (replayable && requestReplayChannel.hasSubscribers) this.#callerScope = new AsyncResource('aspose-cloud-auth:replay');
  }

  start(): boolean {
    const header = this.#tokens.peekAuthorization();
    if (header !== undefined) return this.#send(header);
    this.#sendWhenTokenArrives();
    return true;
  }

  #send(header: string): boolean {
    this.#header = header;
    const opts = this.#opts;
    return this.#dispatch(withBody(opts, this.#factory ? this.#factory() : opts.body, withAuthorization(opts.headers, header)), this);
  }

  /**
   * Waits for a token. Meanwhile the caller holds a controller whose abort
   * ends the wait at once, so an aborted request never sits behind a slow
   * token endpoint.
   */
  #sendWhenTokenArrives(): void {
    const waiting = new WaitingController((reason) => {
      this.#cancelled = true;
      this.#handler.onResponseError?.(waiting, reason);
    });
    this.#handler.onRequestStart?.(waiting, {});
    if (this.#cancelled) return;
    this.#tokens.getToken().then(
      (token) => {
        if (this.#cancelled) return;
        waiting.finished = true;
        try {
          this.#send(token.authorization);
        } catch (err) {
          this.#handler.onResponseError?.(waiting, err as Error);
        }
      },
      (err: Error) => {
        if (this.#cancelled) return;
        this.#cancelled = true;
        waiting.finished = true;
        this.#handler.onResponseError?.(waiting, err);
      },
    );
  }

  onRequestStart(controller: Controller, context: unknown): void {
    this.#handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Controller, statusCode: number, headers: Record<string, string | string[]>, socket: import('node:stream').Duplex): void {
    this.#handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Controller, statusCode: number, headers: Record<string, string | string[]>, statusMessage?: string): void {
    // The replay's own 401 goes back as it is and drops nothing: the token it
    // carried is the fresh one, and dropping that too would cost a second
    // token request for one call.
    if (statusCode === 401 && !this.#replaying) {
      const renewed = this.#tokens.invalidate(this.#header.slice(this.#header.indexOf(' ') + 1));
      // Replay only with a token other than the refused one: one this 401
      // made the service fetch, or one another caller already brought. When
      // the service declined to renew (its 401 renewal cap), the token is
      // the same, and a replay would only meet the same 401.
      if (this.#replayLeft && (renewed || this.#tokens.peekAuthorization() !== this.#header)) {
        this.#replayLeft = false;
        this.#replaying = true;
        this.#swallowing = true;
        return;
      }
    }
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (!this.#swallowing) this.#handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Controller, trailers: Record<string, string | string[]>): void {
    if (!this.#swallowing) {
      this.#handler.onResponseEnd?.(controller, trailers);
      return;
    }
    this.#swallowing = false;
    if (!requestReplayChannel.hasSubscribers) {
      this.#replay();
      return;
    }
    const opts = this.#opts;
    const path = opts.path;
    const query = path.indexOf('?');
    const message = { method: opts.method, origin: this.#tokens.origin, path: query < 0 ? path : path.slice(0, query), resendCount: 1 as const };
    // Published, and the resent request dispatched, in the caller's context (when it was
    // kept) and inside the channel's runStores: a store bound to the channel is active
    // when undici creates the resent request.
    const publish = () => requestReplayChannel.runStores(message, this.#replay, this);
    const scope = this.#callerScope;
    if (scope) scope.runInAsyncScope(publish);
    else publish();
  }

  /** Sends the request again, with the fresh token (or once it arrives). */
  #replay(): void {
    const header = this.#tokens.peekAuthorization();
    if (header !== undefined) this.#send(header);
    else this.#sendWhenTokenArrives();
  }

  onResponseError(controller: Controller, err: Error): void {
    if (this.#cancelled) return;
    this.#handler.onResponseError?.(controller, err);
  }
}

/** The controller a caller holds while its request waits for a token: its abort ends the wait. @internal */
export class WaitingController implements Controller {
  #abort: (reason: Error) => void;
  finished = false;
  aborted = false;
  paused = false;
  reason: Error | null = null;

  constructor(abort: (reason: Error) => void) {
    this.#abort = abort;
  }

  abort(reason: Error): void {
    if (this.aborted || this.finished) return;
    this.aborted = true;
    this.reason = reason;
    this.#abort(reason);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }
}
