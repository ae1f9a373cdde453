import type { Dispatcher } from 'undici';
import type { TokenService } from '../token/token-service.js';
import { withAuthorization } from './headers.js';
import { isFormData, withEncodedForm } from './multipart.js';

/**
 * A request body that can be sent more than once, or a function returning a
 * fresh body for each attempt (the way to send a stream that survives a 401
 * replay: `body: () => fs.createReadStream(path)`).
 */
export type BodyFactory = () => Dispatcher.DispatchOptions['body'];

/** Options of {@link asposeAuthInterceptor}. */
export interface AsposeAuthInterceptorOptions {
  /** Where tokens come from. Its `origin` is the only origin that ever receives one. */
  tokens: TokenService;
  /** Replay a request once after a 401 with a fresh token, when its body allows. Default true. */
  replayOn401?: boolean;
}

type DispatchOptions = Omit<Dispatcher.DispatchOptions, 'body'> & { body?: Dispatcher.DispatchOptions['body'] | BodyFactory };
type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;
type Dispatch = Dispatcher['dispatch'];

/**
 * An undici interceptor, for `dispatcher.compose(asposeAuthInterceptor({ tokens }))`,
 * that authenticates requests to the Aspose API origin:
 *
 * - It adds `Authorization: Bearer …` only when the request's origin is the
 *   token service's origin. The check runs on every dispatch, so composed
 *   inside undici's redirect interceptor it never hands the token to a
 *   redirect target on another origin.
 * - On a 401 from that origin it invalidates the token, takes a fresh one
 *   (shared with every other caller) and replays the request once. A second
 *   401 goes back to the caller as it is, without dropping the fresh token:
 *   it never loops, and one call costs at most one token request. When the
 *   token service declines to renew (at most one 401 renewal per
 *   `min401RenewalIntervalMs`), the 401 goes back without a replay, unless
 *   another caller has already brought a different token.
 * - It replays only bodies that can be sent again: none, a string, a
 *   `Uint8Array`/`Buffer`, `FormData`, a `Blob`, or a {@link BodyFactory}. A one-shot stream is
 *   never resent half-read: its 401 is returned as it is.
 *
 * In steady state it adds no promise and no timer to the request path: the
 * cached header is read synchronously.
 */
export function asposeAuthInterceptor(options: AsposeAuthInterceptorOptions): Dispatcher.DispatcherComposeInterceptor {
  const { tokens } = options;
  const replay = options.replayOn401 !== false && tokens.canRefresh;
  const origin = tokens.origin;
  const authenticate = tokens.auth !== 'none';
  return (dispatch: Dispatch): Dispatch =>
    function asposeAuth(opts: Dispatcher.DispatchOptions, handler: Handler): boolean {
      const o = opts as DispatchOptions;
      const factory = typeof o.body === 'function' ? o.body : undefined;
      if (!authenticate || !sameOrigin(o.origin, origin)) {
        return dispatch(factory || isFormData(o.body) ? withBody(opts, factory ? factory() : opts.body, opts.headers) : opts, handler);
      }
      const attempt = new AuthAttempt(dispatch, o, handler, tokens, replay && isReplayable(o.body), factory);
      return attempt.start();
    };
}

/**
 * True for the body kinds that can be sent again unchanged. `FormData` and
 * `Blob` count: a `FormData` is encoded afresh for every dispatch (see
 * {@link withBody}), a `Blob` is read afresh by undici. Checked by tag, as
 * undici does, since Node's global classes and the undici packages' differ.
 *
 * @internal
 */
export function isReplayable(body: unknown): boolean {
  if (body == null || typeof body === 'string' || typeof body === 'function' || body instanceof Uint8Array || body instanceof ArrayBuffer) return true;
  const tag = (body as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  return tag === 'FormData' || tag === 'Blob' || tag === 'File';
}

/**
 * The request with `body` and `headers`; a `FormData` body is sent encoded
 * (see {@link withEncodedForm}): each undici encodes only its own package's
 * `FormData` class, and the dispatcher underneath may be any. Called per
 * attempt, so a 401 replay encodes afresh.
 */
function withBody(
  opts: Dispatcher.DispatchOptions | DispatchOptions,
  body: Dispatcher.DispatchOptions['body'] | BodyFactory,
  headers: Dispatcher.DispatchOptions['headers'],
): Dispatcher.DispatchOptions {
  if (isFormData(body)) return withEncodedForm({ ...opts, headers }, body);
  return { ...opts, body, headers } as Dispatcher.DispatchOptions;
}

const originCache = new Map<string, string>();

function sameOrigin(candidate: string | URL | undefined, origin: string): boolean {
  if (candidate === undefined) return false;
  if (typeof candidate !== 'string') return candidate.origin === origin;
  if (candidate === origin) return true;
  let normalized = originCache.get(candidate);
  if (normalized === undefined) {
    try {
      normalized = new URL(candidate).origin;
    } catch {
      normalized = '';
    }
    if (originCache.size > 256) originCache.clear();
    originCache.set(candidate, normalized);
  }
  return normalized === origin;
}

/**
 * One authenticated request: the handler undici talks to, across at most two
 * attempts. It forwards everything to the caller's handler except a 401 that
 * it is going to replay.
 */
class AuthAttempt implements Handler {
  readonly #dispatch: Dispatch;
  readonly #opts: DispatchOptions;
  readonly #handler: Handler;
  readonly #tokens: TokenService;
  readonly #factory: BodyFactory | undefined;
  #replayLeft: boolean;
  /** True once the replay is under way. */
  #replaying = false;
  #header = '';
  #swallowing = false;
  #cancelled = false;

  constructor(dispatch: Dispatch, opts: DispatchOptions, handler: Handler, tokens: TokenService, replayable: boolean, factory: BodyFactory | undefined) {
    this.#dispatch = dispatch;
    this.#opts = opts;
    this.#handler = handler;
    this.#tokens = tokens;
    this.#replayLeft = replayable;
    this.#factory = factory;
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
    const header = this.#tokens.peekAuthorization();
    if (header !== undefined) this.#send(header);
    else this.#sendWhenTokenArrives();
  }

  onResponseError(controller: Controller, err: Error): void {
    if (this.#cancelled) return;
    this.#handler.onResponseError?.(controller, err);
  }
}

/** The controller a caller holds while its request waits for a token. */
class WaitingController implements Controller {
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
