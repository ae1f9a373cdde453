/**
 * The store a fleet of processes shares tokens, renewals and lockouts
 * through (the `store` option): three operations on short-lived string
 * entries, which Redis, Valkey, Memcached, a database row or a Map can
 * provide. `aspose-cloud-auth/redis` has one for Redis and Valkey.
 *
 * What goes in it is already sealed: every value is encrypted (AES-256-GCM,
 * with a key derived from the client secret) before `set`, and every key is
 * derived from the token URL and the Client Id (never a secret or a token).
 * A store only keeps strings for a while.
 */

/** Options of {@link AsposeTokenStore.set}. */
export interface AsposeTokenStoreSetOptions {
  /** How long the entry lives, in ms (at least 1). The store must drop it after that. */
  ttlMs: number;
  /** Set only if the key holds nothing (Redis `SET … NX`): the lease a fleet takes before one process fetches. */
  ifAbsent?: boolean;
}

/**
 * A shared store of short-lived string entries, for fleet mode (see the
 * `store` option of `TokenService`). Implement it over whatever your
 * processes share; each method may reject or hang: calls are bounded, and a
 * failing store makes a process fetch its own tokens (it never fails a call).
 *
 * The three operations must be atomic per key, as Redis's are:
 * - `get(key)`: the value, or `undefined`/`null` when there is none (or it has expired);
 * - `set(key, value, { ttlMs, ifAbsent })`: store `value` for `ttlMs`; with
 *   `ifAbsent`, only when the key holds nothing. True when it was stored;
 * - `delete(key, ifValue)`: delete the entry only if it still holds `ifValue`
 *   (compare-and-delete). True when it was deleted.
 */
export interface AsposeTokenStore {
  get(key: string): Promise<string | null | undefined>;
  set(key: string, value: string, options: AsposeTokenStoreSetOptions): Promise<boolean>;
  delete(key: string, ifValue: string): Promise<boolean>;
}

/**
 * A token store in this process's memory: several `TokenService`s or
 * `AsposeClient`s in one process (worker threads excepted) that share it
 * share one token, one renewal and one lockout, as processes do through
 * Redis. Also a reference for writing your own store. Expired entries are
 * dropped when read or written over, and on each `set` one pass drops
 * expired ones if there are more than 1000 keys.
 */
export function memoryTokenStore(): AsposeTokenStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string, now: number) => {
    const e = entries.get(key);
    if (e && e.expiresAt <= now) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  return {
    get(key) {
      return Promise.resolve(live(key, Date.now())?.value);
    },
    set(key, value, { ttlMs, ifAbsent }) {
      const now = Date.now();
      if (ifAbsent && live(key, now)) return Promise.resolve(false);
      if (entries.size > 1000) for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
      entries.set(key, { value, expiresAt: now + Math.max(1, ttlMs) });
      return Promise.resolve(true);
    },
    delete(key, ifValue) {
      if (live(key, Date.now())?.value !== ifValue) return Promise.resolve(false);
      entries.delete(key);
      return Promise.resolve(true);
    },
  };
}

/** What is wrong with a `store` option, or undefined when it looks like a store. @internal */
export function storeProblem(store: unknown): string | undefined {
  if (store === null || typeof store !== 'object') return 'must be a token store, such as redisTokenStore(client) from aspose-cloud-auth/redis';
  const missing = (['get', 'set', 'delete'] as const).filter((m) => typeof (store as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) {
    return `is not a token store: it has no ${missing.join(', ')} method${missing.length > 1 ? 's' : ''} (use redisTokenStore(client) from aspose-cloud-auth/redis, or implement AsposeTokenStore)`;
  }
  return undefined;
}
