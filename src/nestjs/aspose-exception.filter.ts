import { Catch, Inject, Injectable, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AsposeConfigError, AsposeError } from '../errors/errors.js';
import { asposeErrorAnswer, type AsposeErrorAnswer } from './aspose-error.answer.js';

/** The few adapter methods the filter uses: both `ExpressAdapter` and `FastifyAdapter` have them. */
interface ReplyAdapter {
  reply(response: unknown, body: unknown, statusCode?: number): unknown;
  setHeader(response: unknown, name: string, value: string): unknown;
  isHeadersSent(response: unknown): unknown;
  end(response: unknown, message?: string): unknown;
  getRequestMethod?(request: unknown): unknown;
  getRequestUrl?(request: unknown): unknown;
}

/**
 * Answers the errors this library throws in a Nest HTTP app, on the Express
 * and the Fastify platforms alike, instead of Nest's
 * `500 Internal server error`:
 *
 * - an Aspose 4xx (`AsposeApiError`: a missing document, a bad request) goes
 *   back with the same status, Aspose's own code (`asposeCode`) and request
 *   id (`asposeRequestId`);
 * - a 401, 403 or 407 from Aspose is about this server's credentials, not the
 *   caller's, and becomes 502;
 * - no token (refused, unavailable, locked out), a network failure, a 5xx from
 *   Aspose: 502 or 503, with `Retry-After` when it is known when a retry can
 *   succeed; a timeout: 504.
 *
 * The whole table is {@link asposeErrorAnswer}'s (and docs/nestjs.md's).
 * Each error is logged through Nest's `Logger` (context
 * `AsposeExceptionFilter`): at `error` with its stack when the answer is a
 * 5xx, at `debug` for a 4xx passed on. No message of this library's errors
 * holds a secret or a token.
 *
 * It catches {@link AsposeError} only (from either module format of this
 * package: the error classes match by brand), so other errors still reach
 * Nest's own handling. Register it app-wide with DI, so it gets the HTTP
 * adapter:
 *
 * ```ts
 * @Module({ providers: [{ provide: APP_FILTER, useClass: AsposeExceptionFilter }] })
 * export class AppModule {}
 * ```
 *
 * or `app.useGlobalFilters(new AsposeExceptionFilter(app.get(HttpAdapterHost)))`,
 * or `@UseFilters(AsposeExceptionFilter)` on a controller. Outside an HTTP
 * context (a microservice, a WebSocket gateway) it rethrows the error as it is.
 */
@Catch(AsposeError)
@Injectable()
export class AsposeExceptionFilter implements ExceptionFilter<AsposeError> {
  /** The logger the errors go to. */
  protected readonly logger = new Logger('AsposeExceptionFilter');
  readonly #adapterHost: HttpAdapterHost | undefined;

  /**
   * @param adapterHost the app's HTTP adapter host, injected by Nest. Without
   *   one (`new AsposeExceptionFilter()`), the filter answers through the
   *   response object itself: Fastify's `reply` or Express's `res`.
   */
  constructor(@Optional() @Inject(HttpAdapterHost) adapterHost?: HttpAdapterHost) {
    this.#adapterHost = adapterHost;
  }

  catch(exception: AsposeError, host: ArgumentsHost): void {
    // An HTTP filter: elsewhere (a microservice, a gateway) the error goes on as it was.
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const response: unknown = http.getResponse();
    const adapter = this.#adapterHost?.httpAdapter as ReplyAdapter | undefined;
    const answer = this.answer(exception);
    this.#log(exception, answer, adapter, http.getRequest());
    if (adapter !== undefined) {
      if (adapter.isHeadersSent(response)) {
        // The answer has started (a stream that failed half-way): no honest status is left to send.
        adapter.end(response);
        return;
      }
      if (answer.retryAfterSeconds !== undefined) adapter.setHeader(response, 'Retry-After', String(answer.retryAfterSeconds));
      adapter.reply(response, answer.body, answer.status);
      return;
    }
    replyWithoutAdapter(response, answer);
  }

  /**
   * How an error is answered: {@link asposeErrorAnswer}. Override it to change
   * the table or the body (to pass Aspose's own message on, say).
   */
  protected answer(exception: AsposeError): AsposeErrorAnswer {
    return asposeErrorAnswer(exception);
  }

  #log(exception: AsposeError, answer: AsposeErrorAnswer, adapter: ReplyAdapter | undefined, request: unknown): void {
    const where = describeRequest(adapter, request);
    const line = `${where}answered ${answer.status} for ${exception.code}: ${exception.message}`;
    if (answer.status >= 500) this.logger.error(line, exception.stack);
    else this.logger.debug(line);
  }
}

/** `GET /documents/x → ` for the log line, without the query string (the caller's, which may hold anything). */
function describeRequest(adapter: ReplyAdapter | undefined, request: unknown): string {
  const req = (typeof request === 'object' && request !== null ? request : {}) as { method?: unknown; url?: unknown };
  const method = adapter?.getRequestMethod ? adapter.getRequestMethod(request) : req.method;
  const url = adapter?.getRequestUrl ? adapter.getRequestUrl(request) : req.url;
  if (typeof method !== 'string' || typeof url !== 'string') return '';
  const query = url.indexOf('?');
  return `${method.slice(0, 20)} ${(query >= 0 ? url.slice(0, query) : url).slice(0, 300)} `;
}

/** A Fastify `reply` or an Express `res`, as far as answering goes. */
interface ResponseLike {
  sent?: unknown;
  headersSent?: unknown;
  code?: (status: number) => ResponseLike;
  header?: (name: string, value: string) => unknown;
  send?: (body: unknown) => unknown;
  status?: (status: number) => ResponseLike;
  json?: (body: unknown) => unknown;
  setHeader?: (name: string, value: string) => unknown;
  end?: () => unknown;
  raw?: { end?: () => unknown };
}

/**
 * For a filter made with `new` and no adapter: answers through Fastify's
 * reply (`code`, `header`, `send`, so its hooks still run) or Express's
 * response (`status`, `setHeader`, `json`).
 */
function replyWithoutAdapter(response: unknown, answer: AsposeErrorAnswer): void {
  const res = (typeof response === 'object' && response !== null ? response : {}) as ResponseLike;
  const retryAfter = answer.retryAfterSeconds === undefined ? undefined : String(answer.retryAfterSeconds);
  if (typeof res.code === 'function' && typeof res.send === 'function' && typeof res.header === 'function') {
    if (res.sent === true) return void res.raw?.end?.();
    if (retryAfter !== undefined) res.header('Retry-After', retryAfter);
    res.code(answer.status).send?.(answer.body);
    return;
  }
  if (typeof res.status === 'function' && typeof res.json === 'function' && typeof res.setHeader === 'function') {
    if (res.headersSent === true) return void res.end?.();
    if (retryAfter !== undefined) res.setHeader('Retry-After', retryAfter);
    res.status(answer.status).json?.(answer.body);
    return;
  }
  throw new AsposeConfigError(
    'AsposeExceptionFilter has no HTTP adapter, and the response is neither a Fastify reply nor an Express response: register the filter with DI (APP_FILTER, or @UseFilters(AsposeExceptionFilter)), or pass app.get(HttpAdapterHost) to its constructor',
  );
}
