/** The stand-in's own routes for tests of the client, under `/__stand-in/`: nothing Aspose serves. */
import { drain, send } from './stand-in-http.js';
import { isApiVersion, isDigits } from './stand-in-route-pattern.js';
import { route, type StandInCall, type StandInRouteHandler, type StandInRouteRow } from './stand-in-route-types.js';

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

/**
 * The echo of the method, path, query, headers (the Bearer token masked) and
 * body size, counted as it streams in (uploads of any size); `extra` are
 * response headers to send.
 *
 * @internal
 */
export async function echoRequest({ req, res, url, method, host }: StandInCall, extra: Record<string, string> = {}): Promise<number> {
  let received = 0;
  for await (const chunk of req) {
    received += (chunk as Buffer).length;
    host.uploadedBytes += (chunk as Buffer).length;
  }
  const headers: Record<string, string | string[] | undefined> = { ...req.headers };
  if (headers.authorization) headers.authorization = '[valid bearer token]';
  return send(res, 200, { method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, bodyBytes: received }, extra);
}

/** `/__stand-in/headers?name=value&…`: the echo, answered with those response headers (for header-stripping tests). */
const echoWithHeaders: StandInRouteHandler = (call) => echoRequest(call, Object.fromEntries(call.url.searchParams));

/** `/__stand-in/echo[/…]`: the echo, on purpose (any method, any path below). */
const echo: StandInRouteHandler = (call) => echoRequest(call);

/** @internal */
export const TEST_ROUTES: readonly StandInRouteRow[] = [
  route('*', '/__stand-in/slow/:ms', slow, { ms: isDigits }),
  route('*', '/__stand-in/redirect', redirect),
  route('*', '/__stand-in/bytes/:n', bytes, { n: isDigits }),
  route('*', '/__stand-in/headers', echoWithHeaders),
  route('*', '/__stand-in/echo', echo),
  route('*', '/__stand-in/echo/*rest', echo),
];

/** With `unknownRoutes: 'echo'`: any `/vN.N/…` path no route takes answers the echo. @internal */
export const ECHO_ROUTES: readonly StandInRouteRow[] = [route('*', '/:version/*rest', echo, { version: isApiVersion })];
