import type { IncomingHttpHeaders } from 'node:http';
import { readBodyWithin, send, sendBytes } from './stand-in-http.js';
import { sendProductError, productOf } from './stand-in-errors.js';
import { route, type StandInRouteHandler, type StandInRouteRow } from './stand-in-route-types.js';
import type { StandInStorage } from './stand-in-storage.js';

/**
 * What a custom route answers. `body`: a `Uint8Array` is sent as bytes
 * (`application/octet-stream` unless `headers` say otherwise), a string as
 * text (`text/plain`), anything else as JSON; absent, an empty body.
 */
export interface StandInAnswer {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A request as a custom route's handler gets it: already authorised, its body read. */
export interface StandInRequest {
  readonly method: string;
  /** The URL path, still percent-encoded. */
  readonly path: string;
  /** What the route's `:name` and `*rest` parameters captured (still percent-encoded). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The whole body (at most the stand-in's `maxBodyBytes`; past that the stand-in answers 413 itself). */
  readonly body: Buffer;
  /** The stand-in's storage, to read or write files. */
  readonly storage: StandInStorage;
}

/**
 * A route you add to the stand-in, checked before its built-in routes (so
 * you can also override one). Give `answer` for a fixed answer, or `handler`
 * to compute it.
 */
export interface StandInRoute {
  /** `GET`, `['PUT', 'POST']`, or `'*'` for every method. */
  method: string | readonly string[];
  /**
   * The path pattern: literal segments, `:name` for one segment, and `*name`
   * last for the rest of the path (e.g. `/v3.0/slides/:name/slides`).
   */
  path: string;
  answer?: StandInAnswer;
  handler?: (request: StandInRequest) => StandInAnswer | Promise<StandInAnswer>;
}

/** The table row for a custom route; throws on a route without `answer` or `handler`, or a bad pattern. @internal */
export function customRouteRow(custom: StandInRoute): StandInRouteRow {
  const { answer, handler } = custom;
  if (!answer === !handler) throw new Error(`stand-in route ${custom.path}: give exactly one of answer and handler`);
  const methods = custom.method === '*' ? '*' : (typeof custom.method === 'string' ? [custom.method] : [...custom.method]).map((m) => m.toUpperCase());
  const serve: StandInRouteHandler = async ({ req, res, url, method, params, host }) => {
    const body = await readBodyWithin(req, host.maxBodyBytes, (n) => (host.uploadedBytes += n));
    if (body === undefined) {
      return sendProductError(res, productOf(url.pathname), 413, 'RequestEntityTooLarge', `The body is larger than the stand-in's ${host.maxBodyBytes} bytes`);
    }
    const got = answer ?? (await handler!({ method, path: url.pathname, params, query: url.searchParams, headers: req.headers, body, storage: host.storage }));
    return sendAnswer(res, got);
  };
  return route(methods, custom.path, serve);
}

function sendAnswer(res: Parameters<typeof send>[0], answer: StandInAnswer): number {
  const status = answer.status ?? 200;
  const headers = answer.headers ?? {};
  const declared = Object.keys(headers).find((k) => k.toLowerCase() === 'content-type');
  const { body } = answer;
  if (body === undefined) {
    res.writeHead(status, { ...headers, 'content-length': 0 }).end();
    return status;
  }
  if (body instanceof Uint8Array || typeof body === 'string') {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    const bytes = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return sendBytes(res, status, declared ? headers[declared] : typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream', bytes);
  }
  return send(res, status, body, headers);
}
