/**
 * One token request, traced on the `aspose-cloud-auth:token` tracing channel.
 *
 * @internal
 */
import { requestTokenOnce, safeUrl, type TokenAttempt, type TokenRequest } from '../token/token-endpoint.js';
import { tokenChannel, type AsposeTokenRequestMessage } from './channels.js';

/**
 * {@link requestTokenOnce}, with its tracing-channel events: `start` (in whose
 * `runStores` the request is dispatched, so bound stores are the active
 * context when undici creates it), `end` once the dispatch has returned, then
 * `error` (on any outcome but `ok`), `asyncStart` and `asyncEnd` once it has
 * an outcome. The events are published by hand rather than by `tracePromise`,
 * which would put the attempt, and so the token, in the context's `result`.
 *
 * Call it only when `tokenChannel.hasSubscribers`: without one, call
 * {@link requestTokenOnce} itself, which allocates nothing for tracing.
 *
 * @internal
 */
export function traceTokenRequest(req: TokenRequest, attempt: number): Promise<TokenAttempt> {
  const message: AsposeTokenRequestMessage = { tokenUrl: safeUrl(req.tokenUrl), attempt };
  const started = performance.now();
  let pending!: Promise<TokenAttempt>;
  tokenChannel.start.runStores(message, () => {
    try {
      pending = requestTokenOnce(req);
    } finally {
      tokenChannel.end.publish(message);
    }
  });
  return pending.then(
    (result) => {
      message.durationMs = performance.now() - started;
      if (result.ok) {
        message.outcome = 'ok';
        message.status = result.status;
      } else {
        message.outcome = result.outcome;
        message.status = result.error.status;
        message.oauthError = result.error.oauthError;
        message.error = result.error;
        tokenChannel.error.publish(message);
      }
      tokenChannel.asyncStart.publish(message);
      tokenChannel.asyncEnd.publish(message);
      return result;
    },
    (err: unknown) => {
      // requestTokenOnce answers every failure with a value; this is for a bug, reported as one.
      message.durationMs = performance.now() - started;
      message.outcome = 'network';
      tokenChannel.asyncStart.publish(message);
      tokenChannel.asyncEnd.publish(message);
      throw err;
    },
  );
}
