/**
 * Expiry: counted from when the token request was sent, from `expires_in` or
 * else the JWT's `exp`; refreshed ahead of expiry by a margin that scales with
 * the lifetime; the old token keeps serving while one background refresh runs.
 *
 * Where a test needs to stand at a point in a long token's life it pins
 * `Date.now` (a 24 h token cannot be waited out); everything else, and every
 * HTTP exchange, runs in real time.
 */
import { TokenService } from 'aspose-cloud-auth';
import { cleanup, track } from '../support/cleanup';
import { client, tokenService } from '../support/clients';
import { sleep, waitFor } from '../support/polling';
import { captureServer, standIn } from '../support/servers';

afterEach(async () => {
  jest.restoreAllMocks();
  await cleanup();
});

function pinClock(at: number): void {
  jest.spyOn(Date, 'now').mockReturnValue(at);
}

/** An unsigned JWT with these claims: enough for a client that only reads timing. */
function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}.c2ln`;
}

describe('expiry is counted from when the token request was sent', () => {
  test('a slow token answer does not stretch the token past what the server granted', async () => {
    const server = await standIn({ tokenLifetimeSec: 3600 });
    server.failToken({ kind: 'delay', ms: 600 });
    const tokens = tokenService(server);
    const before = Date.now();
    const token = await tokens.getToken();
    const after = Date.now();
    expect(after - before).toBeGreaterThanOrEqual(550);
    expect(token.obtainedAt).toBeGreaterThanOrEqual(before);
    expect(token.expiresAt - token.obtainedAt).toBe(3_600_000);
    // Counted from the answer it would be at least after + 3600 s.
    expect(token.expiresAt).toBeLessThanOrEqual(after - 500 + 3_600_000);
  });

  test('without expires_in, the lifetime comes from the JWT exp claim', async () => {
    const server = await standIn({ tokenLifetimeSec: 120, omitExpiresIn: true });
    const tokens = tokenService(server);
    const token = await tokens.getToken();
    expect(token.expiresAt - token.obtainedAt).toBe(120_000);
  });

  test('expires_in wins over the JWT exp, and a numeric string is accepted', async () => {
    const endpoint = await captureServer();
    const now = Math.floor(Date.now() / 1000);
    endpoint.respond = () => ({ status: 200, body: { access_token: jwt({ iat: now, exp: now + 86_400 }), token_type: 'Bearer', expires_in: '90' } });
    const tokens = tokenService({ url: endpoint.url, clientId: 'id', clientSecret: 'secret' });
    const token = await tokens.getToken();
    expect(token.expiresAt - token.obtainedAt).toBe(90_000);
  });

  test('an opaque token without expires_in is given a finite lifetime, not forever', async () => {
    const endpoint = await captureServer();
    endpoint.respond = () => ({ status: 200, body: { access_token: 'opaque-token-value', token_type: 'bearer' } });
    const tokens = tokenService({ url: endpoint.url, clientId: 'id', clientSecret: 'secret' });
    const token = await tokens.getToken();
    expect(Number.isFinite(token.expiresAt)).toBe(true);
    expect(token.expiresAt - token.obtainedAt).toBeLessThanOrEqual(3_600_000);
    expect(token.tokenType).toBe('Bearer');
  });
  test("a static access token's expiry is its JWT exp, however long ago it was issued", async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = track(new TokenService({ accessToken: jwt({ iat: now - 3_000, exp: now + 600 }), baseUrl: 'https://api.aspose.cloud' }), (t) => t.close());
    const token = await tokens.getToken();
    expect(token.expiresAt).toBe((now + 600) * 1000);
  });
});

describe('the refresh margin scales with the lifetime', () => {
  test('a 24-hour token is refreshed about 5 minutes before it expires', async () => {
    const server = await standIn({ tokenLifetimeSec: 86_400 });
    const tokens = tokenService(server);
    const first = await tokens.getToken();

    pinClock(first.expiresAt - 5 * 60_000 - 1_000);
    expect((await tokens.getToken()).value).toBe(first.value);
    expect(server.tokenRequests).toBe(1);

    pinClock(first.expiresAt - 5 * 60_000 + 1_000);
    expect((await tokens.getToken()).value).toBe(first.value);
    expect(tokens.stats.refreshesAhead).toBe(1);
    await waitFor(() => tokens.stats.tokensIssued === 2, 'the background refresh');
    const second = await tokens.getToken();
    expect(second.value).not.toBe(first.value);
    expect(server.tokenRequests).toBe(2);
  });

  test('a 3-second token is not refreshed on every call', async () => {
    const server = await standIn({ tokenLifetimeSec: 3 });
    const tokens = tokenService(server);
    const first = await tokens.getToken();

    // Two thirds of the way through its life: a fixed margin of minutes (or
    // even 30 s) would make every one of these calls fetch a token.
    pinClock(first.obtainedAt + 2_000);
    for (let i = 0; i < 1_000; i++) expect((await tokens.getToken()).value).toBe(first.value);
    expect(server.tokenRequests).toBe(1);

    // In its last fifth, 1000 calls start exactly one background refresh.
    pinClock(first.obtainedAt + 2_500);
    for (let i = 0; i < 1_000; i++) expect((await tokens.getToken()).value).toBe(first.value);
    await waitFor(() => tokens.stats.tokensIssued === 2, 'the background refresh');
    expect(server.tokenRequests).toBe(2);
    expect(tokens.stats.refreshesAhead).toBe(1);
  });

  test('in the last moments of its life a token is no longer handed out: callers wait for a new one', async () => {
    const server = await standIn({ tokenLifetimeSec: 2 });
    const tokens = tokenService(server);
    const first = await tokens.getToken();
    pinClock(first.expiresAt - 50); // inside the 5% skew (100 ms of 2 s)
    const next = await tokens.getToken();
    expect(next.value).not.toBe(first.value);
    expect(server.tokenRequests).toBe(2);
  });

  test('refreshAheadMs and expirySkewMs cap the margins', async () => {
    const server = await standIn({ tokenLifetimeSec: 86_400 });
    const tokens = tokenService(server, { refreshAheadMs: 60_000, expirySkewMs: 5_000 });
    const first = await tokens.getToken();
    pinClock(first.expiresAt - 61_000);
    await tokens.getToken();
    expect(tokens.stats.refreshesAhead).toBe(0);
    pinClock(first.expiresAt - 6_000);
    expect((await tokens.getToken()).value).toBe(first.value);
    expect(tokens.stats.refreshesAhead).toBe(1);
  });
});

describe('refresh ahead', () => {
  test('inside the refresh window callers get the old token at once while one background refresh runs', async () => {
    const server = await standIn({ tokenLifetimeSec: 3_600 });
    const tokens = tokenService(server);
    const first = await tokens.getToken();
    server.failToken({ kind: 'delay', ms: 500 });
    pinClock(first.expiresAt - 60_000);

    const during = await Promise.all(Array.from({ length: 100 }, () => tokens.getToken()));
    // Every caller was answered before the (delayed) refresh could answer.
    expect(server.tokensIssued).toBe(1);
    expect(during.every((t) => t.value === first.value)).toBe(true);
    await waitFor(() => server.tokenRequests === 2, 'the refresh to reach the server');
    expect(tokens.stats.refreshesAhead).toBe(1);

    await waitFor(() => tokens.stats.tokensIssued === 2, 'the background refresh');
    expect(server.tokenRequests).toBe(2);
    const after = await tokens.getToken();
    expect(after.value).not.toBe(first.value);
  });

  test('API calls inside the refresh window do not wait for the refresh', async () => {
    const server = await standIn({ tokenLifetimeSec: 3_600 });
    const aspose = client(server);
    await aspose.get('/v4.0/words/a.docx');
    const first = await aspose.tokens.getToken();
    server.failToken({ kind: 'delay', ms: 800 });
    pinClock(first.expiresAt - 60_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => aspose.get<{ Document: unknown }>('/v4.0/words/a.docx')));
    expect(results).toHaveLength(20);
    expect(server.tokensIssued).toBe(1); // answered with the old token while the refresh was still delayed
    await waitFor(() => aspose.tokens.stats.tokensIssued === 2, 'the background refresh');
    expect(server.tokenRequests).toBe(2);
    expect(server.unauthorized).toBe(0);
  });
});

test('2-second tokens over several seconds with 0 failed calls and 0 401s', async () => {
  const server = await standIn({ tokenLifetimeSec: 2 });
  const aspose = client(server);
  const end = performance.now() + 5_500;
  let ok = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (performance.now() < end) {
      try {
        const res = await aspose.request({ path: '/v4.0/words/a.docx' });
        await res.body.dump();
        if (res.statusCode === 200) ok++;
        else failures.push(res.statusCode);
      } catch (err) {
        failures.push(err);
      }
      await sleep(2);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  expect(failures).toEqual([]);
  expect(ok).toBeGreaterThan(100);
  expect(server.unauthorized).toBe(0);
  // Refreshed a few times (5.5 s of 2 s tokens), not on every call.
  expect(server.tokensIssued).toBeGreaterThanOrEqual(3);
  expect(server.tokensIssued).toBeLessThanOrEqual(12);
  expect(aspose.tokens.stats.refreshesAhead).toBeGreaterThanOrEqual(2);
});
