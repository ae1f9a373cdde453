/**
 * The servers tests run against, each on an ephemeral loopback port and
 * closed by `cleanup()` (./cleanup.ts): the Aspose stand-in, a server that
 * records what it is sent, slow and sink APIs, one that holds requests until
 * released, raw TCP, and a port with nothing listening.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { startAsposeStandIn, type AsposeStandIn, type AsposeStandInOptions } from 'aspose-cloud-auth/testing';
import { track } from './cleanup';
import { listen, type Handler, type Listening } from './http';

/** Starts a node:http server for `handler`, closed by `cleanup()`. */
export async function serve(handler: Handler): Promise<Listening> {
  return track(await listen(handler), (s) => s.close());
}

/** Starts a raw TCP server (for answers no HTTP server would send), closed by `cleanup()`. */
export async function serveTcp(onConnection: (socket: Socket) => void): Promise<Listening> {
  return track(await listen(createTcpServer(onConnection)), (s) => s.close());
}

/**
 * A stand-in Aspose server, closed by `cleanup()`. Strict about routes (what
 * it does not model answers 404), but with `documents: 'any'` unless told
 * otherwise: these tests are about the client, and any `/v4.0/words/{name}`
 * (but `missing…`) is a document to them. The stand-in's own tests start it
 * with `startAsposeStandIn` and its defaults.
 */
export async function standIn(options: AsposeStandInOptions = {}): Promise<AsposeStandIn> {
  return track(await startAsposeStandIn({ documents: 'any', ...options }), (s) => s.close());
}

/** One request a {@link CaptureServer} received. */
export interface Captured {
  method: string;
  url: string;
  /** Every `authorization` header value, in the order sent (duplicates kept). */
  authorization: string[];
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A plain node:http server that records what it is sent and answers as told. */
export interface CaptureServer extends Pick<Listening, 'url' | 'origin' | 'port' | 'connections' | 'open' | 'bytesRead'> {
  requests: Captured[];
  /** Status and JSON body for the next answers; default 200 `{ ok: true }`. `stall` sends the headers and a few bytes, then nothing. */
  respond: (req: Captured) => { status: number; body?: unknown; headers?: Record<string, string>; stall?: boolean };
}

/** Starts a {@link CaptureServer}, closed by `cleanup()`. */
export async function captureServer(): Promise<CaptureServer> {
  // The handler runs only once a request comes, by when `state` exists.
  const listening = await serve((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const authorization: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if (req.rawHeaders[i].toLowerCase() === 'authorization') authorization.push(req.rawHeaders[i + 1]);
      }
      const captured: Captured = { method: req.method ?? 'GET', url: req.url ?? '/', authorization, headers: req.headers, body: Buffer.concat(chunks) };
      state.requests.push(captured);
      const { status, body, headers, stall } = state.respond(captured);
      if (stall) return void res.writeHead(status, { 'content-type': 'application/json', 'content-length': '1000', ...headers }).write('{"access_token":"');
      if (status === 204 || status === 304) return void res.writeHead(status, headers).end();
      const text = typeof body === 'string' ? body : JSON.stringify(body ?? { ok: true });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
    });
  });
  const state: CaptureServer = {
    url: listening.url,
    origin: listening.origin,
    port: listening.port,
    requests: [],
    respond: () => ({ status: 200, body: { ok: true } }),
    get connections() {
      return listening.connections;
    },
    get open() {
      return listening.open;
    },
    bytesRead: listening.bytesRead,
  };
  return state;
}

/** A node:http API answering `/slow/{ms}` after that long, counting the requests it holds at once and those it served. */
export interface SlowServer {
  url: string;
  /** Most requests held at once. */
  peak: number;
  /** Requests held now. */
  now: number;
  /** Requests answered. */
  served: number;
}

/** Starts a {@link SlowServer}, closed by `cleanup()`. */
export async function slowServer(): Promise<SlowServer> {
  const state: SlowServer = { url: '', peak: 0, now: 0, served: 0 };
  const { url } = await serve((req, res) => {
    state.now++;
    state.peak = Math.max(state.peak, state.now);
    const ms = Number(/^\/slow\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
    const timer = setTimeout(() => {
      state.served++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }, ms);
    res.once('close', () => {
      clearTimeout(timer);
      state.now--;
    });
  });
  state.url = url;
  return state;
}

/** Starts a node:http API that reads the whole body, then answers `{ bytes }` (its size) after `delayMs`; closed by `cleanup()`. */
export async function sinkServer(delayMs = 0): Promise<{ url: string }> {
  const { url } = await serve((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes })), delayMs));
  });
  return { url };
}

/** A server that holds each request until `release()`, and records how many were under way at once. */
export interface HoldingServer {
  url: string;
  /** Requests held now. */
  active: number;
  /** Most requests held at once. */
  max: number;
  /** Requests answered. */
  served: number;
  /** Resolves once `n` requests are held at once. */
  waitFor(n: number): Promise<void>;
  /** Answers every request held now. */
  release(): void;
}

/** Starts a {@link HoldingServer}, closed by `cleanup()`. */
export async function holdingServer(): Promise<HoldingServer> {
  const held: (() => void)[] = [];
  let waiter: { n: number; resolve: () => void } | undefined;
  const state: HoldingServer = {
    url: '',
    active: 0,
    max: 0,
    served: 0,
    waitFor(n) {
      return state.active >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { n, resolve }));
    },
    release() {
      for (const go of held.splice(0)) go();
    },
  };
  const { url } = await serve((req, res) => {
    req.resume();
    state.active++;
    state.max = Math.max(state.max, state.active);
    if (waiter && state.active >= waiter.n) waiter.resolve();
    held.push(() => {
      state.active--;
      state.served++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  state.url = url;
  return state;
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const { port, close } = await listen(createServer());
  await close();
  return port;
}
