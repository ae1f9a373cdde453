import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AsposeError } from '../errors/errors.js';
import { toAsposeError } from '../http/request-error.js';
import { holdsSecret, redactorFor, responseHeadersForClient, withoutSecrets, type SecretSource } from './header-filter.js';
import { sendProxyError, upstreamFailure } from './proxy-errors.js';
import type { RequestBody } from './request-body.js';

/** Why the exchange cancelled the upstream request itself. */
class CallerGone extends Error {
  constructor() {
    super('the caller closed the connection');
    this.name = 'CallerGone';
  }
}

/** What one exchange needs besides the request and response. @internal */
export interface ExchangeOptions {
  /** For error messages and reports: the method and the path without its query. */
  method: string;
  path: string;
  /** The request body on its way upstream, if any. */
  body: RequestBody | undefined;
  /** Largest body, for the 413 message. */
  limit: number;
  /** The client's token service: what must never be echoed back (its `sensitiveValues()`). */
  tokens: SecretSource;
  /** Reports an upstream failure the exchange turned into a 502 or 504. */
  report: (error: AsposeError) => void;
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
  readonly #opts: ExchangeOptions;
  #controller: Dispatcher.DispatchController | undefined;
  #gone = false;
  #started = false;
  #settled = false;
  #resolve: () => void = () => {};

  constructor(req: IncomingMessage, res: ServerResponse, opts: ExchangeOptions) {
    this.#req = req;
    this.#res = res;
    this.#opts = opts;
  }

  /** Dispatches the request; resolves once the answer is written or the caller is gone. Never rejects. */
  run(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): Promise<void> {
    const done = new Promise<void>((resolve) => {
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
    this.#opts.body?.destroy();
    this.#settle();
  };

  readonly #onDrain = (): void => {
    this.#controller?.resume();
  };

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#res.off('close', this.#onClose);
    this.#res.off('drain', this.#onDrain);
    this.#resolve();
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
    if (this.#gone || statusCode < 200) return; // informational answers (103) are not passed on
    this.#started = true;
    try {
      const tokens = this.#opts.tokens;
      const secrets = tokens.sensitiveValues();
      if (statusMessage) {
        // A status text that held a secret and cannot be cleaned falls back to Node's standard one.
        const text = holdsSecret(statusMessage, secrets) ? withoutSecrets(statusMessage, secrets, tokens) : statusMessage;
        if (text !== undefined) this.#res.statusMessage = text;
      }
      this.#res.writeHead(statusCode, responseHeadersForClient(headers, secrets, tokens));
    } catch (err) {
      // A header value Node refuses to write: nothing sensible can follow it.
      this.#started = false;
      controller.abort(err as Error);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#gone) return;
    if (!this.#res.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    if (this.#gone) return;
    this.#res.end();
    this.#settle();
  }

  /** The core's error for an upstream failure (the one mapping `request()` uses too), redacted with the client's secrets. */
  #error(err: Error, streaming: boolean): AsposeError {
    const { method, path, tokens } = this.#opts;
    return toAsposeError(err, { method, path, proxied: true, streaming }, () => redactorFor(tokens, tokens.sensitiveValues()));
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    if (this.#gone || this.#settled) return; // we cancelled it: nobody is left to answer
    const { body, limit } = this.#opts;
    body?.destroy();
    if (this.#req.socket?.destroyed) {
      // The caller's connection broke first (its body stream failed before 'close' arrived).
      this.#gone = true;
      this.#res.destroy();
      this.#settle();
      return;
    }
    if (this.#started || this.#res.headersSent) {
      // Mid-answer: cut the connection, so the caller sees a truncated answer rather than a wrong one.
      this.#opts.report(this.#error(err, true));
      this.#res.destroy();
      this.#settle();
      return;
    }
    const closeConnection = body !== undefined;
    if (body?.tooLarge) {
      sendProxyError(this.#res, 'ERR_ASPOSE_PROXY_BODY_TOO_LARGE', `The request body is larger than ${limit} bytes`, true);
    } else {
      const e = this.#error(err, false);
      this.#opts.report(e);
      const answer = upstreamFailure(e);
      sendProxyError(this.#res, answer.code, answer.message, closeConnection);
    }
    this.#settle();
  }
}
