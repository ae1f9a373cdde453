import type { Dispatcher } from 'undici';

/** The most of a token endpoint's answer that is read: more is not a token answer. */
export const MAX_TOKEN_BODY = 256 * 1024;

/** What one token request sends. @internal */
export interface TokenExchange {
  /** The token endpoint, an absolute URL without query or credentials (validated by the options). */
  url: URL;
  /** The `application/x-www-form-urlencoded` body, holding the client secret. */
  form: string;
  /** Bound on the whole exchange, in ms. */
  timeoutMs: number;
  /** Aborts the exchange (the owning service closed). */
  signal: AbortSignal;
}

/** The token endpoint's answer, body read in full (bounded). @internal */
export interface TokenAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text; empty for a redirect, which is never read. */
  text: string;
}

/** Why a token exchange failed below HTTP. The `reason` says which of our own bounds ended it. @internal */
export class TokenTransportError extends Error {
  readonly reason: 'timeout' | 'too-large' | 'redirected' | 'closed' | 'network';
  constructor(reason: TokenTransportError['reason'], message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TokenTransportError';
    this.reason = reason;
  }
}

/**
 * Sends one token request on `dispatcher` and reads the answer. It speaks only
 * undici's `dispatch` contract (the handler API shared by undici 7 and 8), so
 * any dispatcher works: an undici 7 or 8 `Agent`, a `ProxyAgent`, or one
 * composed with interceptors.
 *
 * **Redirects are never followed**, whatever the dispatcher is composed with:
 * the request carries `maxRedirections: 0`, which turns undici's redirect
 * interceptor off for it, and should some other layer follow a redirect
 * anyway, the next hop is aborted before it is sent (undici reports the hops
 * so far as `context.history`). A 3xx comes back as an answer with an empty
 * body, so the caller can name where it pointed. Following it would post the
 * client secret to whatever origin the redirect names, and take a token from
 * there.
 *
 * @internal
 */
export function sendTokenRequest(dispatcher: Pick<Dispatcher, 'dispatch'>, exchange: TokenExchange): Promise<TokenAnswer> {
  return new Promise<TokenAnswer>((resolve, reject) => {
    const handler = new TokenAnswerHandler(exchange, resolve, reject);
    const options = {
      origin: exchange.url.origin,
      path: exchange.url.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: exchange.form,
      maxRedirections: 0,
    } as Dispatcher.DispatchOptions;
    try {
      dispatcher.dispatch(options, handler);
    } catch (err) {
      handler.onResponseError(undefined, err as Error);
    }
  });
}

/** Collects one token answer, with every bound of {@link sendTokenRequest}. */
class TokenAnswerHandler implements Dispatcher.DispatchHandler {
  readonly #resolve: (answer: TokenAnswer) => void;
  readonly #reject: (err: Error) => void;
  readonly #signal: AbortSignal;
  readonly #timer: NodeJS.Timeout;
  #controller: Dispatcher.DispatchController | undefined;
  #status = 0;
  #headers: Record<string, string | string[] | undefined> = {};
  #chunks: Buffer[] = [];
  #size = 0;
  /** Set once we end the exchange ourselves, so that undici's echo of our abort is not reported twice. */
  #ended: Error | undefined;
  #settled = false;

  constructor(exchange: TokenExchange, resolve: (answer: TokenAnswer) => void, reject: (err: Error) => void) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = exchange.signal;
    this.#timer = setTimeout(
      () => this.#end(new TokenTransportError('timeout', `no answer within ${exchange.timeoutMs} ms (tokenTimeoutMs)`)),
      exchange.timeoutMs,
    );
    this.#timer.unref?.();
    if (this.#signal.aborted) queueMicrotask(this.#onAbort);
    else this.#signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  readonly #onAbort = (): void => {
    this.#end(new TokenTransportError('closed', 'the token request was cancelled', this.#signal.reason));
  };

  /** Ends the exchange with `err`: aborts the request if it is under way, and rejects. */
  #end(err: Error): void {
    if (this.#settled) return;
    this.#ended = err;
    this.#controller?.abort(err);
    this.#finish(err);
  }

  #finish(err: Error | undefined): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#signal.removeEventListener('abort', this.#onAbort);
    if (err) {
      this.#chunks = [];
      this.#reject(err);
    } else {
      const text = this.#chunks.length === 1 ? this.#chunks[0].toString('utf8') : Buffer.concat(this.#chunks).toString('utf8');
      this.#chunks = [];
      this.#resolve({ status: this.#status, headers: this.#headers, text });
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#controller = controller;
    if (this.#ended) {
      controller.abort(this.#ended);
      return;
    }
    const history = (context as { history?: readonly unknown[] } | undefined)?.history;
    if (history !== undefined && history.length > 0) {
      // A layer of the caller's dispatcher followed a redirect despite maxRedirections: 0.
      this.#end(
        new TokenTransportError(
          'redirected',
          'the token endpoint redirected, and a layer of the dispatcher followed it: the request to the new location was stopped before it was sent',
        ),
      );
    }
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.#controller = controller;
    if (this.#settled || statusCode < 200) return; // 1xx: informational, the answer is still to come
    this.#status = statusCode;
    this.#headers = headers;
    if (statusCode >= 300 && statusCode < 400) {
      // Its body is of no use: answer now, and drop the connection's remainder.
      this.#finish(undefined);
      this.#ended = new TokenTransportError('redirected', 'redirect not followed');
      controller.abort(this.#ended);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#size += chunk.length;
    if (this.#size > MAX_TOKEN_BODY) {
      this.#end(new TokenTransportError('too-large', 'the answer was too large to be a token response'));
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#finish(undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined | null, err: Error): void {
    if (this.#settled) return;
    this.#finish(this.#ended ?? new TokenTransportError('network', err?.message ?? String(err), err));
  }
}
