import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** One TCP connection a client opened through the watch. */
export interface WatchedConnection {
  /** Bytes the client sent. */
  sent: number;
  /** Bytes the server answered. */
  received: number;
  /** Whether the connection has closed (either side). */
  closed: boolean;
}

/**
 * A plain TCP forwarder on loopback in front of a real server (the Aspose
 * stand-in). It changes nothing on the wire; it lets a test see, from outside
 * the client, which connections are open, and whether the server had answered
 * anything on a connection before it closed. Point the client's `baseUrl` at
 * {@link url}.
 */
export class ConnectionWatch {
  readonly connections: WatchedConnection[] = [];
  url = '';
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(private readonly target: { host: string; port: number }) {
    this.#server = createServer((client) => {
      const record: WatchedConnection = { sent: 0, received: 0, closed: false };
      this.connections.push(record);
      const upstream = connect(this.target.port, this.target.host);
      this.#sockets.add(client).add(upstream);
      client.on('data', (chunk: Buffer) => (record.sent += chunk.length));
      upstream.on('data', (chunk: Buffer) => (record.received += chunk.length));
      client.pipe(upstream);
      upstream.pipe(client);
      const close = () => {
        record.closed = true;
        client.destroy();
        upstream.destroy();
      };
      client.on('close', close).on('error', close);
      upstream.on('close', close).on('error', close);
      client.on('close', () => this.#sockets.delete(client));
      upstream.on('close', () => this.#sockets.delete(upstream));
    });
  }

  /** Connections still open. */
  get open(): number {
    return this.connections.filter((c) => !c.closed).length;
  }

  static async start(targetUrl: string): Promise<ConnectionWatch> {
    const u = new URL(targetUrl);
    const watch = new ConnectionWatch({ host: u.hostname, port: Number(u.port) });
    await new Promise<void>((resolve) => watch.#server.listen(0, '127.0.0.1', resolve));
    watch.url = `http://127.0.0.1:${(watch.#server.address() as AddressInfo).port}`;
    return watch;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Polls `condition` until it holds, or fails after `ms` with `what`. For events, not for speed. */
export async function waitFor(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
