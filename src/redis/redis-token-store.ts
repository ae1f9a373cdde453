import { AsposeConfigError } from '../errors/errors.js';
import type { AsposeTokenStore } from '../token/token-store.js';

/** Options of {@link redisTokenStore}. */
export interface RedisTokenStoreOptions {
  /**
   * Bound on each Redis command, in ms (default 250). A command that takes
   * longer fails, and the process fetches its own token rather than wait.
   */
  commandTimeoutMs?: number;
  /** Prepended to every key (default none), for a Redis shared with other applications or environments. */
  keyPrefix?: string;
}

/**
 * A connected client of `redis` (node-redis v4/v5), or of `ioredis` or
 * `iovalkey`: what {@link redisTokenStore} needs of it. Only these methods
 * are called, so no client library is a dependency of this package.
 */
export type RedisLikeClient =
  /** node-redis: `createClient()`, connected. */
  | { sendCommand(args: string[]): Promise<unknown>; readonly isReady?: boolean }
  /** ioredis / iovalkey: `new Redis()` or `new Valkey()` (or a `Cluster`). */
  | { call(command: string, ...args: (string | number)[]): Promise<unknown>; readonly status?: string };

/** Deletes KEYS[1] only if it holds ARGV[1]: the compare-and-delete, atomic on the server. */
const COMPARE_AND_DELETE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/**
 * Fleet mode on Redis or Valkey: a token store (the `store` option) over a
 * client your application has connected already, of `redis` (node-redis) or of
 * `ioredis`/`iovalkey`, told apart at run time. The store never closes the
 * client.
 *
 * Commands used: `GET`, `SET … PX` (with `NX` for the lease) and `EVAL` of a
 * compare-and-delete script, which Redis 6+ and Valkey share. Each is bounded
 * by `commandTimeoutMs`, and a client that is not connected fails at once
 * rather than queue commands for later: a Redis that is down, slow or
 * flushed never fails a call, it only makes each process fetch its own
 * tokens until Redis answers again.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { AsposeClient } from 'aspose-cloud-auth';
 * import { redisTokenStore } from 'aspose-cloud-auth/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const aspose = new AsposeClient({ clientId, clientSecret, store: redisTokenStore(redis) });
 * ```
 *
 * @throws {AsposeConfigError} when `client` is not a client of one of those
 *   libraries, or an option is malformed.
 */
export function redisTokenStore(client: RedisLikeClient, options: RedisTokenStoreOptions = {}): AsposeTokenStore {
  const timeoutMs = options.commandTimeoutMs ?? 250;
  const prefix = options.keyPrefix ?? '';
  const issues = [];
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) {
    issues.push({ option: 'commandTimeoutMs', problem: 'must be a whole number of ms from 1 to 60000' });
  }
  if (typeof prefix !== 'string' || prefix.length > 256) issues.push({ option: 'keyPrefix', problem: 'must be a string of at most 256 characters' });
  const c = client as Record<string, unknown> | null;
  const isIoredis = typeof c === 'object' && c !== null && typeof c.call === 'function';
  const isNodeRedis = !isIoredis && typeof c === 'object' && c !== null && typeof c.sendCommand === 'function';
  if (!isIoredis && !isNodeRedis) {
    issues.push({
      option: 'client',
      problem: `is not a Redis client: pass a connected client of redis (createClient().connect()), ioredis (new Redis()) or iovalkey (new Valkey())`,
    });
  }
  if (issues.length > 0) throw new AsposeConfigError(issues, { source: 'redisTokenStore' });

  const send = (args: string[]): Promise<unknown> => {
    // Not connected: fail now. Queued for later, a lease or a token written minutes late would only get in the way.
    if (isIoredis) {
      const status = (client as { status?: string }).status;
      if (status !== undefined && status !== 'ready') return Promise.reject(new Error(`the ioredis client is ${status}, not ready`));
      return (client as { call(command: string, ...rest: string[]): Promise<unknown> }).call(args[0], ...args.slice(1));
    }
    if ((client as { isReady?: boolean }).isReady === false) return Promise.reject(new Error('the redis client is not ready'));
    return (client as { sendCommand(a: string[]): Promise<unknown> }).sendCommand(args);
  };
  const bounded = (args: string[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      // Rejected from setImmediate, after the poll phase: when this process's own event loop was
      // stalled (a GC pause, a burst of work), an answer that arrived meanwhile is read first.
      const timer = setTimeout(
        () => setImmediate(() => reject(new Error(`Redis ${args[0]} got no answer within ${timeoutMs} ms (commandTimeoutMs)`))),
        timeoutMs,
      );
      let sent: Promise<unknown>;
      try {
        sent = send(args);
      } catch (err) {
        clearTimeout(timer);
        return reject(asError(err));
      }
      sent.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(asError(err));
        },
      );
    });

  return {
    async get(key) {
      const value = await bounded(['GET', prefix + key]);
      return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
    },
    async set(key, value, { ttlMs, ifAbsent }) {
      const args = ['SET', prefix + key, value, 'PX', String(Math.max(1, Math.ceil(ttlMs)))];
      if (ifAbsent) args.push('NX');
      const reply = await bounded(args);
      return reply === 'OK' || (Buffer.isBuffer(reply) && reply.toString() === 'OK');
    },
    async delete(key, ifValue) {
      const reply = await bounded(['EVAL', COMPARE_AND_DELETE, '1', prefix + key, ifValue]);
      return Number(reply) === 1;
    },
  };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
