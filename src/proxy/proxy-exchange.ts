import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { AsposeProxyBodyTooLargeError, type AsposeError } from '../errors/errors.js';
import { toAsposeError } from '../http/request-error.js';
import { dropFramingSetInFront, holdsSecret, redactorFor, responseHeadersForClient, withoutSecrets, type SecretSource } from './header-filter.js';
import type { AsposeProxyEvent } from './proxy-report.js';
import { delegatedFailure, PROXY_ERROR_STATUS, sendProxyError, upstreamError, upstreamFailure, type AsposeProxyErrorCode } from './proxy-errors.js';
import type { RequestBody } from './request-body.js';

/** Why the exchange cancelled the upstream request itself. */
class CallerGone extends Error {
  constructor() {
    super('the caller closed the connection');
    this.name = 'CallerGone';
  }
}

/** The status reported for a caller that went away before any answer (nginx's "client closed request"). */
const CALLER_GONE = 499;

/**
 * One request the proxy handles, from its arrival to its report: what the
 * checks found out, what the exchange needs, and what the report says. One
 * object per request (it is the exchange's options too).
 *
 * @internal
 */
export class RequestState {
  /** Upper-case method (`''` for a method that is not a string, which no rule allows). */
  readonly method: string;
  /** The target path without its query (the checked one once the path passed its checks). */
  path: string;
  /** True when the request announces a body. */
  withBody = false;
  /** `performance.now()` when the proxy got the request. */
  readonly t0: number;
  /** The caller's `rateLimit` key, once computed. */
  userKey: string | undefined = undefined;
  /** The client's token service, once the client is known: what must never be echoed back (its `sensitiveValues()`). */
  tokens: SecretSource | undefined = undefined;
  /** The request body on its way upstream, if any. */
  body: RequestBody | undefined = undefined;
  /** Largest body, for the 413 message. */
  readonly limit: number;

  constructor(method: unknown, path: string, limit: number) {
    this.method = method === undefined ? 'GET' : typeof method === 'string' ? method.toUpperCase() : '';
    this.path = path;
    this.limit = limit;
    this.t0 = performance.now();
  }
}

/** What the proxy gives every exchange: its hooks and options, one object per proxy. @internal */
export interface ExchangeHooks {
  /** With `delegateErrors`: failures before the answer started are returned, not answered. */
  delegate: boolean;
  /** Reports a failure to `onError`. */
  report(error: AsposeError, req: IncomingMessage, res: ServerResponse): void;
  /** Reports a handled request to `onForward` and the diagnostics channel. */
  finish(
    req: IncomingMessage,
    res: ServerResponse,
    state: RequestState,
    outcome: AsposeProxyEvent['outcome'],
    status: number,
    code: string | undefined,
    requestBytes: number,
    responseBytes: number,
  ): void;
  /** The `rewriteResponseHeaders` option. */
  rewriteResponseHeaders:
    ((headers: Record<string, string | string[]>, req: IncomingMessage, status: number) => Record<string, string | string[]> | void) | undefined;
  /** The error for something a hook threw (or a bug): an `AsposeProxyInternalError`, redacted. */
  internal(thrown: unknown, state: RequestState): AsposeError;
}

/**
 * One proxied request: an undici dispatch handler that writes the upstream
 * answer straight into the caller's `ServerResponse`.
 *
 * - **Streaming with backpressure, both ways.** Each upstream chunk is
 *   written to the caller as it arrives; when the caller's socket is full the
 *   upstream read is paused until it drains. The request body is a stream
 *   undici reads as the upstream socket allows.
 * - **Cancellation.** If the caller goes away at any point (still waiting for
 *   a token, sending the body, or reading the answer) the upstream request is
 *   aborted through undici's controller.
 * - **Failures.** Before the answer starts: a timeout is answered 504, no
 *   token or no connection 502, each as JSON. After it has started there is
 *   no honest status left to send, so the connection is cut.
 * - **No echo of the server's token.** The answer's headers and status text
 *   are checked for the token service's secrets (a literal `includes` per
 *   value; rewritten only on a hit, by a redactor cached per token service),
 *   so an upstream that reflects the `Authorization` it received cannot
 *   hand the token to the browser.
 *
 * It dispatches on the client's composed dispatcher, so the core's auth
 * interceptor adds the token (shared and refreshed by the token service) and
 * replays a 401 when the body allows; nothing of that is re-implemented here.
 * Writing the answer directly, rather than through `request()`'s body stream
 * and `pipeline()`, spares a stream, a promise chain and an `AbortController`
 * per request.
 *
 * @internal
 */
export class ProxyExchange implements Dispatcher.DispatchHandler {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #state: RequestState;
  readonly #tokens: SecretSource;
  readonly #hooks: ExchangeHooks;
  #controller: Dispatcher.DispatchController | undefined;
  #gone = false;
  #started = false;
  #settled = false;
  #status = 0;
  #responseBytes = 0;
  #resolve: (delegated: AsposeError | undefined) => void = () => {};

  constructor(req: IncomingMessage, res: ServerResponse, state: RequestState, hooks: ExchangeHooks) {
    this.#req = req;
    this.#res = res;
    this.#state = state;
    this.#tokens = state.tokens!;
    this.#hooks = hooks;
  }

  /**
   * Dispatches the request. Resolves once the answer is written or the
   * caller is gone, with `undefined`; or, with `delegateErrors`, with the
   * failure it did not answer. Never rejects.
   */
  run(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): Promise<AsposeError | undefined> {
    const done = new Promise<AsposeError | undefined>((resolve) => {
      this.#resolve = resolve;
    });
    this.#res.once('close', this.#onClose);
    this.#res.on('drain', this.#onDrain);
    try {
      dispatcher.dispatch(options, this);
    } catch (err) {
      this.onResponseError(undefined, err as Error);
    }
    return done;
  }

  readonly #onClose = (): void => {
    if (this.#settled || this.#res.writableFinished) return;
    this.#gone = true;
    this.#controller?.abort(new CallerGone());
    this.#state.body?.destroy();
    this.#settle('failed', this.#started ? this.#status : CALLER_GONE, 'ERR_ASPOSE_ABORTED');
  };

  readonly #onDrain = (): void => {
    this.#controller?.resume();
  };

  /** Ends the exchange once: reports it, and resolves `run()`'s promise (with the error to delegate, if any). */
  #settle(outcome: AsposeProxyEvent['outcome'], status: number, code: string | undefined, delegated?: AsposeError): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#res.off('close', this.#onClose);
    this.#res.off('drain', this.#onDrain);
    try {
      this.#hooks.finish(this.#req, this.#res, this.#state, outcome, status, code, this.#state.body?.bytes ?? 0, this.#responseBytes);
    } finally {
      this.#resolve(delegated);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#gone) controller.abort(new CallerGone());
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    this.#controller = controller;
    if (this.#gone || this.#settled || statusCode < 200) return; // informational answers (103) are not passed on
    const tokens = this.#tokens;
    const secrets = tokens.sensitiveValues();
    let out = responseHeadersForClient(headers, secrets, tokens);
    const rewrite = this.#hooks.rewriteResponseHeaders;
    if (rewrite !== undefined) {
      try {
        const r: unknown = rewrite(out, this.#req, statusCode);
        if (r !== undefined && (r === null || typeof r !== 'object'))
          throw new TypeError('rewriteResponseHeaders must return an object of headers, or nothing');
        // Filtered again: the hook may have copied a header it should not pass on.
        const length = out['content-length'];
        out = responseHeadersForClient((r ?? out) as Record<string, string | string[]>, secrets, tokens);
        // The body is the API's, unchanged: its length is too, whatever the hook returned.
        delete out['content-length'];
        if (length !== undefined) out['content-length'] = length;
      } catch (err) {
        // The server's own hook failed: a 500 of the proxy's, not the API's answer.
        const e = this.#hooks.internal(err, this.#state);
        this.#hooks.report(e, this.#req, this.#res);
        // Settled first, so that the abort's own onResponseError finds nothing left to answer.
        this.#failBeforeAnswer('ERR_ASPOSE_PROXY_INTERNAL', 'The proxy failed unexpectedly; the server reports the detail to its onError hook', () => e);
        this.#state.body?.destroy();
        controller.abort(new CallerGone());
        return;
      }
    }
    const vary = out.vary;
    if (vary !== undefined) {
      // A Vary set in front (cors() sets `Vary: Origin`) must survive the API's (writeHead would replace it).
      const mine = this.#res.getHeader('vary');
      if (mine !== undefined) out.vary = `${Array.isArray(mine) ? mine.join(', ') : String(mine)}, ${Array.isArray(vary) ? vary.join(', ') : vary}`;
    }
    this.#started = true;
    this.#status = statusCode;
    try {
      if (statusMessage) {
        // A status text that held a secret and cannot be cleaned falls back to Node's standard one.
        const text = holdsSecret(statusMessage, secrets) ? withoutSecrets(statusMessage, secrets, tokens) : statusMessage;
        if (text !== undefined) this.#res.statusMessage = text;
      }
      dropFramingSetInFront(this.#res);
      this.#res.writeHead(statusCode, out);
    } catch (err) {
      // A header value Node refuses to write: nothing sensible can follow it.
      this.#started = false;
      controller.abort(err as Error);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#gone || this.#settled) return;
    this.#responseBytes += chunk.length;
    if (!this.#res.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    if (this.#gone || this.#settled) return;
    this.#res.end();
    this.#settle('forwarded', this.#status, undefined);
  }

  /** The core's error for an upstream failure (the one mapping `request()` uses too), redacted with the client's secrets. */
  #error(err: Error, streaming: boolean): AsposeError {
    const { method, path } = this.#state;
    const tokens = this.#tokens;
    return toAsposeError(err, { method, path, proxied: true, streaming }, () => redactorFor(tokens, tokens.sensitiveValues()));
  }

  /**
   * Answers a failure before the answer started with the proxy's JSON, or,
   * with `delegateErrors`, hands the error `delegated` builds over.
   */
  #failBeforeAnswer(code: AsposeProxyErrorCode, message: string, delegated: () => AsposeError): void {
    const status = PROXY_ERROR_STATUS[code];
    if (this.#hooks.delegate && !this.#res.headersSent) {
      this.#settle(status >= 500 ? 'failed' : 'refused', status, code, delegatedFailure(delegated(), message));
      return;
    }
    // A request body nobody will read any more: close rather than drain it.
    this.#responseBytes = sendProxyError(this.#res, code, message, this.#state.body !== undefined);
    this.#settle(status >= 500 ? 'failed' : 'refused', status, code);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    if (this.#gone || this.#settled) return; // we cancelled it: nobody is left to answer
    const { body, limit } = this.#state;
    body?.destroy();
    if (this.#req.socket?.destroyed) {
      // The caller's connection broke first (its body stream failed before 'close' arrived).
      this.#gone = true;
      this.#res.destroy();
      this.#settle('failed', this.#started ? this.#status : CALLER_GONE, 'ERR_ASPOSE_ABORTED');
      return;
    }
    if (this.#started || this.#res.headersSent) {
      // Mid-answer: cut the connection, so the caller sees a truncated answer rather than a wrong one.
      const e = this.#error(err, true);
      this.#hooks.report(e, this.#req, this.#res);
      this.#res.destroy();
      this.#settle('failed', this.#status, e.code);
      return;
    }
    if (body?.tooLarge) {
      const message = `The request body is larger than ${limit} bytes`;
      this.#failBeforeAnswer('ERR_ASPOSE_PROXY_BODY_TOO_LARGE', message, () => new AsposeProxyBodyTooLargeError(message));
    } else {
      const e = this.#error(err, false);
      this.#hooks.report(e, this.#req, this.#res);
      const answer = upstreamFailure(e);
      this.#failBeforeAnswer(answer.code, answer.message, () => upstreamError(e));
    }
  }
}
