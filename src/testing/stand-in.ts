import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { StandInBarcode } from './stand-in-barcode.js';
import { customRouteRow, type StandInRoute } from './stand-in-custom-routes.js';
import { productOf, sendProductError } from './stand-in-errors.js';
import { drain, send } from './stand-in-http.js';
import { StandInJwt } from './stand-in-jwt.js';
import { pairKey, StandInRateLimitModel, type AsposeStandInRateLimit, type StandInPairState } from './stand-in-rate-limit.js';
import type { StandInRouteRow } from './stand-in-route-types.js';
import { findRoute, STAND_IN_ROUTES } from './stand-in-routes.js';
import { StandInStorage } from './stand-in-storage.js';
import { ECHO_ROUTES } from './stand-in-test-routes.js';
import { serveTokenRequest, TOKEN_PATHS, type TokenEndpointState, type TokenFault } from './stand-in-token.js';

/** Options of {@link startAsposeStandIn}. */
export interface AsposeStandInOptions {
  /** Client Id the token endpoint accepts. Default `stand-in-client-id`. */
  clientId?: string;
  /** Client Secret the token endpoint accepts. Default `stand-in-client-secret`. */
  clientSecret?: string;
  /** Lifetime of issued tokens, in seconds (`expires_in`). Default 3600. */
  tokenLifetimeSec?: number;
  /** Leave `expires_in` out of token answers, so clients must read the JWT `exp`. Default false. */
  omitExpiresIn?: boolean;
  /** `required` (default) checks the Bearer token on API routes; `none` serves them without auth, like a self-hosted container. */
  auth?: 'required' | 'none';
  /** Host to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on. Default 0: an ephemeral port. */
  port?: number;
  /**
   * Aspose's token-endpoint rate limit (see {@link AsposeStandInRateLimit}). Default on, with
   * Aspose's figures: 5 failures, then 600 s of 429. `false` turns it off.
   */
  rateLimit?: AsposeStandInRateLimit | false;
  /**
   * What a request no route models gets. `not-found` (the default): 404 in
   * the product's error shape, naming the method and path and saying the
   * stand-in does not model it, so a test of a call the stand-in cannot
   * answer fails instead of passing on an empty result. `echo`: any
   * `/vN.N/…` path answers 200 with an echo of the request (method, path,
   * query, headers with the token masked, body size), as it did before it was strict; for
   * tests about paths rather than answers. `/__stand-in/echo/…` echoes in
   * either mode.
   */
  unknownRoutes?: 'not-found' | 'echo';
  /** Your own routes and answers, checked before the built-in ones (see {@link StandInRoute}). More with {@link AsposeStandIn.addRoute}. */
  routes?: readonly StandInRoute[];
  /**
   * Which documents the Words, PDF and Cells document routes know. `stored`
   * (the default): only files in {@link AsposeStandIn.storage} (uploaded or
   * seeded); others answer 404, as Aspose does. `any`: any name answers as
   * if a one-page document of that name were stored, except names starting
   * with `missing`, which answer 404.
   */
  documents?: 'stored' | 'any';
  /** Largest request body a route reads (uploads, conversions, recognize), in bytes; larger ones answer 413. Default 64 MiB. */
  maxBodyBytes?: number;
}

/** One request the stand-in served, for assertions. */
export interface StandInRequestRecord {
  method: string;
  path: string;
  authorized: boolean;
  status: number;
}

/**
 * A local stand-in for the Aspose Cloud API and its token endpoint: a real
 * `node:http` server that issues signed JWTs (HS256) for `client_credentials`,
 * checks them on API routes, and can play faults.
 *
 * It serves (see docs/testing.md for the list of official-SDK calls it models):
 * - `POST /connect/token`, `/v4.0/words/connect/token`, `/v4.0/cells/connect/token`
 *   (form body or HTTP Basic client authentication; RFC 6749 errors);
 * - storage for Words, Cells, PDF, Slides and BarCode v3: upload (raw or
 *   multipart), download, delete, exists, folder create/list/delete, over
 *   {@link AsposeStandIn.storage} (in memory, seedable);
 * - Words document info, statistics, download in a format and `PUT /v4.0/words/convert`;
 *   PDF document and pages; Cells workbook and worksheets: for stored documents;
 * - BarCode v4 generate (GET, JSON body, multipart; a real PNG or SVG) and
 *   recognize/scan (GET, JSON body, multipart; the result set by {@link AsposeStandIn.barcode});
 * - `POST /v5.0/ocr/RecognizeImage` then `GET /v5.0/ocr/RecognizeImage?id=`: the asynchronous OCR flow;
 * - your own routes ({@link AsposeStandInOptions.routes}), checked first;
 * - for tests of the client: `/__stand-in/slow/{ms}`, `/__stand-in/redirect?to=URL`,
 *   `/__stand-in/bytes/{n}`, `/__stand-in/headers?name=value&…` and `/__stand-in/echo/…`.
 *
 * Anything else answers 404 in the product's error shape, saying the
 * stand-in does not model it (`unknownRoutes: 'echo'` echoes instead).
 *
 * Its token endpoint models Aspose's rate limit by default: per credential
 * pair, 429 with `Retry-After: 600` for 10 minutes past 5 failed (400)
 * requests (see {@link AsposeStandInRateLimit}; `rateLimit: false` turns it off).
 *
 * Used by this project's tests and benchmark and by the sample app when no
 * credentials are set. Exported so your tests can use it too.
 */
export class AsposeStandIn {
  /** Base URL, such as `http://127.0.0.1:43817`. */
  url = '';
  /** Listening port. */
  port = 0;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Lifetime of issued tokens, in seconds. Settable at any time. */
  tokenLifetimeSec: number;
  /** Leave `expires_in` out of token answers. Settable at any time. */
  omitExpiresIn: boolean;
  /** Token requests received, whatever their outcome. */
  tokenRequests = 0;
  /** Tokens issued. */
  tokensIssued = 0;
  /** API requests received (everything but the token endpoint). */
  apiRequests = 0;
  /** API requests answered 401. */
  unauthorized = 0;
  /** The last few API requests, newest last (bounded to 1000). */
  readonly log: StandInRequestRecord[] = [];
  /** Bytes received by the storage upload route, counted as they arrive. */
  uploadedBytes = 0;
  /** Bytes written by `/__stand-in/bytes/{n}`, counted as they are sent. */
  streamedBytes = 0;
  /** API requests whose connection closed before their answer was complete (the client went away). */
  closedEarly = 0;
  /** TCP connections accepted, to check keep-alive reuse. */
  connections = 0;
  /** Token requests answered 400 (each a failure for the rate limit), injected faults included. */
  tokenFailures = 0;
  /** Token requests answered 429 by the rate limit. */
  tokenRateLimited = 0;
  /** Lockouts started by the rate limit. */
  lockouts = 0;
  /** The files of this stand-in: seed what your code reads (`storage.put`), assert what it wrote (`storage.get`). Kept by {@link AsposeStandIn.resetCounters}. */
  readonly storage = new StandInStorage();
  /** BarCode state: what recognize and scan report (`barcode.setRecognized([...])`). */
  readonly barcode = new StandInBarcode();
  /** Which documents the document routes know (see {@link AsposeStandInOptions.documents}). */
  readonly documents: 'stored' | 'any';
  /** Largest request body a route reads, in bytes. */
  readonly maxBodyBytes: number;

  readonly #auth: 'required' | 'none';
  readonly #unknownRoutes: 'not-found' | 'echo';
  readonly #customRoutes: StandInRouteRow[];
  readonly #jwt = new StandInJwt();
  readonly #apiFaults: { status: number; body?: unknown }[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  /** OCR v5 tasks: id → the text its result carries. */
  readonly #ocrTasks = new Map<string, string>();
  /** The token endpoint's queued faults and rate-limit model (per credential pair). */
  readonly #token: TokenEndpointState;

  constructor(options: AsposeStandInOptions = {}) {
    this.clientId = options.clientId ?? 'stand-in-client-id';
    this.clientSecret = options.clientSecret ?? 'stand-in-client-secret';
    this.tokenLifetimeSec = options.tokenLifetimeSec ?? 3600;
    this.omitExpiresIn = options.omitExpiresIn ?? false;
    this.#auth = options.auth ?? 'required';
    this.#unknownRoutes = options.unknownRoutes ?? 'not-found';
    this.documents = options.documents ?? 'stored';
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    this.#customRoutes = (options.routes ?? []).map(customRouteRow);
    this.#token = { faults: [], rateLimit: options.rateLimit === false ? undefined : new StandInRateLimitModel(options.rateLimit) };
    this.#server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
      this.#dispatch(req, res).catch((err: Error) => {
        if (!res.headersSent) send(res, 500, { error: { code: 'StandInError', message: err.message } });
        else res.destroy();
      });
    });
    this.#server.on('connection', (s: Socket) => {
      this.connections++;
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  /** Starts listening. */
  async listen(host = '127.0.0.1', port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    const addr = this.#server.address() as AddressInfo;
    this.port = addr.port;
    this.url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
    return this;
  }

  /** Plays `fault` for the next `times` token requests (queued after earlier faults). */
  failToken(fault: TokenFault, times = 1): this {
    for (let i = 0; i < times; i++) this.#token.faults.push(fault);
    return this;
  }

  /** Answers the next `times` API requests with `status` (and `body`), before checking the token. */
  failApi(status: number, body?: unknown, times = 1): this {
    for (let i = 0; i < times; i++) this.#apiFaults.push({ status, body });
    return this;
  }

  /** Adds your own route (see {@link StandInRoute}), checked before the built-in ones and after routes added earlier. */
  addRoute(route: StandInRoute): this {
    this.#customRoutes.push(customRouteRow(route));
    return this;
  }

  /** Revokes one token, or every token issued so far: they then answer 401. */
  revoke(token?: string): void {
    this.#jwt.revoke(token);
  }

  /** Zeroes the counters and the log, drops queued faults, and clears the rate limit's failure counts and lockouts. */
  resetCounters(): void {
    this.tokenRequests =
      this.tokensIssued =
      this.apiRequests =
      this.unauthorized =
      this.uploadedBytes =
      this.streamedBytes =
      this.closedEarly =
      this.connections =
        0;
    this.tokenFailures = this.tokenRateLimited = this.lockouts = 0;
    this.log.length = 0;
    this.#token.faults.length = 0;
    this.#apiFaults.length = 0;
    this.#token.rateLimit?.clear();
  }

  /** The rate limit's state for a credential pair (default: the accepted one), for assertions. */
  rateLimitState(clientId = this.clientId, clientSecret = this.clientSecret): StandInPairState {
    return this.#token.rateLimit?.state(pairKey(clientId, clientSecret)) ?? { failures: 0, lockedUntil: 0 };
  }

  /** Locks a credential pair (default: the accepted one) out now, as if it had failed too often. */
  lockOut(clientId = this.clientId, clientSecret = this.clientSecret): void {
    if (!this.#token.rateLimit) throw new Error('the rate limit is off (rateLimit: false)');
    this.#token.rateLimit.lockOut(pairKey(clientId, clientSecret));
    this.lockouts++;
  }

  /** Issues a token directly, as the endpoint would. */
  issueToken(lifetimeSec = this.tokenLifetimeSec): string {
    const token = this.#jwt.issue({ issuer: this.url, clientId: this.clientId, lifetimeSec });
    this.tokensIssued++;
    return token;
  }

  /** True if `token` was issued here, is unexpired and not revoked. */
  verifyToken(token: string): boolean {
    return this.#jwt.verify(token);
  }

  /** Stops the server and drops open connections. */
  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /**
   * Every request: the token endpoint, or an API route (counted, then any
   * queued API fault, then the Bearer check, then the route table).
   */
  async #dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const path = url.pathname;
    if (TOKEN_PATHS.has(path)) return serveTokenRequest(this, this.#token, req, res);

    this.apiRequests++;
    res.once('close', () => {
      if (!res.writableFinished) this.closedEarly++;
    });
    const apiFault = this.#apiFaults.shift();
    if (apiFault) {
      await drain(req);
      return this.#record(req, path, false, send(res, apiFault.status, apiFault.body ?? { error: { code: 'StandInFault', message: 'injected fault' } }));
    }
    let authorized = this.#auth === 'none';
    if (!authorized) {
      const m = /^Bearer ([^\s]+)$/i.exec(req.headers.authorization ?? '');
      authorized = m !== null && this.verifyToken(m[1]);
      if (!authorized) {
        this.unauthorized++;
        await drain(req);
        res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
        return this.#record(req, path, false, send(res, 401, { error: 'invalid_token', error_description: 'The access token is missing, expired or revoked' }));
      }
    }
    const method = req.method ?? 'GET';
    const found =
      findRoute(this.#customRoutes, method, path) ??
      findRoute(STAND_IN_ROUTES, method, path) ??
      (this.#unknownRoutes === 'echo' ? findRoute(ECHO_ROUTES, method, path) : undefined);
    if (!found) {
      await drain(req);
      return this.#record(req, path, authorized, notModelled(res, method, path));
    }
    this.#record(req, path, authorized, await found.handler({ req, res, url, method, params: found.params, host: this, ocrTasks: this.#ocrTasks }));
  }

  #record(req: IncomingMessage, path: string, authorized: boolean, status: number): void {
    this.log.push({ method: req.method ?? 'GET', path, authorized, status });
    if (this.log.length > 1000) this.log.shift();
  }
}

/** 404 in the product's error shape for a request no route models, saying what to do. */
function notModelled(res: ServerResponse, method: string, path: string): number {
  // Bounded, so a huge path does not make a huge answer.
  const shown = path.length > 512 ? `${path.slice(0, 512)}…` : path;
  return sendProductError(
    res,
    productOf(path),
    404,
    'NotFound',
    `The Aspose stand-in does not model ${method} ${shown}. Add it with the stand-in's \`routes\` option (or addRoute), or start it with unknownRoutes: 'echo' to echo requests it does not model.`,
    'Operation Failed. The stand-in does not model this route.',
  );
}

/** Starts an {@link AsposeStandIn} on an ephemeral loopback port. */
export async function startAsposeStandIn(options: AsposeStandInOptions = {}): Promise<AsposeStandIn> {
  return new AsposeStandIn(options).listen(options.host, options.port);
}
