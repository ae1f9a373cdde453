/**
 * Fixtures shared by the core suite: real loopback servers and a few probes.
 * Every server and client made here is closed by {@link cleanup}, which each
 * test file calls from `afterEach`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Agent } from 'undici';
import { AsposeClient, TokenService, type AsposeClientOptions } from 'aspose-cloud-auth';
import { startAsposeStandIn, type AsposeStandIn, type AsposeStandInOptions } from 'aspose-cloud-auth/testing';

const closers: (() => unknown)[] = [];

/** Closes everything opened since the last call, newest first. */
export async function cleanup(): Promise<void> {
  while (closers.length > 0) await closers.pop()!();
}

/** Registers something to close in {@link cleanup}. */
export function track<T>(thing: T, close: (t: T) => unknown): T {
  closers.push(() => close(thing));
  return thing;
}

/** A stand-in Aspose server on an ephemeral loopback port. */
export async function standIn(options: AsposeStandInOptions = {}): Promise<AsposeStandIn> {
  return track(await startAsposeStandIn(options), (s) => s.close());
}

/** Small retry delays, so the fault matrix runs in milliseconds. */
export const FAST_RETRY = { minDelayMs: 5, maxDelayMs: 20 } as const;

/** What a client needs to know of a token server. */
export type Endpoint = Pick<AsposeStandIn, 'url' | 'clientId' | 'clientSecret'>;

/** Client options for `server`: its credentials and URLs, fast retries. */
export function credentials(server: Endpoint): AsposeClientOptions {
  return { clientId: server.clientId, clientSecret: server.clientSecret, baseUrl: server.url, retry: FAST_RETRY };
}

/** An {@link AsposeClient} for `server`, closed in {@link cleanup}. */
export function client(server: Endpoint | undefined, options: AsposeClientOptions = {}): AsposeClient {
  return track(new AsposeClient({ ...(server ? credentials(server) : {}), ...options }), (c) => c.close());
}

/** A {@link TokenService} for `server` on its own undici Agent, both closed in {@link cleanup}. */
export function tokenService(server: Endpoint, options: Partial<ConstructorParameters<typeof TokenService>[0]> = {}): TokenService {
  const agent = track(new Agent(), (a) => a.close());
  return track(new TokenService({ ...credentials(server), dispatcher: agent, ...options }), (t) => t.close());
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

/** A plain node:http server on another port that records what it is sent. */
export interface CaptureServer {
  url: string;
  origin: string;
  requests: Captured[];
  /** TCP connections accepted. */
  connections: number;
  /** TCP connections open now. */
  readonly open: number;
  /** Status and JSON body for the next answers; default 200 `{ ok: true }`. `stall` sends the headers and a few bytes, then nothing. */
  respond: (req: Captured) => { status: number; body?: unknown; headers?: Record<string, string>; stall?: boolean };
}

/** Starts a {@link CaptureServer}, closed in {@link cleanup}. */
export async function captureServer(): Promise<CaptureServer> {
  const sockets = new Set<Socket>();
  const state: CaptureServer = {
    url: '',
    origin: '',
    requests: [],
    connections: 0,
    get open() {
      return sockets.size;
    },
    respond: () => ({ status: 200, body: { ok: true } }),
  };
  const server: Server = createServer((req, res) => {
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
  server.on('connection', (s: Socket) => {
    state.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  track(server, (s) => {
    for (const sock of sockets) sock.destroy();
    return new Promise((resolve) => s.close(resolve));
  });
  return state;
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Records `unhandledRejection` events from now until `stop()`. */
export function watchUnhandledRejections(): { events: unknown[]; stop: () => void } {
  const events: unknown[] = [];
  const listener = (reason: unknown) => events.push(reason);
  process.on('unhandledRejection', listener);
  return { events, stop: () => process.off('unhandledRejection', listener) };
}

/** A distinctive secret, easy to search for. */
export function distinctiveSecret(): string {
  return `S3cr3t-${randomBytes(12).toString('hex')}`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Settles a promise into its rejection reason (or fails the test if it resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
