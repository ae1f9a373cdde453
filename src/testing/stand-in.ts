import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

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
}

/**
 * The stand-in's model of Aspose's documented token-endpoint rate limit
 * ("Rate Limits" page): counted per credential pair (`client_id` +
 * `client_secret`), each 400 answer to a token request is a failure; past
 * `maxFailures` of them, every token request from that pair gets **429 with
 * `Retry-After`** (the seconds left) for `lockoutSec`, valid or not. Another
 * pair is not affected.
 *
 * The model's own choices, where the page says nothing: the lockout starts
 * with the first request past the limit (the 6th failed one by default, which
 * gets `Retry-After: 600`); a token issued to the pair, or the end of its
 * lockout, sets its count back to 0; a 400 played by {@link AsposeStandIn.failToken}
 * counts like a real one (so "brand-new credentials answer `invalid_client` for a
 * while" can be played); a locked-out request does not use up a queued fault.
 * Time is `Date.now()`, so a test can move it with `jest.spyOn(Date, 'now')`.
 */
export interface AsposeStandInRateLimit {
  /** 400 answers a pair may get before it is locked out. Default 5. */
  maxFailures?: number;
  /** How long a lockout lasts, in seconds (fractions allowed, for fast tests; `Retry-After` is rounded up). Default 600. */
  lockoutSec?: number;
}

/** What the rate-limit model holds for one credential pair. */
export interface StandInPairState {
  /** 400 answers since the pair's last token or lockout. */
  failures: number;
  /** When its lockout ends, as epoch ms; 0 when it is not locked out. */
  lockedUntil: number;
}

/** A fault the token endpoint plays for the next few requests. */
export type TokenFault =
  /** Answer with this status, JSON body and headers (e.g. 503 with `Retry-After`). */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Accept the connection and never answer. */
  | { kind: 'hang' }
  /** Destroy the socket without an answer. */
  | { kind: 'reset' }
  /** Answer 200 with an HTML page. */
  | { kind: 'non-json' }
  /** Answer 200 with a JSON body cut short, then close the socket. */
  | { kind: 'truncated' }
  /** Answer normally, after a delay. */
  | { kind: 'delay'; ms: number };

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
 * It serves:
 * - `POST /connect/token`, `/v4.0/words/connect/token`, `/v4.0/cells/connect/token`
 *   (form body or HTTP Basic client authentication; RFC 6749 errors);
 * - `GET /v4.0/words/{name}`: Words document info (`missing…` names answer 404 in the Words error shape);
 * - `PUT /v4.0/words/storage/file/{path}`: storage upload, streamed and counted;
 * - `GET|POST /v4.0/barcode/generate[/{barcodeType}]`: an SVG "barcode" (400 in the BarCode v4 error shape without `data`);
 * - `POST /v5.0/ocr/RecognizeImage` then `GET /v5.0/ocr/RecognizeImage?id=`: the asynchronous OCR flow;
 * - `/__stand-in/slow/{ms}` and `/__stand-in/redirect?to=URL` for timeout and redirect tests;
 * - `/__stand-in/headers?name=value&…`: the echo, answered with those response headers (for header-stripping tests);
 * - `/__stand-in/bytes/{n}`: `n` bytes of `application/octet-stream`, streamed with backpressure;
 * - any other `/vN.N/…` path: an echo of the method, path, query, headers and body size.
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

  readonly #auth: 'required' | 'none';
  readonly #key = randomBytes(32);
  readonly #revoked = new Set<string>();
  /** Tokens with a serial below this were revoked by `revoke()`. A counter, not a clock: a token issued in the same millisecond as the revocation must still be valid. */
  #revokedBelow = 0;
  #serial = 0;
  readonly #faults: TokenFault[] = [];
  readonly #apiFaults: { status: number; body?: unknown }[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #tasks = new Map<string, string>();
  readonly #rateLimit: Required<AsposeStandInRateLimit> | undefined;
  /** Rate-limit state per credential pair, keyed by a hash of the pair. */
  readonly #pairs = new Map<string, StandInPairState>();

  constructor(options: AsposeStandInOptions = {}) {
    this.clientId = options.clientId ?? 'stand-in-client-id';
    this.clientSecret = options.clientSecret ?? 'stand-in-client-secret';
    this.tokenLifetimeSec = options.tokenLifetimeSec ?? 3600;
    this.omitExpiresIn = options.omitExpiresIn ?? false;
    this.#auth = options.auth ?? 'required';
    this.#rateLimit =
      options.rateLimit === false ? undefined : { maxFailures: options.rateLimit?.maxFailures ?? 5, lockoutSec: options.rateLimit?.lockoutSec ?? 600 };
    this.#server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
      this.#route(req, res).catch((err: Error) => {
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
    for (let i = 0; i < times; i++) this.#faults.push(fault);
    return this;
  }

  /** Answers the next `times` API requests with `status` (and `body`), before checking the token. */
  failApi(status: number, body?: unknown, times = 1): this {
    for (let i = 0; i < times; i++) this.#apiFaults.push({ status, body });
    return this;
  }

  /** Revokes one token, or every token issued so far: they then answer 401. */
  revoke(token?: string): void {
    if (token) this.#revoked.add(token);
    else this.#revokedBelow = this.#serial;
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
    this.#faults.length = 0;
    this.#apiFaults.length = 0;
    this.#pairs.clear();
  }

  /** The rate limit's state for a credential pair (default: the accepted one), for assertions. */
  rateLimitState(clientId = this.clientId, clientSecret = this.clientSecret): StandInPairState {
    const state = this.#pairs.get(pairKey(clientId, clientSecret));
    // A lockout that has run out leaves nothing behind (the next request clears it too).
    if (!state || (state.lockedUntil !== 0 && Date.now() >= state.lockedUntil)) return { failures: 0, lockedUntil: 0 };
    return { ...state };
  }

  /** Locks a credential pair (default: the accepted one) out now, as if it had failed too often. */
  lockOut(clientId = this.clientId, clientSecret = this.clientSecret): void {
    if (!this.#rateLimit) throw new Error('the rate limit is off (rateLimit: false)');
    this.#pairs.set(pairKey(clientId, clientSecret), { failures: this.#rateLimit.maxFailures, lockedUntil: Date.now() + this.#rateLimit.lockoutSec * 1000 });
    this.lockouts++;
  }

  /**
   * The 429 for a locked-out pair, or undefined if it may be served. Starts
   * the lockout when the pair is past its failures.
   */
  #lockedOut(key: string): { retryAfterSec: number } | undefined {
    const limit = this.#rateLimit;
    const state = limit && this.#pairs.get(key);
    if (!limit || !state) return undefined;
    const now = Date.now();
    if (state.lockedUntil !== 0 && now >= state.lockedUntil) {
      // The lockout is over: the pair starts again from nothing.
      this.#pairs.delete(key);
      return undefined;
    }
    if (state.lockedUntil === 0) {
      if (state.failures < limit.maxFailures) return undefined;
      state.lockedUntil = now + limit.lockoutSec * 1000;
      this.lockouts++;
    }
    return { retryAfterSec: Math.max(1, Math.ceil((state.lockedUntil - now) / 1000)) };
  }

  /** Counts the answer to a token request from a pair: a 400 is a failure, a 2xx (a token, or a played 2xx) clears the count. */
  #countAnswer(key: string, status: number): void {
    if (status === 400) {
      this.tokenFailures++;
      if (!this.#rateLimit) return;
      const state = this.#pairs.get(key) ?? { failures: 0, lockedUntil: 0 };
      state.failures++;
      this.#pairs.set(key, state);
    } else if (status >= 200 && status < 300) {
      this.#pairs.delete(key);
    }
  }

  /** Issues a token directly, as the endpoint would. */
  issueToken(lifetimeSec = this.tokenLifetimeSec): string {
    const now = Date.now();
    const sec = Math.floor(now / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(
      JSON.stringify({
        nbf: sec,
        iat: sec,
        iat_ms: now,
        exp_ms: now + lifetimeSec * 1000,
        exp: sec + lifetimeSec, // like IdentityServer: whole seconds from iat
        iss: this.url,
        aud: [`${this.url}/resources`, 'api.platform', 'api.products'],
        client_id: this.clientId,
        scope: ['api.platform', 'api.products'],
        jti: randomUUID(),
        serial: this.#serial++,
      }),
    );
    const sig = createHmac('sha256', this.#key).update(`${header}.${payload}`).digest('base64url');
    this.tokensIssued++;
    return `${header}.${payload}.${sig}`;
  }

  /** True if `token` was issued here, is unexpired and not revoked. */
  verifyToken(token: string): boolean {
    const [h, p, s] = token.split('.');
    if (!h || !p || !s) return false;
    const expected = createHmac('sha256', this.#key).update(`${h}.${p}`).digest();
    const got = Buffer.from(s, 'base64url');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return false;
    if (this.#revoked.has(token)) return false;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { exp_ms: number; serial: number };
    return claims.exp_ms > Date.now() && claims.serial >= this.#revokedBelow;
  }

  /** Stops the server and drops open connections. */
  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const path = url.pathname;
    if (/^(\/v4\.0\/(words|cells))?\/connect\/token$/.test(path)) return this.#token(req, res);

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
    this.#record(req, path, authorized, await this.#api(req, res, url));
  }

  #record(req: IncomingMessage, path: string, authorized: boolean, status: number): void {
    this.log.push({ method: req.method ?? 'GET', path, authorized, status });
    if (this.log.length > 1000) this.log.shift();
  }

  async #token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.tokenRequests++;
    const raw = await readBody(req, 64 * 1024);
    const form = new URLSearchParams(raw.toString('utf8'));
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [u, p] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      id = decodeURIComponent(u ?? '');
      secret = decodeURIComponent(p ?? '');
    }
    const key = pairKey(id ?? '', secret ?? '');
    const locked = this.#lockedOut(key);
    if (locked) {
      this.tokenRateLimited++;
      return void send(
        res,
        429,
        { error: 'too_many_requests', error_description: 'Too many failed token requests for this client: try again later' },
        { 'retry-after': String(locked.retryAfterSec) },
      );
    }
    // Every answer below goes through here, so the rate limit counts it before the client can see it.
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      this.#countAnswer(key, status);
      send(res, status, body, headers);
    };
    const fault = this.#faults.shift();
    if (fault) {
      switch (fault.kind) {
        case 'hang':
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'non-json':
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Service temporarily unavailable</body></html>');
          return;
        case 'truncated':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
          res.write('{"access_token":"eyJhbGciOi');
          setTimeout(() => req.socket.destroy(), 10);
          return;
        case 'status':
          answer(fault.status, fault.body ?? { error: 'temporarily_unavailable' }, fault.headers);
          return;
        case 'delay':
          await new Promise((r) => setTimeout(r, fault.ms));
          break;
      }
    }
    if (req.method !== 'POST') return void answer(405, { error: 'invalid_request', error_description: 'use POST' });
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return void answer(400, { error: 'invalid_request', error_description: 'content-type must be application/x-www-form-urlencoded' });
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return void answer(400, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
    }
    if (id !== this.clientId || secret !== this.clientSecret) {
      return void answer(400, { error: 'invalid_client' });
    }
    const body: Record<string, unknown> = { access_token: this.issueToken(), token_type: 'Bearer' };
    if (!this.omitExpiresIn) body.expires_in = this.tokenLifetimeSec;
    answer(200, body, { 'cache-control': 'no-store' });
  }

  async #api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const requestId = randomUUID();
    let m: RegExpExecArray | null;

    if ((m = /^\/__stand-in\/slow\/(\d+)$/.exec(path))) {
      await drain(req);
      await new Promise<void>((resolve) => {
        // Stop sleeping when the client hangs up, so no timer outlives the request.
        const timer = setTimeout(resolve, Number(m![1]));
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return send(res, 200, { slept: Number(m[1]) });
    }
    if (path === '/__stand-in/redirect') {
      await drain(req);
      res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/' }).end();
      return 302;
    }
    if ((m = /^\/__stand-in\/bytes\/(\d+)$/.exec(path))) {
      await drain(req);
      return this.#bytes(res, Number(m[1]));
    }
    if ((m = /^\/v4\.0\/words\/storage\/file\/(.+)$/.exec(path)) && method === 'PUT') {
      let bytes = 0;
      for await (const chunk of req) {
        bytes += (chunk as Buffer).length;
        this.uploadedBytes += (chunk as Buffer).length;
      }
      return send(res, 200, { Uploaded: [decodeURIComponent(m[1])], Errors: [], Bytes: bytes, RequestId: requestId });
    }
    if ((m = /^\/v4\.0\/words\/([^/]+)$/.exec(path)) && method === 'GET') {
      const name = decodeURIComponent(m[1]);
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
          Links: [{ Href: `${this.url}/v4.0/words/${encodeURIComponent(name)}`, Rel: 'self' }],
          FileName: name,
          SourceFormat: name.toLowerCase().endsWith('.doc') ? 'Doc' : 'Docx',
          IsEncrypted: false,
          IsSigned: false,
          DocumentProperties: { Link: { Href: `${this.url}/v4.0/words/${encodeURIComponent(name)}/documentProperties`, Rel: 'self' } },
        },
      });
    }
    // `GET /v4.0/barcode/generate/{barcodeType}` is the real BarCode v4 route; the bare path takes `barcodeType` as a parameter.
    if ((m = /^\/v4\.0\/barcode\/generate(?:\/([^/]+))?$/.exec(path)) && (method === 'GET' || method === 'POST')) {
      let params: Record<string, string | undefined> = Object.fromEntries(url.searchParams);
      if (method === 'POST') {
        const raw = (await readBody(req, 1024 * 1024)).toString('utf8');
        try {
          params = { ...params, ...(JSON.parse(raw || '{}') as Record<string, string>) };
        } catch {
          return send(res, 400, {
            requestId,
            error: { code: 'BadRequest', message: 'Body is not valid JSON', description: 'Operation Failed.', dateTime: new Date().toISOString() },
          });
        }
      }
      const data = params.data ?? params.Data;
      if (!data) {
        return send(res, 400, {
          requestId,
          error: { code: 'BadRequest', message: "The 'data' parameter is required", description: 'Operation Failed.', dateTime: new Date().toISOString() },
        });
      }
      const svg = barcodeSvg(
        String((m[1] === undefined ? undefined : decodeURIComponent(m[1])) ?? params.barcodeType ?? params.type ?? 'Code128'),
        String(data),
      );
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'content-length': Buffer.byteLength(svg) }).end(svg);
      return 200;
    }
    if (path === '/v5.0/ocr/RecognizeImage' && method === 'POST') {
      const raw = await readBody(req, 32 * 1024 * 1024);
      const id = randomUUID();
      this.#tasks.set(id, `Recognized ${raw.length} bytes of image`);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(id);
      return 200;
    }
    if (path === '/v5.0/ocr/RecognizeImage' && method === 'GET') {
      const id = url.searchParams.get('id') ?? '';
      const text = this.#tasks.get(id);
      if (text === undefined) return send(res, 404, { requestId, error: { code: 'TaskNotFound', message: `No task ${id}` } });
      return send(res, 200, { id, taskStatus: 'Completed', results: [{ type: 'Text', data: Buffer.from(text).toString('base64') }], error: null });
    }
    if (/^\/v\d\.\d\//.test(path) || path === '/__stand-in/headers') {
      let bytes = 0;
      for await (const chunk of req) bytes += (chunk as Buffer).length;
      const headers: Record<string, string | string[] | undefined> = { ...req.headers };
      if (headers.authorization) headers.authorization = '[valid bearer token]';
      const extra: Record<string, string> = path === '/__stand-in/headers' ? Object.fromEntries(url.searchParams) : {};
      return send(res, 200, { method, path, query: Object.fromEntries(url.searchParams), headers, bodyBytes: bytes }, extra);
    }
    await drain(req);
    return send(res, 404, { RequestId: requestId, Error: { Code: 'NotFound', Message: `No stand-in route for ${method} ${path}` } });
  }

  /** Streams `total` bytes in 64 KiB chunks, waiting for `drain` so nothing piles up in memory. */
  async #bytes(res: ServerResponse, total: number): Promise<number> {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let left = total;
    while (left > 0 && !res.destroyed) {
      const n = Math.min(left, chunk.length);
      left -= n;
      this.streamedBytes += n;
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
  }
}

/** Starts an {@link AsposeStandIn} on an ephemeral loopback port. */
export async function startAsposeStandIn(options: AsposeStandInOptions = {}): Promise<AsposeStandIn> {
  return new AsposeStandIn(options).listen(options.host, options.port);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
  return status;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

/** The rate limit's key for a pair: a hash, so the map never holds a secret as it is. */
function pairKey(clientId: string, clientSecret: string): string {
  return createHash('sha256').update(clientId).update('\0').update(clientSecret).digest('hex');
}

function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}

function barcodeSvg(type: string, data: string): string {
  const bars = [...Buffer.from(`${type}:${data}`)].map((b, i) => `<rect x="${i * 6}" y="0" width="${(b % 4) + 1}" height="60"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${data.length * 6 + 60}" height="80"><title>${type}: ${escapeXml(data)}</title>${bars}</svg>`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
