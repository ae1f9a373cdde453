/**
 * An adversarial review of fleet mode: hostile or absurd store entries,
 * stores that misbehave, secrets at rest and in print, against the stand-in.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { AsposeAbortError, AsposeAuthError, memoryTokenStore, type AsposeTokenStore } from 'aspose-cloud-auth';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { FleetStore, type SharedPairState } from '../../src/token/fleet-store';
import { cleanup, track } from '../support/cleanup';
import { client } from '../support/clients';

afterEach(cleanup);

const DOC = '/v4.0/words/x.docx';

async function standIn(): Promise<AsposeStandIn> {
  const s = track(await startAsposeStandIn(), (x) => x.close());
  s.storage.put('x.docx', 'a document');
  return s;
}

/** A peer holding the same secret: writes authentic (sealed) entries, whatever they say. */
function peer(s: AsposeStandIn, store: AsposeTokenStore) {
  const fleet = new FleetStore(store, `${s.url}/connect/token`, () => {});
  const key = createHash('sha256').update(s.clientId).update('\0').update(s.clientSecret).digest('hex');
  const p = fleet.pair({ clientId: s.clientId, clientSecret: s.clientSecret, key });
  return { fleet, p };
}

describe('fleet review: what an authentic peer shares is bounded', () => {
  test.each([
    ['lockout', 1e300],
    ['lockout', 8e15],
    ['refusal', 1e300],
    ['outage', 8e15],
    ['service', 1e300],
  ] as const)('a %s hold with retryAt %d (no sane peer writes it) is ignored: the call gets a token', async (kind, retryAt) => {
    const s = await standIn();
    const store = memoryTokenStore();
    const c = client(s, { store });
    const { fleet, p } = peer(s, store);
    const state: SharedPairState = {
      refusedAt: [],
      consecutiveRefusals: 0,
      hold: {
        kind,
        retryAt,
        code: kind === 'refusal' ? 'ERR_ASPOSE_AUTH_REFUSED' : kind === 'outage' ? 'ERR_ASPOSE_AUTH_UNAVAILABLE' : 'ERR_ASPOSE_AUTH_RATE_LIMITED',
        status: kind === 'lockout' ? 429 : 503,
        message: 'held by a peer',
        oauthError: undefined,
        askedMs: undefined,
        failures: 1,
      },
    };
    await fleet.writeState(p, state, 60_000);
    await expect(c.get(DOC)).resolves.toBeDefined();
    expect(s.tokenRequests).toBe(1);
  });

  test('a hold a peer shares within the hour is still honoured (the control)', async () => {
    const s = await standIn();
    const store = memoryTokenStore();
    const c = client(s, { store });
    const { fleet, p } = peer(s, store);
    const retryAt = Date.now() + 10 * 60_000;
    const hold = {
      kind: 'lockout',
      retryAt,
      code: 'ERR_ASPOSE_AUTH_RATE_LIMITED',
      status: 429,
      message: 'locked out',
      oauthError: undefined,
      askedMs: 600_000,
      failures: undefined,
    } as const;
    await fleet.writeState(p, { refusedAt: [], consecutiveRefusals: 0, hold }, 60_000);
    const err = await c.get(DOC).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AsposeAuthError);
    expect((err as AsposeAuthError).retryAt).toBe(retryAt);
    expect(s.tokenRequests).toBe(0);
  });

  test('refusal times from the future (a peer whose clock is ahead) hold calls back at most the window', async () => {
    const s = await standIn();
    const store = memoryTokenStore();
    const c = client(s, { store });
    const { fleet, p } = peer(s, store);
    const far = Date.now() + 365 * 24 * 3_600_000;
    await fleet.writeState(p, { refusedAt: [far, far + 1, far + 2, far + 3, far + 4], consecutiveRefusals: 5, hold: undefined }, 60_000);
    const err = await c.get(DOC).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AsposeAuthError);
    expect((err as AsposeAuthError).retryAt! - Date.now()).toBeLessThanOrEqual(3_600_000);
  });
});

/** Every encoding a secret could be spotted in. */
function encodings(value: string): string[] {
  const b = Buffer.from(value);
  return [value, b.toString('base64'), b.toString('base64url'), b.toString('hex'), encodeURIComponent(value)];
}

describe('fleet review: a hostile or broken store never fails a call, hangs it, or leaks', () => {
  const answers: [string, () => Promise<unknown>][] = [
    ['a 10 MB string', () => Promise.resolve(`v1.${'A'.repeat(10 * 1024 * 1024)}`)],
    ['a Buffer', () => Promise.resolve(Buffer.from('v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))],
    ['an object', () => Promise.resolve({ toString: () => 'v1.x', length: 3 })],
    ['a number', () => Promise.resolve(42)],
    ['a thenable', () => ({ then: (ok: (v: unknown) => void) => ok('v1.not-sealed') }) as unknown as Promise<unknown>],
    ['a late rejection', () => new Promise((_, no) => setTimeout(() => no(new Error('late')), 50))],
    [
      'a synchronous throw',
      () => {
        throw new Error('sync');
      },
    ],
    ['an unsealed entry of the right shape', () => Promise.resolve(`v1.${Buffer.alloc(64).toString('base64url')}`)],
  ];
  test.each(answers)('a store answering %s: the call gets its own token, and nothing is unhandled', async (_name, answer) => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const s = await standIn();
      const inner = memoryTokenStore();
      const store: AsposeTokenStore = { get: answer as AsposeTokenStore['get'], set: (k, v, o) => inner.set(k, v, o), delete: (k, v) => inner.delete(k, v) };
      const c = client(s, { store });
      await expect(c.get(DOC)).resolves.toBeDefined();
      expect(s.tokenRequests).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('close() while waiting for another process’s fetch ends the wait with a typed error, and no token request is sent', async () => {
    const s = await standIn();
    const store = memoryTokenStore();
    const c = client(s, { store, tokenTimeoutMs: 20_000 });
    const { p } = peer(s, store);
    await store.set(p.leaseKey, 'another process', { ttlMs: 60_000, ifAbsent: true });
    const call = c.tokens.getToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 300));
    await c.close();
    const err = await call;
    expect(err).toBeInstanceOf(AsposeAuthError);
    expect((err as AsposeAuthError).message).toMatch(/closed/);
    expect(s.tokenRequests).toBe(0);
  });

  test('an AbortSignal ends a caller’s wait for another process’s fetch', async () => {
    const s = await standIn();
    const store = memoryTokenStore();
    const c = client(s, { store, tokenTimeoutMs: 20_000 });
    const { p } = peer(s, store);
    await store.set(p.leaseKey, 'another process', { ttlMs: 60_000, ifAbsent: true });
    await expect(c.tokens.getToken({ signal: AbortSignal.timeout(200) })).rejects.toBeInstanceOf(AsposeAbortError);
    expect(s.tokenRequests).toBe(0);
  });

  test('nothing printed of the client, its tokens or the store holds the secret or the token, in any encoding', async () => {
    const s = await standIn();
    const store = memoryTokenStore();
    const lines: string[] = [];
    const log = (m: string) => lines.push(m);
    const a = client(s, { store, logger: { log, warn: log, error: log, debug: log } });
    const b = client(s, { store, logger: { log, warn: log, error: log, debug: log } });
    await a.get(DOC);
    await b.get(DOC);
    expect(b.tokens.stats.fromStore).toBe(1);
    const token = (await b.tokens.getToken()).value;
    const printed = [
      inspect(a, { depth: 8, showHidden: true }),
      inspect(b.tokens, { depth: 8 }),
      JSON.stringify(a),
      JSON.stringify(b.tokens),
      inspect(store, { depth: 8, showHidden: true }),
      ...lines,
    ].join('\n');
    for (const needle of [...encodings(s.clientSecret), ...encodings(token)]) expect(printed).not.toContain(needle);
  });
});

describe('fleet review: the lease', () => {
  test('a short Retry-After window waited out by the lease holder, longer than the lease: still one token request for the fleet', async () => {
    const s = await standIn();
    const store = memoryTokenStore();
    const clients = [1, 2, 3].map(() => client(s, { store, tokenTimeoutMs: 300 }));
    const { fleet, p } = peer(s, store);
    const retryAt = Date.now() + 1_500;
    const hold = {
      kind: 'service',
      retryAt,
      code: 'ERR_ASPOSE_AUTH_UNAVAILABLE',
      status: 503,
      message: 'back off',
      oauthError: undefined,
      askedMs: 1_500,
      failures: undefined,
    } as const;
    await fleet.writeState(p, { refusedAt: [], consecutiveRefusals: 0, hold }, 60_000);
    await Promise.all(clients.map((c) => c.get(DOC)));
    expect(s.tokenRequests).toBe(1);
  });
});
