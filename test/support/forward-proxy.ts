/**
 * A small HTTP forward proxy on loopback, enough for undici's `ProxyAgent`:
 *
 * - absolute-form requests (`POST http://127.0.0.1:4711/connect/token HTTP/1.1`),
 *   which undici 8's `ProxyAgent` sends for `http://` targets by default, are
 *   forwarded to the target and the answer streamed back;
 * - `CONNECT host:port` opens a tunnel, which it uses for `https://` targets
 *   and, with `proxyTunnel: true`, for `http://` ones too.
 *
 * It records what it carried, so a test can tell the traffic really went
 * through it and in which mode.
 */
import { createServer, request as httpRequest, Agent as HttpAgent, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { listen } from './http';

/** One thing the proxy carried. */
export type ProxiedRecord = { mode: 'forward'; method: string; url: string } | { mode: 'connect'; target: string };

export interface ForwardProxy {
  /** `http://127.0.0.1:{port}`. */
  url: string;
  /** Everything carried, oldest first. */
  log: ProxiedRecord[];
  close(): Promise<void>;
}

/** Headers that concern one hop only, never forwarded (RFC 9110 §7.6.1, plus the legacy `proxy-connection`). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'upgrade']);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k) && !named.has(k)) out[k] = v;
  return out;
}

/** Starts a forward proxy on an ephemeral loopback port. */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const log: ProxiedRecord[] = [];
  /** Upstream ends of CONNECT tunnels (the client ends are the server's own connections). */
  const tunnels = new Set<Socket>();
  const upstreamAgent = new HttpAgent({ keepAlive: true });
  const server: Server = createServer((req, res) => {
    const target = req.url ?? '';
    if (!/^http:\/\//i.test(target)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('this proxy takes absolute-form http:// requests and CONNECT');
      return;
    }
    log.push({ mode: 'forward', method: req.method ?? 'GET', url: target });
    const url = new URL(target);
    const upstream = httpRequest(
      {
        host: url.hostname,
        port: url.port || 80,
        method: req.method,
        path: url.pathname + url.search,
        headers: forwardable(req.headers),
        agent: upstreamAgent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    // The client went away (a timeout, say): so does the upstream request.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    log.push({ mode: 'connect', target });
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const upstream = netConnect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    tunnels.add(upstream);
    upstream.on('close', () => tunnels.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  const listening = await listen(server);
  return {
    url: listening.url,
    log,
    async close() {
      for (const s of tunnels) s.destroy();
      upstreamAgent.destroy();
      await listening.close();
    },
  };
}
