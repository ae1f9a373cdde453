// Small Express 5 and Koa 3 apps with asposeProxy mounted behind a stand-in
// "requireUser" check, listening on ephemeral loopback ports, and the raw
// HTTP helpers the proxy suites drive them with.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import express from 'express';
import Koa from 'koa';
import { asposeAuth as expressAuth, asposeProxy as expressProxy } from 'aspose-cloud-auth/express';
import { asposeAuth as koaAuth, asposeProxy as koaProxy } from 'aspose-cloud-auth/koa';
import type { AsposeClient } from 'aspose-cloud-auth';
import type { AsposeProxyOptions } from '../../src/proxy/aspose-proxy';

export type Framework = 'express' | 'koa';
export const FRAMEWORKS: Framework[] = ['express', 'koa'];

/** The header the fixture's own "auth" wants: a stand-in for the app's session check. */
export const USER = { 'x-user': 'alice' } as const;

export interface ProxyApp {
  framework: Framework;
  url: string;
  port: number;
  server: Server;
  /** Sum of bytes read from the app's sockets so far (request lines, headers and bodies). */
  bytesRead(): number;
  close(): Promise<void>;
}

export interface FixtureOptions extends Omit<AsposeProxyOptions, 'prefix'> {
  /** Run a body parser in front of the proxy (the misconfiguration the proxy detects). */
  bodyParserFirst?: boolean;
  /** A middleware in front of the proxy, given Node's request (`req`, `ctx.req`): to write `req.headers` as APM and timing middlewares do. */
  beforeProxy?: (req: IncomingMessage) => void;
}

/**
 * Starts an app where `/aspose/*` is proxied for signed-in users only, and
 * `/me/document/:name` uses the shared client directly.
 */
export async function startProxyApp(framework: Framework, client: AsposeClient, options: FixtureOptions): Promise<ProxyApp> {
  const { bodyParserFirst, beforeProxy, ...proxyOptions } = options;
  let server: Server;
  if (framework === 'express') {
    const app = express();
    app.disable('x-powered-by');
    app.use(expressAuth(client));
    const requireUser: express.RequestHandler = (req, res, next) => {
      if (req.headers['x-user'] !== USER['x-user']) {
        res.status(401).json({ error: 'sign in first' });
        return;
      }
      next();
    };
    if (bodyParserFirst) app.use(express.raw({ type: '*/*', limit: '1mb' }));
    if (beforeProxy) {
      app.use((req, _res, next) => {
        beforeProxy(req);
        next();
      });
    }
    app.use('/aspose', requireUser, expressProxy({ client, ...proxyOptions }));
    app.get('/me/document/:name', async (req, res) => {
      res.json(await req.aspose.get(`/v4.0/words/${encodeURIComponent(req.params.name)}`));
    });
    server = app.listen(0, '127.0.0.1');
  } else {
    const app = new Koa();
    // Koa reports every socket error, including a caller hanging up, which these tests do on purpose.
    app.on('error', (err: NodeJS.ErrnoException) => {
      if (!/^(ECONNRESET|ECONNABORTED|EPIPE|HPE_|ERR_STREAM_PREMATURE_CLOSE)/.test(err.code ?? '') && err.message !== 'aborted') console.error(err);
    });
    app.use(koaAuth(client));
    app.use(async (ctx, next) => {
      if (ctx.path.startsWith('/aspose') && ctx.get('x-user') !== USER['x-user']) {
        ctx.status = 401;
        ctx.body = { error: 'sign in first' };
        return;
      }
      await next();
    });
    if (bodyParserFirst) {
      app.use(async (ctx, next) => {
        const chunks: Buffer[] = [];
        for await (const c of ctx.req) chunks.push(c as Buffer);
        (ctx.request as unknown as { body: Buffer }).body = Buffer.concat(chunks);
        await next();
      });
    }
    if (beforeProxy) {
      app.use(async (ctx, next) => {
        beforeProxy(ctx.req);
        await next();
      });
    }
    app.use(koaProxy({ client, prefix: '/aspose', ...proxyOptions }));
    app.use(async (ctx, next) => {
      const m = /^\/me\/document\/([^/]+)$/.exec(ctx.path);
      if (!m) return next();
      ctx.body = await ctx.state.aspose.get(`/v4.0/words/${encodeURIComponent(decodeURIComponent(m[1]))}`);
    });
    server = app.listen(0, '127.0.0.1');
  }
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve).once('error', reject);
  });
  const sockets = new Set<Socket>();
  let closedBytes = 0;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => {
      closedBytes += s.bytesRead;
      sockets.delete(s);
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    framework,
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    bytesRead: () => closedBytes + [...sockets].reduce((n, s) => n + s.bytesRead, 0),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = any>(): T;
}

/**
 * One request over node:http with the path sent exactly as given: undici and
 * fetch normalize some paths (dot segments, backslashes), node:http does not.
 */
export function send(
  port: number,
  path: string,
  init: { method?: string; headers?: OutgoingHttpHeaders; body?: string | Buffer | Readable; user?: boolean } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { ...(init.user === false ? {} : USER), ...init.headers };
    // node:http frames a DELETE or OPTIONS body only if told its length.
    if (typeof init.body === 'string' || Buffer.isBuffer(init.body)) headers['content-length'] ??= Buffer.byteLength(init.body);
    const req = httpRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    const body = init.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/**
 * Writes `head` (a request line and headers, as raw text) on a fresh socket
 * and returns everything the server answers until it closes the connection.
 * For request lines and headers no HTTP client would send.
 */
export function sendRaw(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
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

/** Polls `check` every 10 ms until it is true, or fails after `ms`. */
export async function waitFor(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
