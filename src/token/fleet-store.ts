/**
 * Fleet mode's side of the token store: key names, sealed entries, the
 * lease, and a bound on every store operation. `TokenService` drives it
 * (see `#fetchViaFleet` there); this file knows nothing of token requests.
 *
 * @internal
 */
import { createCipheriv, createDecipheriv, createHash, createSecretKey, hkdfSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { AsposeTokenStore } from './token-store.js';
import type { ClientCredentials } from './credential-source.js';
import { MAX_RETRY_WINDOW_MS } from './token-gate.js';

/**
 * Every store operation gives up after this long, whatever the store: a safety
 * net for stores without a bound of their own (`redisTokenStore` has a
 * tighter one, `commandTimeoutMs`).
 */
export const STORE_OP_TIMEOUT_MS = 2_000;

/** Entries longer than this are not read: nothing this library writes comes near it. */
const MAX_ENTRY_CHARS = 64 * 1024;

const ENTRY_VERSION = 'v1.';
const HKDF_SALT = 'aspose-cloud-auth/token-store/v1';

/** The store failed, timed out or was unreachable: the process goes on alone. @internal */
export class StoreUnavailable extends Error {
  constructor(operation: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`token store ${operation} failed: ${why.slice(0, 200)}`);
    this.name = 'StoreUnavailable';
  }
}

/** A token as the fleet shares it. */
export interface SharedToken {
  value: string;
  tokenType: string;
  expiresAt: number;
  obtainedAt: number;
}

/** A hold (lockout, refusal backoff, outage, Retry-After) as the fleet shares it. */
export interface SharedHold {
  kind: 'refusal' | 'lockout' | 'outage' | 'service';
  retryAt: number;
  code: string;
  status: number | undefined;
  message: string;
  oauthError: string | undefined;
  /** The `Retry-After` asked, for windows. */
  askedMs: number | undefined;
  /** Failed fetches in a row, for an outage. */
  failures: number | undefined;
}

/** What one credential pair has met across the fleet. */
export interface SharedPairState {
  /** Send times of the last refused requests, oldest first. */
  refusedAt: number[];
  /** Refusals in a row since the last token. */
  consecutiveRefusals: number;
  hold: SharedHold | undefined;
}

/** One credential pair's place in the store: its keys and its sealing key. */
export interface FleetPair {
  readonly tokenKey: string;
  readonly leaseKey: string;
  readonly stateKey: string;
  /** The AES-256-GCM key, derived from the client secret. A `KeyObject`: `util.inspect` never shows its bytes. */
  readonly sealKey: KeyObject;
}

/**
 * The store, bounded and sealed, for one token URL. Holds no secret but the
 * derived sealing keys of the last few pairs (`KeyObject`s).
 *
 * @internal
 */
export class FleetStore {
  readonly #store: AsposeTokenStore;
  readonly #tokenUrl: string;
  readonly #log: (level: 'warn' | 'log', message: string) => void;
  readonly #pairs = new Map<string, FleetPair>();
  /** True after a failure, until the store answers again: so each outage is logged once. */
  #down = false;

  constructor(store: AsposeTokenStore, tokenUrl: string, log: (level: 'warn' | 'log', message: string) => void) {
    this.#store = store;
    this.#tokenUrl = tokenUrl;
    this.#log = log;
  }

  /** True while the store is failing (after a failure, until an operation succeeds). */
  get down(): boolean {
    return this.#down;
  }

  /** The keys and sealing key of `credentials` (derived once per pair; a few pairs kept). */
  pair(credentials: ClientCredentials): FleetPair {
    let p = this.#pairs.get(credentials.key);
    if (p) return p;
    // Keys name the token URL and Client Id only, hashed: never a secret, never a token.
    const id = createHash('sha256').update(this.#tokenUrl).update('\0').update(credentials.clientId).digest('hex').slice(0, 32);
    const base = `aspose-cloud-auth:v1:${id}`;
    const info = `${this.#tokenUrl}\0${credentials.clientId}`;
    const sealKey = createSecretKey(Buffer.from(hkdfSync('sha256', credentials.clientSecret, HKDF_SALT, info, 32)));
    p = { tokenKey: `${base}:token`, leaseKey: `${base}:lease`, stateKey: `${base}:state`, sealKey };
    if (this.#pairs.size >= 4) this.#pairs.delete(this.#pairs.keys().next().value!);
    this.#pairs.set(credentials.key, p);
    return p;
  }

  /** The shared token and its sealed entry (for compare-and-delete), or undefined if none can be read. */
  async readToken(p: FleetPair): Promise<{ token: SharedToken; entry: string } | undefined> {
    const entry = await this.#op('get', () => this.#store.get(p.tokenKey));
    const data = typeof entry === 'string' ? open(p.sealKey, p.tokenKey, entry) : undefined;
    const token = data === undefined ? undefined : toSharedToken(data);
    return token ? { token, entry: entry! } : undefined;
  }

  /** Shares `token` until `ttlMs` from now; returns its sealed entry. */
  async writeToken(p: FleetPair, token: SharedToken, ttlMs: number): Promise<string> {
    const entry = seal(p.sealKey, p.tokenKey, { v: token.value, t: token.tokenType, e: token.expiresAt, o: token.obtainedAt });
    await this.#op('set', () => this.#store.set(p.tokenKey, entry, { ttlMs: Math.max(1, Math.ceil(ttlMs)) }));
    return entry;
  }

  /** Drops the shared token if it is still `entry` (a 401 said it is dead). */
  async dropToken(p: FleetPair, entry: string): Promise<void> {
    await this.#op('delete', () => this.#store.delete(p.tokenKey, entry));
  }

  async readState(p: FleetPair): Promise<SharedPairState | undefined> {
    const entry = await this.#op('get', () => this.#store.get(p.stateKey));
    const data = typeof entry === 'string' ? open(p.sealKey, p.stateKey, entry) : undefined;
    return data ? toSharedState(data, Date.now()) : undefined;
  }

  async writeState(p: FleetPair, state: SharedPairState, ttlMs: number): Promise<void> {
    const entry = seal(p.sealKey, p.stateKey, state);
    await this.#op('set', () => this.#store.set(p.stateKey, entry, { ttlMs: Math.max(1, Math.ceil(ttlMs)) }));
  }

  /** Takes the pair's lease for `ttlMs` if nobody holds it: the lease's id, or undefined when another process holds it. */
  async takeLease(p: FleetPair, ttlMs: number): Promise<string | undefined> {
    const id = randomUUID();
    const taken = await this.#op('set', () => this.#store.set(p.leaseKey, id, { ttlMs, ifAbsent: true }));
    return taken === true ? id : undefined;
  }

  /** Extends a lease this process holds (before each token request of a fetch with retries). */
  async renewLease(p: FleetPair, id: string, ttlMs: number): Promise<void> {
    await this.#op('set', () => this.#store.set(p.leaseKey, id, { ttlMs }));
  }

  /** Gives the lease back, if it is still this process's. */
  async releaseLease(p: FleetPair, id: string): Promise<void> {
    await this.#op('delete', () => this.#store.delete(p.leaseKey, id));
  }

  /** One store operation, bounded; its failure becomes {@link StoreUnavailable} (logged once per outage). */
  async #op<T>(name: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let result: T;
    try {
      const op = Promise.resolve().then(run);
      // A late answer or failure of an operation given up on must not become an unhandled rejection.
      op.catch(() => {});
      result = await Promise.race([
        op,
        new Promise<never>((_, reject) => {
          // From setImmediate, after the poll phase: an answer that came in while this process's
          // event loop was stalled is read before the bound is judged spent.
          timer = setTimeout(() => setImmediate(() => reject(new Error(`no answer within ${STORE_OP_TIMEOUT_MS} ms`))), STORE_OP_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      const down = new StoreUnavailable(name, err);
      if (!this.#down) {
        this.#down = true;
        this.#log('warn', `Aspose fleet mode: ${down.message}; this process fetches its own tokens until the store answers again`);
      }
      throw down;
    } finally {
      clearTimeout(timer);
    }
    if (this.#down) {
      this.#down = false;
      this.#log('log', 'Aspose fleet mode: the token store answers again; this process shares tokens with the fleet again');
    }
    return result;
  }
}

/** `value` sealed for `key`: `v1.` + base64url(IV, ciphertext, tag). The key name is the associated data, so an entry cannot be moved to another key. */
function seal(key: KeyObject, name: string, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(name));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ENTRY_VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** What `entry` holds, or undefined when it is not ours, tampered with, or sealed with another secret. */
function open(key: KeyObject, name: string, entry: string): unknown {
  if (!entry.startsWith(ENTRY_VERSION) || entry.length > MAX_ENTRY_CHARS) return undefined;
  const raw = Buffer.from(entry.slice(ENTRY_VERSION.length), 'base64url');
  if (raw.length < 12 + 16 + 2) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(name));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toSharedToken(data: unknown): SharedToken | undefined {
  const d = data as Record<string, unknown>;
  if (typeof d !== 'object' || d === null) return undefined;
  const { v, t, e, o } = d;
  if (typeof v !== 'string' || v === '' || typeof t !== 'string' || !Number.isFinite(e) || !Number.isFinite(o)) return undefined;
  return { value: v, tokenType: t, expiresAt: e as number, obtainedAt: o as number };
}

/**
 * A state record, bounded by `now`: a peer's clock may run ahead of this one (or a peer be
 * buggy), and sealing proves only who wrote a record, not that its times are sane. Refusal
 * times in the future are moved back, together, to end now; a hold ending more than an hour ahead (the longest this
 * library ever holds back, a `Retry-After` honoured for at most `MAX_RETRY_WINDOW_MS`) is not one
 * a sane peer wrote, and is ignored: else it would hold calls back for years (or, past the
 * largest date, fail them with a `RangeError` where the hold's date is printed).
 */
function toSharedState(data: unknown, now: number): SharedPairState | undefined {
  const d = data as Record<string, unknown>;
  if (typeof d !== 'object' || d === null || !Array.isArray(d.refusedAt) || !Number.isInteger(d.consecutiveRefusals)) return undefined;
  const times = (d.refusedAt as unknown[]).slice(-1000).filter((t): t is number => Number.isFinite(t));
  // Shifted back together, so that they stay distinct (they are counted as a set) and keep their spacing.
  const ahead = Math.max(0, ...times.map((t) => t - now));
  const refusedAt = times.map((t) => t - ahead);
  const h = d.hold as Record<string, unknown> | undefined;
  const kinds = ['refusal', 'lockout', 'outage', 'service'];
  const hold =
    h &&
    typeof h === 'object' &&
    kinds.includes(h.kind as string) &&
    Number.isFinite(h.retryAt) &&
    (h.retryAt as number) <= now + MAX_RETRY_WINDOW_MS &&
    typeof h.code === 'string' &&
    typeof h.message === 'string'
      ? {
          kind: h.kind as SharedHold['kind'],
          retryAt: h.retryAt as number,
          code: h.code,
          status: Number.isInteger(h.status) ? (h.status as number) : undefined,
          message: h.message,
          oauthError: typeof h.oauthError === 'string' ? h.oauthError : undefined,
          askedMs: Number.isFinite(h.askedMs) ? (h.askedMs as number) : undefined,
          failures: Number.isInteger(h.failures) ? (h.failures as number) : undefined,
        }
      : undefined;
  return { refusedAt, consecutiveRefusals: Math.min(Math.max(0, d.consecutiveRefusals as number), 1000), hold };
}
