/**
 * A real `redis-server` (Debian's package; `.ci/run` installs it) on a free
 * loopback port, for the fleet-mode tests. Elsewhere, without the binary,
 * those tests are skipped, saying so; under CI they cannot be.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The redis-server binary, or undefined when it is not installed. */
export const REDIS_SERVER: string | undefined = (() => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server || command -v valkey-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
})();

if (!REDIS_SERVER && process.env.CI) {
  throw new Error('CI must install redis-server (apt-get install -y redis-server): the fleet-mode suite cannot be skipped there');
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A redis-server child on 127.0.0.1, that can be stopped and started again on the same port. */
export class RedisServer {
  readonly port: number;
  readonly #dir = mkdtempSync(join(tmpdir(), 'aspose-redis-'));
  #child: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.resume();
    return server;
  }

  /** Starts (again) on the same port, with nothing persisted: a restarted server is an empty one. */
  async resume(): Promise<void> {
    const child = spawn(REDIS_SERVER!, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.#dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${out}`)), 10_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${out}`));
      });
    });
    child.stdout.resume();
    child.stderr.resume();
  }

  /** Stops the server (SIGKILL: as abrupt as a crash), resolving once it has exited. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
