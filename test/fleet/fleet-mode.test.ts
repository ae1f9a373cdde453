/**
 * Fleet mode across real processes: 8 workers (fleet-worker.cjs, each an
 * AsposeClient from the built package) share one token store through a real
 * redis-server on loopback, against the stand-in in this process.
 */
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { requireBuild } from '../support/package';
import { REDIS_SERVER, RedisServer } from '../support/redis-server';
import { startFleet, total, type FleetOptions, type FleetWorker, type RedisLib } from './fleet';

const describeRedis = REDIS_SERVER ? describe : describe.skip;
if (!REDIS_SERVER) console.warn('fleet-mode: redis-server is not installed, so this suite is skipped (apt-get install -y redis-server)');

jest.setTimeout(120_000);

let redis: RedisServer;
let standIn: AsposeStandIn;
let fleet: FleetWorker[] = [];

beforeAll(async () => {
  if (!REDIS_SERVER) return;
  requireBuild();
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.close();
});
beforeEach(async () => {
  standIn = await startAsposeStandIn();
  // What the workers read (fleet-worker.cjs): the stand-in answers only for stored documents.
  standIn.storage.put('fleet.docx', 'a document for the fleet');
});
afterEach(async () => {
  // What a worker said about the store (down, back, a wait given up), shown to explain a count.
  const logs = await Promise.all(
    fleet
      .filter((w) => !w.exited)
      .map((w) =>
        w.stats().then(
          (st) => st.logs,
          () => [] as string[],
        ),
      ),
  );
  const lines = logs.flat().filter((l) => l.includes('fleet mode'));
  if (lines.length > 0) console.log(`fleet workers on the store:\n${lines.slice(0, 20).join('\n')}`);
  await Promise.all(fleet.map((w) => w.close()));
  fleet = [];
  await standIn.close();
});

function options(lib: RedisLib, extra: Partial<FleetOptions> = {}): FleetOptions {
  return { lib, redisUrl: redis.url, baseUrl: standIn.url, clientId: standIn.clientId, clientSecret: standIn.clientSecret, ...extra };
}

/** Waits until `check` holds, looking every 20 ms, for at most `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeRedis('fleet mode with a real Redis: 8 processes, one credential pair', () => {
  test.each<RedisLib>(['redis', 'ioredis', 'iovalkey'])(
    'a cold fleet of 8 processes × 200 concurrent first calls sends exactly 1 token request (%s client)',
    async (lib) => {
      fleet = await startFleet(8, options(lib));
      const outcomes = await Promise.all(fleet.map((w) => w.call(200)));
      expect(total(outcomes)).toMatchObject({ ok: 1600, failed: 0 });
      expect(standIn.tokenRequests).toBe(1);
      const stats = await Promise.all(fleet.map((w) => w.stats()));
      // One process fetched; the other seven took its token from the store.
      expect(stats.map((s) => s.stats.requests).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
      expect(stats.filter((s) => s.stats.fromStore === 1)).toHaveLength(7);
      // Steady state: more calls touch neither the token endpoint nor (so) the store's fetch path.
      expect(total(await Promise.all(fleet.map((w) => w.call(50))))).toMatchObject({ ok: 400, failed: 0 });
      expect(standIn.tokenRequests).toBe(1);
    },
  );

  test('without a store, the same cold fleet sends one token request per process (the control)', async () => {
    fleet = await startFleet(8, options('none'));
    expect(total(await Promise.all(fleet.map((w) => w.call(200))))).toMatchObject({ ok: 1600, failed: 0 });
    expect(standIn.tokenRequests).toBe(8);
  });

  test.each<RedisLib>(['redis', 'ioredis'])('a revocation while every process is busy costs 1 token request and fails no call (%s client)', async (lib) => {
    fleet = await startFleet(8, options(lib));
    await Promise.all(fleet.map((w) => w.call(10)));
    expect(standIn.tokenRequests).toBe(1);
    await Promise.all(fleet.map((w) => w.ask('loop', { concurrency: 4 })));
    await until(() => standIn.apiRequests > 400);
    const before = standIn.apiRequests;
    standIn.revoke();
    // Every process meets the 401 and carries on: wait for plenty of calls after it.
    await until(() => standIn.unauthorized >= 8 && standIn.apiRequests > before + 800);
    const outcomes = await Promise.all(fleet.map((w) => w.ask<{ ok: number; failed: number; codes: Record<string, number> }>('stop')));
    const sum = total(outcomes.map((o) => ({ ...o })));
    expect(sum.failed).toBe(0);
    expect(sum.ok).toBeGreaterThan(800);
    expect(standIn.tokenRequests).toBe(2);
  });

  test('the lease holder killed mid-fetch: the lease expires and another process fetches; no call fails', async () => {
    const tokenTimeoutMs = 1_500;
    // The first token request hangs (its process is killed while it waits); the next is answered.
    standIn.failToken({ kind: 'delay', ms: 5_000 });
    fleet = await startFleet(8, options('redis', { tokenTimeoutMs }));
    const [holder, ...rest] = fleet;
    void holder.call(1).catch(() => {});
    await until(() => standIn.tokenRequests === 1);
    const pending = Promise.all(rest.map((w) => w.call(50)));
    // The seven wait on the holder's lease; then the holder dies.
    await new Promise((r) => setTimeout(r, 200));
    expect(standIn.tokenRequests).toBe(1);
    await holder.kill();
    expect(total(await pending)).toMatchObject({ ok: 350, failed: 0 });
    // The dead holder's request and one more: the fleet took over once, not once per process.
    expect(standIn.tokenRequests).toBe(2);
    const stats = await Promise.all(rest.map((w) => w.stats()));
    expect(stats.filter((s) => s.stats.fromStore === 1)).toHaveLength(6);
  });

  test('refused credentials across 8 busy processes: at most 5 token requests in the rule’s window, and no lockout', async () => {
    // The refusal backoff scaled down (initial 50 ms, doubling to 400 ms), so the
    // fleet would run into the limit within a few seconds; the window stays 10 minutes.
    const scaled = { refusalBackoff: { initialDelayMs: 50, maxDelayMs: 400 } };
    fleet = await startFleet(8, options('redis', { clientSecret: 'wrong-secret-for-the-fleet', options: scaled }));
    await Promise.all(fleet.map((w) => w.ask('loop', { concurrency: 2 })));
    await new Promise((r) => setTimeout(r, 4_000));
    const outcomes = await Promise.all(fleet.map((w) => w.ask<{ ok: number; failed: number; codes: Record<string, number> }>('stop')));
    const sum = total(outcomes);
    expect(sum.ok).toBe(0);
    expect(Object.keys(sum.codes)).toEqual(['ERR_ASPOSE_AUTH_REFUSED']);
    expect(standIn.tokenRequests).toBeGreaterThanOrEqual(2);
    expect(standIn.tokenRequests).toBeLessThanOrEqual(5);
    expect(standIn.tokenRateLimited).toBe(0);
    expect(standIn.lockouts).toBe(0);
  });

  test('the same refused fleet without a store trips Aspose’s lockout (the control)', async () => {
    const scaled = { refusalBackoff: { initialDelayMs: 50, maxDelayMs: 400 } };
    fleet = await startFleet(8, options('none', { clientSecret: 'wrong-secret-for-the-fleet', options: scaled }));
    await Promise.all(fleet.map((w) => w.ask('loop', { concurrency: 2 })));
    await new Promise((r) => setTimeout(r, 2_000));
    await Promise.all(fleet.map((w) => w.ask('stop')));
    expect(standIn.tokenRequests).toBeGreaterThan(5);
    expect(standIn.lockouts).toBe(1);
  });

  test.each<RedisLib>(['redis', 'ioredis'])('Redis stopped mid-run and restarted: 0 failed calls, and the fleet shares again (%s client)', async (lib) => {
    fleet = await startFleet(8, options(lib));
    await Promise.all(fleet.map((w) => w.call(10)));
    await Promise.all(fleet.map((w) => w.ask('loop', { concurrency: 4 })));
    await until(() => standIn.apiRequests > 200);
    await redis.stop();
    // Tokens revoked while Redis is down: every process must renew on its own.
    standIn.revoke();
    const revokedAt = standIn.apiRequests;
    await until(() => standIn.apiRequests > revokedAt + 800);
    const alone = standIn.tokenRequests;
    expect(alone).toBeGreaterThan(1);
    await redis.resume();
    // Back (empty, like a flushed Redis): the next renewal is shared again.
    // The clients reconnect within about 100 ms; and min401RenewalIntervalMs (5 s) must pass since the last renewal.
    await new Promise((r) => setTimeout(r, 5_100));
    standIn.revoke();
    const again = standIn.apiRequests;
    await until(() => standIn.apiRequests > again + 800);
    const outcomes = await Promise.all(fleet.map((w) => w.ask<{ ok: number; failed: number; codes: Record<string, number> }>('stop')));
    expect(total(outcomes)).toMatchObject({ failed: 0 });
    const stats = await Promise.all(fleet.map((w) => w.stats()));
    expect(standIn.tokenRequests - alone).toBe(1);
    // Each process said once that the store was down, and once that it was back.
    for (const s of stats) {
      expect(s.logs.filter((l) => l.includes('fetches its own tokens until the store answers again')).length).toBeGreaterThanOrEqual(1);
    }
  });
});
