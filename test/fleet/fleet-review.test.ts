/**
 * An adversarial review of fleet mode: hostile or absurd store entries,
 * stores that misbehave, secrets at rest and in print, against the stand-in.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { AsposeAuthError, memoryTokenStore, type AsposeTokenStore } from 'aspose-cloud-auth';
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
