import type { Dispatcher } from 'undici';
import type { TokenService } from '../token/token-service.js';
import { AuthAttempt } from './auth-handler.js';
import { isFormData } from './multipart.js';
import { isReplayable, withBody, type DispatchOptionsWithFactory } from './replayable-body.js';
import { sameOrigin } from './same-origin.js';

/** Options of {@link asposeAuthInterceptor}. */
export interface AsposeAuthInterceptorOptions {
  /** Where tokens come from. Its `origin` is the only origin that ever receives one. */
  tokens: TokenService;
  /** Replay a request once after a 401 with a fresh token, when its body allows. Default true. */
  replayOn401?: boolean;
}

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
    function asposeAuth(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const o = opts as DispatchOptionsWithFactory;
      const factory = typeof o.body === 'function' ? o.body : undefined;
      if (!authenticate || !sameOrigin(o.origin, origin)) {
        return dispatch(factory || isFormData(o.body) ? withBody(opts, factory ? factory() : opts.body, opts.headers) : opts, handler);
      }
      return new AuthAttempt(dispatch, o, handler, tokens, replay && isReplayable(o.body), factory).start();
    };
}
