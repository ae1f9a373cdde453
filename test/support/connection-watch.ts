import { createServer, connect, type Socket } from 'node:net';
import { listen, type Listening } from './http';

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
  readonly #upstreams = new Set<Socket>();
  #listening: Listening | undefined;

  private constructor(private readonly target: { host: string; port: number }) {}

  /** `http://127.0.0.1:{port}` of the watch. */
  get url(): string {
    return this.#listening?.url ?? '';
  }

  /** Connections still open. */
  get open(): number {
    return this.connections.filter((c) => !c.closed).length;
  }

  static async start(targetUrl: string): Promise<ConnectionWatch> {
    const u = new URL(targetUrl);
    const watch = new ConnectionWatch({ host: u.hostname, port: Number(u.port) });
    watch.#listening = await listen(createServer((client) => watch.#forward(client)));
    return watch;
  }

  async close(): Promise<void> {
    for (const s of this.#upstreams) s.destroy();
    await this.#listening?.close();
  }

  #forward(client: Socket): void {
    const record: WatchedConnection = { sent: 0, received: 0, closed: false };
    this.connections.push(record);
    const upstream = connect(this.target.port, this.target.host);
    this.#upstreams.add(upstream);
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
    upstream.on('close', () => this.#upstreams.delete(upstream));
  }
}
