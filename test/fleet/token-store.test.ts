/**
 * Fleet mode in one process: several clients sharing a `memoryTokenStore()`
 * (or a real Redis, for what is at rest), against the stand-in. Sealing,
 * tampering, a failing or hanging store, steady state, configuration.
 */
import { inspect } from 'node:util';
import { createClient } from 'redis';
import { AsposeConfigError, memoryTokenStore, type AsposeTokenStore } from 'aspose-cloud-auth';
import { redisTokenStore } from 'aspose-cloud-auth/redis';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { cleanup, track } from '../support/cleanup';
import { client, distinctiveSecret } from '../support/clients';
import { configError, rejectionOf } from '../support/errors';
import { REDIS_SERVER, RedisServer } from '../support/redis-server';

afterEach(cleanup);

const DOC = '/v4.0/words/fleet.docx';

async function standIn(options: Parameters<typeof startAsposeStandIn>[0] = {}): Promise<AsposeStandIn> {
  const s = track(await startAsposeStandIn(options), (x) => x.close());
  s.storage.put('fleet.docx', 'a document for the fleet');
  return s;
}

/** A store that records every operation it is asked for, over a real memory store. */
function recording(inner: AsposeTokenStore = memoryTokenStore()) {
  const ops: string[] = [];
  const written: { key: string; value: string }[] = [];
  const store: AsposeTokenStore = {
    get: (key) => (ops.push(`get ${key}`), inner.get(key)),
    set: (key, value, o) => (ops.push(`set ${key}`), written.push({ key, value }), inner.set(key, value, o)),
    delete: (key, v) => (ops.push(`delete ${key}`), inner.delete(key, v)),
  };
  return { store, ops, written, inner };
}

/** Every encoding a secret could be spotted in. */
function encodings(value: string): string[] {
  const b = Buffer.from(value);
  return [value, b.toString('base64'), b.toString('base64url'), b.toString('hex'), encodeURIComponent(value)];
}

function logger() {
  const lines: string[] = [];
  return {
    lines,
    logger: { log: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m), debug: (m: string) => lines.push(m) },
  };
}

describe('fleet mode in one process (memoryTokenStore)', () => {
  test('clients sharing a store share one token when cold, and in steady state never touch the store', async () => {
    const s = await standIn();
    const { store, ops } = recording();
    const clients = [1, 2, 3, 4].map(() => client(s, { store }));
    await Promise.all(clients.flatMap((c) => Array.from({ length: 50 }, () => c.get(DOC))));
    expect(s.tokenRequests).toBe(1);
    expect(clients.map((c) => c.tokens.stats.fromStore).sort()).toEqual([0, 1, 1, 1]);
    const before = ops.length;
    await Promise.all(clients.flatMap((c) => Array.from({ length: 50 }, () => c.get(DOC))));
    expect(ops.length).toBe(before);
  });

  test('one refresh ahead of expiry for the whole fleet, while the valid token keeps serving', async () => {
    const s = await standIn();
    s.tokenLifetimeSec = 2; // refresh ahead from 1.6 s, stale from 1.9 s
    const { store } = recording();
    const clients = [1, 2, 3, 4].map(() => client(s, { store }));
    const end = Date.now() + 2_500;
    let failed = 0;
    await Promise.all(
      clients.map(async (c) => {
        while (Date.now() < end) {
          await c.get(DOC).catch(() => failed++);
          await new Promise((r) => setTimeout(r, 10));
        }
      }),
    );
    expect(failed).toBe(0);
    // The first token, and one refresh, shared.
    expect(s.tokenRequests).toBe(2);
    expect(clients.reduce((n, c) => n + c.tokens.stats.refreshesAhead, 0)).toBeGreaterThanOrEqual(1);
  });

  test('the control: without a store, each client refreshes on its own', async () => {
    const s = await standIn();
    s.tokenLifetimeSec = 2;
    const clients = [1, 2, 3, 4].map(() => client(s));
    const end = Date.now() + 2_500;
    await Promise.all(
      clients.map(async (c) => {
        while (Date.now() < end) {
          await c.get(DOC);
          await new Promise((r) => setTimeout(r, 10));
        }
      }),
    );
    expect(s.tokenRequests).toBe(8);
  });

  test('a 401 drops the shared token only if it is still the one that failed: a burst of 401s across clients costs one token', async () => {
    const s = await standIn();
    const { store } = recording();
    const clients = [1, 2, 3, 4].map(() => client(s, { store }));
    await Promise.all(clients.map((c) => c.get(DOC)));
    expect(s.tokenRequests).toBe(1);
    s.revoke();
    const results = await Promise.allSettled(clients.flatMap((c) => Array.from({ length: 20 }, () => c.get(DOC))));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(s.tokenRequests).toBe(2);
  });

  test('entries at rest are sealed: no key or value holds the secret, the token or the Client Id, in any encoding', async () => {
    const secret = distinctiveSecret();
    const s = await standIn({ clientSecret: secret, clientId: 'fleet-client-id-7f3a' });
    const { store, written } = recording();
    const c = client(s, { store });
    await c.get(DOC);
    s.revoke();
    await c.get(DOC); // a renewal: a second token written
    const tokens = c.tokens.sensitiveValues();
    expect(written.length).toBeGreaterThanOrEqual(4);
    const everything = written.map((w) => `${w.key} ${w.value}`).join('\n');
    for (const needle of [secret, s.clientId, ...tokens.filter((t) => t.length > 20)]) {
      for (const form of encodings(needle)) expect(everything).not.toContain(form);
    }
    expect(written.every((w) => w.key.startsWith('aspose-cloud-auth:v1:'))).toBe(true);
    expect(inspect(c.tokens, { depth: 5 }) + JSON.stringify(c.tokens)).not.toContain(secret);
  });

  test('another secret cannot read the shared token: it sends its own request (and is refused), never using the entry', async () => {
    const s = await standIn();
    const { store } = recording();
    await client(s, { store }).get(DOC);
    const other = client(s, { store, clientSecret: 'not-the-secret-that-sealed-it' });
    const err = await rejectionOf(other.get(DOC));
    expect(err.code).toBe('ERR_ASPOSE_AUTH_REFUSED');
    expect(s.tokenRequests).toBe(2);
  });

  test('a tampered entry is ignored and replaced', async () => {
    const s = await standIn();
    const { store, inner, written } = recording();
    await client(s, { store }).get(DOC);
    const entry = written.find((w) => w.key.endsWith(':token'))!;
    const flipped = entry.value.slice(0, -6) + (entry.value.at(-6) === 'A' ? 'B' : 'A') + entry.value.slice(-5);
    await inner.set(entry.key, flipped, { ttlMs: 60_000 });
    const c = client(s, { store });
    await c.get(DOC);
    expect(s.tokenRequests).toBe(2);
    expect(c.tokens.stats.fromStore).toBe(0);
    const now = await inner.get(entry.key);
    expect(now).not.toBe(flipped);
    // Replaced by a good one: the next client takes it.
    const third = client(s, { store });
    await third.get(DOC);
    expect(third.tokens.stats.fromStore).toBe(1);
    expect(s.tokenRequests).toBe(2);
  });

  test('a store that hangs or throws never fails a call: the process fetches alone, logs once, and rejoins when the store answers', async () => {
    const s = await standIn();
    const { lines, logger: log } = logger();
    let mode: 'hang' | 'throw' | 'ok' = 'hang';
    const inner = memoryTokenStore();
    const flaky: AsposeTokenStore = {
      get: (k) => (mode === 'hang' ? new Promise(() => {}) : mode === 'throw' ? Promise.reject(new Error('ECONNREFUSED')) : inner.get(k)),
      set: (k, v, o) => (mode === 'hang' ? new Promise(() => {}) : mode === 'throw' ? Promise.reject(new Error('ECONNREFUSED')) : inner.set(k, v, o)),
      delete: (k, v) => (mode === 'ok' ? inner.delete(k, v) : Promise.reject(new Error('ECONNREFUSED'))),
    };
    const c = client(s, { store: flaky, logger: log, min401RenewalIntervalMs: 0 });
    await expect(c.get(DOC)).resolves.toBeDefined();
    expect(c.tokens.status.store).toBe('unavailable');
    mode = 'throw';
    s.revoke();
    await expect(c.get(DOC)).resolves.toBeDefined();
    expect(lines.filter((l) => l.includes('until the store answers again'))).toHaveLength(1);
    mode = 'ok';
    s.revoke();
    await expect(c.get(DOC)).resolves.toBeDefined();
    expect(c.tokens.status.store).toBe('ok');
    expect(lines.filter((l) => l.includes('answers again; this process shares tokens'))).toHaveLength(1);
    expect(s.tokenRequests).toBe(3);
  });

  test('a malformed store option is a config error naming it', () => {
    const err = configError(() => client(undefined, { clientId: 'id', clientSecret: 'secret', store: { get: () => Promise.resolve(undefined) } as never }));
    expect(err).toBeInstanceOf(AsposeConfigError);
    expect(err.issues).toEqual([expect.objectContaining({ option: 'store', problem: expect.stringContaining('no set, delete methods') })]);
  });

  test('redisTokenStore refuses what is not a Redis client, and malformed options', () => {
    const err = configError(() => redisTokenStore({} as never, { commandTimeoutMs: 0 }));
    expect(err.issues.map((i) => i.option).sort()).toEqual(['client', 'commandTimeoutMs']);
    expect(err.message).toContain('createClient().connect()');
  });
});

const describeRedis = REDIS_SERVER ? describe : describe.skip;

describeRedis('fleet mode on a real Redis, in one process', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis.close());

  test('what Redis holds is sealed and keyed without a secret, token or Client Id; entries expire', async () => {
    const secret = distinctiveSecret();
    const s = await standIn({ clientSecret: secret, clientId: 'fleet-client-id-9c1e' });
    const r = await createClient({ url: redis.url }).connect();
    track(r, (x) => x.destroy());
    await r.flushAll();
    const c = client(s, { store: redisTokenStore(r, { keyPrefix: 'test:' }) });
    await c.get(DOC);
    const keys = await r.keys('*');
    expect(keys.sort()).toEqual([
      expect.stringMatching(/^test:aspose-cloud-auth:v1:[0-9a-f]{32}:state$/),
      expect.stringMatching(/^test:aspose-cloud-auth:v1:[0-9a-f]{32}:token$/),
    ]);
    const values = await Promise.all(keys.map((k) => r.get(k)));
    const all = keys.join('\n') + values.join('\n');
    for (const needle of [secret, s.clientId, ...c.tokens.sensitiveValues().filter((t) => t.length > 20)]) {
      for (const form of encodings(needle)) expect(all).not.toContain(form);
    }
    // The token entry lives until the token goes stale, not forever.
    const ttl = await r.pTTL(keys.find((k) => k.endsWith(':token'))!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(s.tokenLifetimeSec * 1000);
  });

  test('a flushed Redis costs one token request for the clients sharing it, not one each', async () => {
    const s = await standIn({ rateLimit: false });
    const r = await createClient({ url: redis.url }).connect();
    track(r, (x) => x.destroy());
    const store = redisTokenStore(r);
    const clients = [1, 2, 3].map(() => client(s, { store, min401RenewalIntervalMs: 0 }));
    await Promise.all(clients.map((c) => c.get(DOC)));
    await r.flushAll();
    s.revoke();
    await Promise.all(clients.flatMap((c) => [c.get(DOC), c.get(DOC)]));
    expect(s.tokenRequests).toBe(2);
  });
});
