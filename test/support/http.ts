/**
 * HTTP on loopback for tests: {@link listen} starts any server (a request
 * handler, an Express app, a Koa app's callback, a raw TCP server) on an
 * ephemeral port and counts its connections; {@link send}, {@link sendRaw}
 * and {@link sendRawParsed} make requests that reach the server exactly as
 * written.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Readable } from 'node:stream';

/**
 * A node:http request handler: an Express app, a Koa app's `callback()` (which
 * returns a promise it never rejects), or a plain `(req, res) => …`.
 */
export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** A server listening on 127.0.0.1, with what a test wants to know of its connections. */
export interface Listening<S extends Server = Server> {
  server: S;
  port: number;
  /** `http://127.0.0.1:{port}`. */
  url: string;
  /** The same as {@link url}: the origin a client is pointed at. */
  origin: string;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** TCP connections open now. */
  readonly open: number;
  /** Bytes read from every connection so far, closed ones included: 0 means no request was written to it. */
  bytesRead: () => number;
  /** Destroys the open connections and closes the server. */
  close: () => Promise<void>;
}

/**
 * Starts `target` on an ephemeral loopback port: a node:http request handler
 * (an Express app is one; for Koa pass `app.callback()`), or a server made
 * elsewhere (a `node:net` server for raw TCP). The caller closes it, or
 * hands it to `track()`.
 */
export async function listen<S extends Server>(target: S | Handler): Promise<Listening<S>> {
  const server = (typeof target === 'function' ? createServer((req, res) => void target(req, res)) : target) as S;
  const sockets = new Set<Socket>();
  let connections = 0;
  let closedBytes = 0;
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => {
      closedBytes += s.bytesRead;
      sockets.delete(s);
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    server,
    port,
    url,
    origin: url,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    bytesRead: () => closedBytes + [...sockets].reduce((n, s) => n + s.bytesRead, 0),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A status, lower-cased headers and the body of one answer. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = any>(): T;
}

export interface SendInit {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer | Readable;
}

/**
 * One request over node:http, on a connection of its own, with the path sent
 * exactly as given: undici and fetch normalize some paths (dot segments,
 * backslashes), node:http does not. `to` is a loopback port or an origin.
 */
export function send(to: number | string, path: string, init: SendInit = {}): Promise<RawResponse> {
  const { hostname, port } = typeof to === 'number' ? { hostname: '127.0.0.1', port: to } : new URL(to);
  return new Promise((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { ...init.headers };
    const body = init.body;
    // node:http frames a DELETE or OPTIONS body only if told its length.
    if (typeof body === 'string' || Buffer.isBuffer(body)) headers['content-length'] ??= Buffer.byteLength(body);
    const req = httpRequest({ host: hostname, port, path, method: init.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/**
 * Writes `head` (a request line and headers, as raw text, and any body) on a
 * fresh socket and returns everything the server answers until it closes the
 * connection. For request lines and headers no HTTP client would send.
 */
export function sendRaw(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.write(head);
  });
}

/** {@link sendRaw}, with the answer parsed (status, lower-cased headers, de-chunked body). */
export async function sendRawParsed(port: number, head: string): Promise<RawResponse> {
  let answer = await sendRaw(port, head);
  while (/^HTTP\/1\.1 1\d\d /.test(answer)) answer = answer.slice(answer.indexOf('\r\n\r\n') + 4); // 100 Continue
  const split = answer.indexOf('\r\n\r\n');
  const lines = answer.slice(0, split).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const headers: IncomingHttpHeaders = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = answer.slice(split + 4);
  if (/chunked/i.test(String(headers['transfer-encoding'] ?? ''))) {
    let out = '';
    for (let at = 0; ;) {
      const eol = body.indexOf('\r\n', at);
      const size = parseInt(body.slice(at, eol), 16);
      if (!size) break;
      out += body.slice(eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    body = out;
  }
  const text = Buffer.from(body, 'latin1').toString('utf8');
  return { status, headers, text, json: () => JSON.parse(text) };
}
