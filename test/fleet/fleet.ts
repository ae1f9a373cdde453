/**
 * A fleet of real worker processes (fleet-worker.cjs), each an AsposeClient
 * from the built package sharing a token store through Redis, driven over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../support/package';

export type RedisLib = 'redis' | 'ioredis' | 'iovalkey' | 'none';

export interface CallOutcome {
  ok: number;
  failed: number;
  codes: Record<string, number>;
  firstError?: string;
  ms?: number;
}

export interface WorkerStats {
  stats: { requests: number; fromStore: number; tokensIssued: number; failures: number; heldBack: number };
  store: 'ok' | 'unavailable' | undefined;
  logs: string[];
}

export interface FleetOptions {
  lib: RedisLib;
  redisUrl?: string;
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  tokenTimeoutMs?: number;
  /** More AsposeClient options, as JSON. */
  options?: Record<string, unknown>;
}

const WORKER = join(__dirname, 'fleet-worker.cjs');

/** One worker process. */
export class FleetWorker {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, (msg: Record<string, unknown>) => void>();
  #next = 0;
  readonly ready: Promise<void>;

  constructor(o: FleetOptions) {
    this.#child = fork(WORKER, [], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env,
        FLEET_REDIS_LIB: o.lib,
        FLEET_REDIS_URL: o.redisUrl ?? '',
        FLEET_BASE_URL: o.baseUrl,
        FLEET_CLIENT_ID: o.clientId,
        FLEET_CLIENT_SECRET: o.clientSecret,
        FLEET_TOKEN_TIMEOUT_MS: String(o.tokenTimeoutMs ?? 10_000),
        FLEET_OPTIONS: JSON.stringify(o.options ?? {}),
        // Generous: 8 processes and this one share 2 cores, and a command that times out sends its
        // process alone (by design), which would make the counts below depend on the machine's load.
        FLEET_COMMAND_TIMEOUT_MS: '1500',
      },
    });
    this.ready = new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`fleet worker exited with ${code} before it was ready`));
      this.#child.once('exit', onExit);
      this.#child.on('message', (msg: Record<string, unknown>) => {
        if (msg.ready) {
          this.#child.off('exit', onExit);
          resolve();
        } else if (typeof msg.id === 'number') {
          this.#waiting.get(msg.id)?.(msg);
          this.#waiting.delete(msg.id);
        }
      });
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  ask<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    if (this.exited) return Promise.reject(new Error(`fleet worker has exited: cannot ${cmd}`));
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error(`fleet worker exited during ${cmd}`));
      this.#child.once('exit', onExit);
      this.#waiting.set(id, (msg) => {
        this.#child.off('exit', onExit);
        resolve(msg as T);
      });
      this.#child.send({ id, cmd, ...args });
    });
  }

  call(n: number): Promise<CallOutcome> {
    return this.ask('call', { n });
  }

  stats(): Promise<WorkerStats> {
    return this.ask('stats');
  }

  /** SIGKILL: as abrupt as a crash or an OOM kill. */
  kill(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.kill('SIGKILL');
    });
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    await Promise.race([this.ask('exit'), exited, new Promise((r) => setTimeout(r, 5_000))]);
    await this.kill();
  }
}

/** `n` workers, all ready. */
export async function startFleet(n: number, o: FleetOptions): Promise<FleetWorker[]> {
  const workers = Array.from({ length: n }, () => new FleetWorker(o));
  await Promise.all(workers.map((w) => w.ready));
  return workers;
}

/** The sum of `outcomes`. */
export function total(outcomes: CallOutcome[]): CallOutcome {
  const out: CallOutcome = { ok: 0, failed: 0, codes: {} };
  for (const o of outcomes) {
    out.ok += o.ok;
    out.failed += o.failed;
    for (const [k, v] of Object.entries(o.codes)) out.codes[k] = (out.codes[k] ?? 0) + v;
    out.firstError ??= o.firstError;
  }
  return out;
}
