import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { drain, readBody, send } from './stand-in-http.js';
import { isApiVersion, isDigits, isNonEmpty, matchRoute, routePattern, type RouteParams, type RoutePattern } from './stand-in-route-pattern.js';

/**
 * What API routes read and count on the stand-in: its base URL and byte
 * counters (the `AsposeStandIn` itself fits).
 *
 * @internal
 */
export interface StandInRouteHost {
  readonly url: string;
  uploadedBytes: number;
  streamedBytes: number;
}

/** One API request, as a route handler gets it (already authorised). @internal */
export interface StandInCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly method: string;
  /** What the route's pattern captured. */
  readonly params: RouteParams;
  readonly host: StandInRouteHost;
  /** The OCR v5 tasks of this stand-in: id → the text its result carries. */
  readonly ocrTasks: Map<string, string>;
}

/** Serves one request and returns (or resolves to) the status it answered, for the request log. @internal */
export type StandInRouteHandler = (call: StandInCall) => number | Promise<number>;

/** One row of the table: the methods it takes (all when absent), its path pattern, its handler. @internal */
export interface StandInRoute {
  readonly methods?: readonly string[];
  readonly pattern: RoutePattern;
  readonly handler: StandInRouteHandler;
}

function route(
  methods: readonly string[] | '*',
  path: string,
  handler: StandInRouteHandler,
  checks?: Record<string, (value: string) => boolean>,
): StandInRoute {
  return { methods: methods === '*' ? undefined : methods, pattern: routePattern(path, checks), handler };
}

/** `/__stand-in/slow/{ms}`: answers after `ms`, or as soon as the client hangs up. */
const slow: StandInRouteHandler = async ({ req, res, params }) => {
  const ms = Number(params.ms);
  await drain(req);
  await new Promise<void>((resolve) => {
    // Stop sleeping when the client hangs up, so no timer outlives the request.
    const timer = setTimeout(resolve, ms);
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return send(res, 200, { slept: ms });
};

/** `/__stand-in/redirect?to=URL[&status=302]`. */
const redirect: StandInRouteHandler = async ({ req, res, url }) => {
  await drain(req);
  res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/' }).end();
  return 302;
};

/** `/__stand-in/bytes/{n}`: `n` bytes in 64 KiB chunks, waiting for `drain` so nothing piles up in memory. */
const bytes: StandInRouteHandler = async ({ req, res, params, host }) => {
  await drain(req);
  const total = Number(params.n);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let left = total;
  while (left > 0 && !res.destroyed) {
    const n = Math.min(left, chunk.length);
    left -= n;
    host.streamedBytes += n;
    if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
  return 200;
};

/** `PUT /v4.0/words/storage/file/{path}`: the upload, streamed and counted as it arrives. */
const storageUpload: StandInRouteHandler = async ({ req, res, params, host }) => {
  let received = 0;
  for await (const chunk of req) {
    received += (chunk as Buffer).length;
    host.uploadedBytes += (chunk as Buffer).length;
  }
  return send(res, 200, { Uploaded: [decodeURIComponent(params.path)], Errors: [], Bytes: received, RequestId: randomUUID() });
};

/** `GET /v4.0/words/{name}`: document info; `missing…` names answer 404 in the Words error shape. */
const wordsDocumentInfo: StandInRouteHandler = ({ res, params, host }) => {
  const requestId = randomUUID();
  const name = decodeURIComponent(params.name);
  if (name.startsWith('missing')) {
    return send(res, 404, {
      RequestId: requestId,
      Error: {
        Code: 'ErrorItemNotFound',
        Message: `Error while loading file '${name}' from storage: AmazonS3 Storage exception: The specified key does not exist.`,
        Description: 'Operation Failed. Item Not Found.',
      },
    });
  }
  return send(res, 200, {
    RequestId: requestId,
    Document: {
      Links: [{ Href: `${host.url}/v4.0/words/${encodeURIComponent(name)}`, Rel: 'self' }],
      FileName: name,
      SourceFormat: name.toLowerCase().endsWith('.doc') ? 'Doc' : 'Docx',
      IsEncrypted: false,
      IsSigned: false,
      DocumentProperties: { Link: { Href: `${host.url}/v4.0/words/${encodeURIComponent(name)}/documentProperties`, Rel: 'self' } },
    },
  });
};

/**
 * `GET|POST /v4.0/barcode/generate[/{barcodeType}]`: an SVG "barcode"; 400 in
 * the BarCode v4 error shape without `data`. The path form is the real BarCode
 * v4 route; the bare path takes `barcodeType` as a parameter.
 */
const barcodeGenerate: StandInRouteHandler = async ({ req, res, url, method, params }) => {
  const requestId = randomUUID();
  let input: Record<string, string | undefined> = Object.fromEntries(url.searchParams);
  if (method === 'POST') {
    const raw = (await readBody(req, 1024 * 1024)).toString('utf8');
    try {
      input = { ...input, ...(JSON.parse(raw || '{}') as Record<string, string>) };
    } catch {
      return send(res, 400, {
        requestId,
        error: { code: 'BadRequest', message: 'Body is not valid JSON', description: 'Operation Failed.', dateTime: new Date().toISOString() },
      });
    }
  }
  const data = input.data ?? input.Data;
  if (!data) {
    return send(res, 400, {
      requestId,
      error: { code: 'BadRequest', message: "The 'data' parameter is required", description: 'Operation Failed.', dateTime: new Date().toISOString() },
    });
  }
  const type = params.barcodeType === undefined ? undefined : decodeURIComponent(params.barcodeType);
  const svg = barcodeSvg(String(type ?? input.barcodeType ?? input.type ?? 'Code128'), String(data));
  res.writeHead(200, { 'content-type': 'image/svg+xml', 'content-length': Buffer.byteLength(svg) }).end(svg);
  return 200;
};

/** `POST /v5.0/ocr/RecognizeImage`: starts a task and answers its id, as OCR v5 does. */
const ocrSubmit: StandInRouteHandler = async ({ req, res, ocrTasks }) => {
  const raw = await readBody(req, 32 * 1024 * 1024);
  const id = randomUUID();
  ocrTasks.set(id, `Recognized ${raw.length} bytes of image`);
  res.writeHead(200, { 'content-type': 'text/plain' }).end(id);
  return 200;
};

/** `GET /v5.0/ocr/RecognizeImage?id=`: the task's result. */
const ocrResult: StandInRouteHandler = ({ res, url, ocrTasks }) => {
  const id = url.searchParams.get('id') ?? '';
  const text = ocrTasks.get(id);
  if (text === undefined) return send(res, 404, { requestId: randomUUID(), error: { code: 'TaskNotFound', message: `No task ${id}` } });
  return send(res, 200, { id, taskStatus: 'Completed', results: [{ type: 'Text', data: Buffer.from(text).toString('base64') }], error: null });
};

/** The echo of the method, path, query, headers (the Bearer token masked) and body size; `extra` are response headers to send. */
async function echoRequest({ req, res, url, method }: StandInCall, extra: Record<string, string>): Promise<number> {
  let received = 0;
  for await (const chunk of req) received += (chunk as Buffer).length;
  const headers: Record<string, string | string[] | undefined> = { ...req.headers };
  if (headers.authorization) headers.authorization = '[valid bearer token]';
  return send(res, 200, { method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, bodyBytes: received }, extra);
}

/** Any other `/vN.N/…` path: the echo. */
const echo: StandInRouteHandler = (call) => echoRequest(call, {});

/** `/__stand-in/headers?name=value&…`: the echo, answered with those response headers (for header-stripping tests). */
const echoWithHeaders: StandInRouteHandler = (call) => echoRequest(call, Object.fromEntries(call.url.searchParams));

/** What no route takes: 404 in the Words error shape. */
const noRoute: StandInRouteHandler = async ({ req, res, url, method }) => {
  await drain(req);
  return send(res, 404, { RequestId: randomUUID(), Error: { Code: 'NotFound', Message: `No stand-in route for ${method} ${url.pathname}` } });
};

const GET = ['GET'];
const GET_OR_POST = ['GET', 'POST'];

/**
 * The stand-in's API routes (everything but the token endpoint), first match
 * wins. A request whose method a row does not take goes on down the table, so
 * `PUT /v4.0/words/x` reaches the echo.
 *
 * @internal
 */
export const STAND_IN_ROUTES: readonly StandInRoute[] = [
  route('*', '/__stand-in/slow/:ms', slow, { ms: isDigits }),
  route('*', '/__stand-in/redirect', redirect),
  route('*', '/__stand-in/bytes/:n', bytes, { n: isDigits }),
  route(['PUT'], '/v4.0/words/storage/file/*path', storageUpload, { path: isNonEmpty }),
  route(GET, '/v4.0/words/:name', wordsDocumentInfo),
  route(GET_OR_POST, '/v4.0/barcode/generate', barcodeGenerate),
  route(GET_OR_POST, '/v4.0/barcode/generate/:barcodeType', barcodeGenerate),
  route(['POST'], '/v5.0/ocr/RecognizeImage', ocrSubmit),
  route(GET, '/v5.0/ocr/RecognizeImage', ocrResult),
  route('*', '/__stand-in/headers', echoWithHeaders),
  route('*', '/:version/*rest', echo, { version: isApiVersion }),
];

/**
 * The handler for `method` and `path` in {@link STAND_IN_ROUTES} with what its
 * pattern captured, or the 404 handler. Linear in the path length: each row is
 * one pass of {@link matchRoute}.
 *
 * @internal
 */
export function findStandInRoute(method: string, path: string): { handler: StandInRouteHandler; params: RouteParams } {
  for (const row of STAND_IN_ROUTES) {
    if (row.methods && !row.methods.includes(method)) continue;
    const params = matchRoute(row.pattern, path);
    if (params) return { handler: row.handler, params };
  }
  return { handler: noRoute, params: {} };
}

function barcodeSvg(type: string, data: string): string {
  const bars = [...Buffer.from(`${type}:${data}`)].map((b, i) => `<rect x="${i * 6}" y="0" width="${(b % 4) + 1}" height="60"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${data.length * 6 + 60}" height="80"><title>${type}: ${escapeXml(data)}</title>${bars}</svg>`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
