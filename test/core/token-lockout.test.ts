/**
 * Aspose's token-endpoint rate limit, and how the token service lives with it:
 * - the stand-in models the documented rule (per credential pair, 429 with
 *   `Retry-After: 600` past 5 failed requests, for 10 minutes);
 * - a `Retry-After` holds back every token request until it has passed
 *   (`ERR_ASPOSE_AUTH_RATE_LIMITED`), while a cached token keeps serving;
 * - refusals back off exponentially, and one service never sends more than 5
 *   token requests in any 10 minutes with refused credentials; a refusal's own
 *   `Retry-After` holds its pair back that long;
 * - a token endpoint that keeps failing transiently is not hammered: after a
 *   fetch has spent its retries, every token request is held back for a while
 *   (exponential, capped at a minute), and calls fail at once meanwhile.
 *
 * The 10-minute properties run on a simulated clock (`Date.now` spied), which
 * the stand-in reads too; every HTTP exchange is real.
 */
import { request, Agent } from 'undici';
import { parseRetryAfter } from '../../src/token/token-endpoint';
import { AccessToken, AsposeAuthError, type TokenService } from 'aspose-cloud-auth';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';
import { cleanup, track } from '../support/cleanup';
import { client, tokenService } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { sleep, waitFor } from '../support/polling';
import { captureServer, standIn } from '../support/servers';

afterEach(async () => {
  jest.restoreAllMocks();
  await cleanup();
});

const MIN = 60_000;

/** A clock that moves only when told to. The stand-in, in this process, reads it too. */
function simulatedClock(start = Math.floor(Date.now() / 1000) * 1000) {
  let now = start;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  return {
    start,
    get now() {
      return now;
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

/** One raw token request, as any client would send it: status and Retry-After. */
async function rawTokenRequest(
  server: AsposeStandIn,
  clientId: string,
  clientSecret: string,
): Promise<{ status: number; retryAfter: string | undefined; body: any }> {
  const dispatcher = track(new Agent(), (a) => a.close());
  const res = await request(`${server.url}/connect/token`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
  });
  return { status: res.statusCode, retryAfter: res.headers['retry-after'] as string | undefined, body: await res.body.json() };
}

/** The most entries of `times` (sorted) inside any half-open window of `windowMs`. */
function mostInAnyWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/**
 * A steady stream of calls on the simulated clock: `perSecond` calls a second
 * (each a burst of `burst` concurrent calls), for `durationMs`. Returns when
 * (simulated) each token request reached the server, and the error codes seen.
 */
async function steadyStream(
  server: AsposeStandIn,
  clock: ReturnType<typeof simulatedClock>,
  call: () => Promise<unknown>,
  { durationMs, perSecond = 10, burst = 1 }: { durationMs: number; perSecond?: number; burst?: number },
): Promise<{ requestTimes: number[]; codes: Map<string, number> }> {
  const requestTimes: number[] = [];
  const codes = new Map<string, number>();
  let seen = server.tokenRequests;
  const step = 1000 / perSecond;
  for (let t = 0; t < durationMs; t += step) {
    const outcomes = await Promise.all(
      Array.from({ length: burst }, () =>
        call().then(
          () => 'ok',
          (err: { code?: string }) => err.code ?? 'unknown',
        ),
      ),
    );
    for (const o of outcomes) codes.set(o, (codes.get(o) ?? 0) + 1);
    for (; seen < server.tokenRequests; seen++) requestTimes.push(clock.now - clock.start);
    clock.advance(step);
  }
  return { requestTimes, codes };
}

describe('the stand-in models Aspose’s rate limit', () => {
  test('per pair: five 400s, then 429 with Retry-After: 600 for 10 minutes, valid or not; another pair is not affected', async () => {
    const clock = simulatedClock();
    const server = await standIn();
    for (let i = 0; i < 5; i++) expect((await rawTokenRequest(server, server.clientId, 'wrong-secret')).status).toBe(400);
    expect(server.rateLimitState(server.clientId, 'wrong-secret')).toEqual({ failures: 5, lockedUntil: 0 });

    const sixth = await rawTokenRequest(server, server.clientId, 'wrong-secret');
    expect(sixth).toMatchObject({ status: 429, retryAfter: '600' });
    expect(server.rateLimitState(server.clientId, 'wrong-secret')).toEqual({ failures: 5, lockedUntil: clock.now + 600_000 });
    // The accepted pair is another pair: it still gets its token.
    expect((await rawTokenRequest(server, server.clientId, server.clientSecret)).status).toBe(200);

    clock.advance(4 * MIN);
    expect(await rawTokenRequest(server, server.clientId, 'wrong-secret')).toMatchObject({ status: 429, retryAfter: '360' });
    clock.advance(6 * MIN);
    expect((await rawTokenRequest(server, server.clientId, 'wrong-secret')).status).toBe(400); // over, and counting from 1 again
    expect(server.rateLimitState(server.clientId, 'wrong-secret')).toEqual({ failures: 1, lockedUntil: 0 });
    expect(server).toMatchObject({ tokenRequests: 9, tokenFailures: 6, tokenRateLimited: 2, lockouts: 1, tokensIssued: 1 });
  });

  test('a locked-out pair gets 429 even with the right secret (lockOut(), or 400s played by failToken), and a token clears the count', async () => {
    const clock = simulatedClock();
    const server = await standIn();
    server.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client' } }, 2);
    expect((await rawTokenRequest(server, server.clientId, server.clientSecret)).status).toBe(400);
    expect((await rawTokenRequest(server, server.clientId, server.clientSecret)).status).toBe(400);
    expect(server.rateLimitState()).toEqual({ failures: 2, lockedUntil: 0 });
    expect((await rawTokenRequest(server, server.clientId, server.clientSecret)).status).toBe(200);
    expect(server.rateLimitState()).toEqual({ failures: 0, lockedUntil: 0 });

    server.lockOut();
    expect(await rawTokenRequest(server, server.clientId, server.clientSecret)).toMatchObject({ status: 429, retryAfter: '600' });
    clock.advance(10 * MIN);
    expect((await rawTokenRequest(server, server.clientId, server.clientSecret)).status).toBe(200);
  });

  test('rateLimit options change the count and the lockout; rateLimit: false turns it off', async () => {
    const clock = simulatedClock();
    const short = await standIn({ rateLimit: { maxFailures: 2, lockoutSec: 1.5 } });
    expect((await rawTokenRequest(short, 'id', 'x')).status).toBe(400);
    expect((await rawTokenRequest(short, 'id', 'x')).status).toBe(400);
    expect(await rawTokenRequest(short, 'id', 'x')).toMatchObject({ status: 429, retryAfter: '2' });
    clock.advance(1_500);
    expect((await rawTokenRequest(short, 'id', 'x')).status).toBe(400);

    const off = await standIn({ rateLimit: false });
    for (let i = 0; i < 8; i++) expect((await rawTokenRequest(off, 'id', 'x')).status).toBe(400);
    expect(off).toMatchObject({ tokenFailures: 8, tokenRateLimited: 0, lockouts: 0 });
    expect(() => off.lockOut()).toThrow(/rate limit is off/);
  });
});

describe('a Retry-After holds back every token request until it has passed', () => {
  test('a 429 lockout: one request, then every call fails at once with ERR_ASPOSE_AUTH_RATE_LIMITED until it ends', async () => {
    const clock = simulatedClock();
    const server = await standIn();
    server.lockOut();
    const tokens = tokenService(server);

    const first = await rejectionOf(tokens.getToken());
    expect(first).toBeInstanceOf(AsposeAuthError);
    expect(first).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', status: 429, attempts: 1, retryAt: clock.now + 600_000, retryAfterMs: 600_000 });
    expect(first.message).toMatch(/10 minutes after 5 refused token requests/);
    expect(first.message).toMatch(/check the Client Id and Client Secret/);
    expect(first.message).toContain(new Date(clock.now + 600_000).toISOString());

    // 200 calls, in bursts, over most of the window: not one more request.
    for (let burst = 0; burst < 10; burst++) {
      clock.advance(55_000);
      const errors = await Promise.all(Array.from({ length: 20 }, () => rejectionOf(tokens.getToken())));
      for (const err of errors) expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', status: 429, attempts: 0, retryAt: clock.start + 600_000 });
      expect(errors[0].retryAfterMs).toBe(600_000 - (burst + 1) * 55_000);
      expect(errors[0].message).toMatch(/\d+ (s|min \d+ s) from now/);
    }
    expect(server.tokenRequests).toBe(1);
    expect(tokens.stats).toMatchObject({ requests: 1, failures: 1, heldBack: 200 });

    clock.advance(50_000); // 600 s after the 429: the window and the stand-in's lockout end together
    await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken);
    expect(server.tokenRequests).toBe(2);
  });

  test('a server asking to wait 99,999 s gets one request, not one per call (honoured for at most an hour)', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 429, body: { error: 'slow_down' }, headers: { 'retry-after': '99999' } }, 1000);
    const tokens = tokenService(server);
    const errors = await Promise.all(Array.from({ length: 200 }, () => rejectionOf(tokens.getToken())));
    for (const err of errors) expect(err.code).toBe('ERR_ASPOSE_AUTH_RATE_LIMITED');
    const later = await Promise.all(Array.from({ length: 200 }, () => rejectionOf(tokens.getToken())));
    for (const err of later) expect(err.code).toBe('ERR_ASPOSE_AUTH_RATE_LIMITED');
    expect(server.tokenRequests).toBe(1);
    expect(later[0].retryAt - Date.now()).toBeGreaterThan(59 * MIN);
    expect(later[0].retryAt - Date.now()).toBeLessThanOrEqual(60 * MIN);
    expect(later[0].message).toMatch(/Retry-After 27 h 47 min, honoured for 60 min/);
  });

  test('503 with Retry-After: 3600 holds back the whole service: 20 bursts cost one request, with a message to wait', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, body: { error: 'temporarily_unavailable' }, headers: { 'retry-after': '3600' } }, 100);
    const tokens = tokenService(server);
    for (let burst = 0; burst < 20; burst++) {
      const errors = await Promise.all(Array.from({ length: 10 }, () => rejectionOf(tokens.getToken())));
      for (const err of errors) expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', status: 503, oauthError: 'temporarily_unavailable' });
      await sleep(2);
    }
    expect(server.tokenRequests).toBe(1);
    const err = await rejectionOf(tokens.getToken());
    expect(err.message).toMatch(/answered 503 \(temporarily_unavailable\) with Retry-After 60 min: no token request will be sent before .* from now\): wait/);
    expect(err.message).not.toMatch(/10 minutes/);
    expect(err.cause).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', status: 503 });
  });

  test('an AsposeClient call during the window fails at once with the same code, and the API is not called', async () => {
    const server = await standIn();
    server.lockOut();
    const aspose = client(server);
    for (let burst = 0; burst < 5; burst++) {
      const errors = await Promise.all(Array.from({ length: 10 }, () => rejectionOf(aspose.get('/v4.0/words/a.docx'))));
      for (const err of errors) expect(err.code).toBe('ERR_ASPOSE_AUTH_RATE_LIMITED');
    }
    expect(server.tokenRequests).toBe(1);
    expect(server.apiRequests).toBe(0);
  });

  test('a short Retry-After is waited out by the next fetch too, not just inside the one that met it', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, headers: { 'retry-after': '1' } });
    // A hold after the failed fetch of 10 to 20 ms (retry.maxDelayMs), well inside the 1 s window.
    const tokens = tokenService(server, { retry: { retries: 0, minDelayMs: 5, maxDelayMs: 20 } });
    const started = performance.now();
    expect(await rejectionOf(tokens.getToken())).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', status: 503 });
    // The next caller comes at once, inside the 1 s window: it waits, then sends.
    await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.tokenRequests).toBe(2);
  });

  test('callers holding a valid cached token keep working; the refresh ahead of expiry waits for the window, then succeeds', async () => {
    const clock = simulatedClock();
    // A 2-minute lockout, so that it ends inside the token's refresh window (the last 5 minutes of its hour).
    const server = await standIn({ tokenLifetimeSec: 3600, rateLimit: { lockoutSec: 120 } });
    const tokens = tokenService(server);
    const token = await tokens.getToken();
    clock.advance(56 * MIN);
    server.lockOut();
    expect(await tokens.getToken()).toBe(token); // starts the background refresh, which meets the 429
    await waitFor(() => tokens.stats.failures === 1, 'the background refresh to fail');
    expect(server.tokenRateLimited).toBe(1);
    // Only a caller that insists on a new token is told.
    expect(await rejectionOf(tokens.getToken({ forceRefresh: true }))).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', attempts: 0 });
    for (let i = 0; i < 30; i++) {
      clock.advance(3_000);
      expect(await tokens.getToken()).toBe(token); // no error while the token is valid
      expect(tokens.peekAuthorization()).toBe(token.authorization);
    }
    expect(tokens.stats.requests).toBe(2); // and no request during the window

    clock.advance(40_000); // past the window (and the stand-in's lockout), 1.8 min before the token expires
    expect(await tokens.getToken()).toBe(token); // still valid: the refresh starts in the background
    await waitFor(() => tokens.stats.tokensIssued === 2, 'the background refresh');
    expect((await tokens.getToken()).value).not.toBe(token.value);
    expect(server.tokenRequests).toBe(3);
  });
});

describe('refusals back off, and never more than 5 token requests go in any 10 minutes', () => {
  async function refusedService(server: AsposeStandIn, options: Parameters<typeof tokenService>[1] = {}): Promise<TokenService> {
    return tokenService(server, { clientSecret: 'not-the-secret', ...options });
  }

  test('exponential schedule (no jitter): 0, 10, 30, 70, 150 s, then the 10-minute limit; the stand-in’s lockout is met once and honoured', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(1); // the top of the jitter range: delays exactly 10, 20, 40, 80, 160, 300 s
    const clock = simulatedClock();
    const server = await standIn();
    // maxRetryAfterMs 0: the last seconds of the lockout fail at once too, instead of being waited out in real time.
    const tokens = await refusedService(server, { retry: { maxRetryAfterMs: 0 } });
    const { requestTimes, codes } = await steadyStream(server, clock, () => tokens.getToken(), { durationMs: 30 * MIN });
    expect(requestTimes.map((t) => t / 1000)).toEqual([0, 10, 30, 70, 150, 600, 1200, 1500]);
    expect(mostInAnyWindow(requestTimes, 10 * MIN)).toBeLessThanOrEqual(5);
    // The 6th request (at 600 s) is the stand-in's 6th failure: 429 for 10 minutes, and nothing is sent before it ends.
    expect(server).toMatchObject({ tokenFailures: 7, tokenRateLimited: 1, lockouts: 1 });
    expect(codes.get('ERR_ASPOSE_AUTH_REFUSED')! + codes.get('ERR_ASPOSE_AUTH_RATE_LIMITED')!).toBe(18_000);
    expect(codes.get('ERR_ASPOSE_AUTH_RATE_LIMITED')).toBe(6_000);
  });

  test.each([
    ['default backoff, real jitter', {}, undefined],
    ['default backoff, shortest jitter', {}, 0],
    ['no backoff at all: the sliding-window limit alone', { refusalBackoff: { initialDelayMs: 0 } }, 0],
    ['no backoff, bursts of 50 concurrent calls', { refusalBackoff: { initialDelayMs: 0 } }, 0.3],
  ] as const)('%s: at most 5 token requests in any 10 minutes over an hour of steady calls', async (name, options, random) => {
    if (random !== undefined) jest.spyOn(Math, 'random').mockReturnValue(random);
    const clock = simulatedClock();
    const server = await standIn({ rateLimit: false }); // never 429, so only the service holds requests back
    const tokens = await refusedService(server, options);
    const burst = name.includes('bursts') ? 50 : 1;
    const perSecond = burst > 1 ? 1 : 10;
    const { requestTimes, codes } = await steadyStream(server, clock, () => tokens.getToken(), { durationMs: 60 * MIN, perSecond, burst });
    expect(mostInAnyWindow(requestTimes, 10 * MIN)).toBe(5);
    expect(requestTimes.length).toBeLessThanOrEqual(30);
    expect([...codes.keys()]).toEqual(['ERR_ASPOSE_AUTH_REFUSED']);
    expect(codes.get('ERR_ASPOSE_AUTH_REFUSED')).toBe(3_600 * perSecond * burst);
  });

  test('AsposeClient calls: the same bound, and the API is never called', async () => {
    const clock = simulatedClock();
    const server = await standIn({ rateLimit: false });
    const aspose = client(server, { clientSecret: 'not-the-secret', refusalBackoff: { initialDelayMs: 0 } });
    const { requestTimes, codes } = await steadyStream(server, clock, () => aspose.get('/v4.0/words/a.docx'), { durationMs: 25 * MIN });
    expect(mostInAnyWindow(requestTimes, 10 * MIN)).toBe(5);
    expect(requestTimes.length).toBe(15);
    expect(codes.get('ERR_ASPOSE_AUTH_REFUSED')).toBe(15_000);
    expect(server.apiRequests).toBe(0);
  });

  test('during the backoff calls fail at once with the last refusal, saying when the next request is allowed and why', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0); // the bottom of the jitter range: half the delay
    const clock = simulatedClock();
    const server = await standIn();
    const tokens = await refusedService(server);
    const first = await rejectionOf(tokens.getToken());
    expect(first).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', status: 400, oauthError: 'invalid_client', attempts: 1, retryAt: clock.now + 5_000 });
    expect(first.message).toMatch(/^Token endpoint .* refused the client \(invalid_client\): check the Client Id and Client Secret/);
    expect(first.message).toContain(
      `No token request will be sent for these credentials before ${new Date(clock.now + 5_000).toISOString()} (5 s after this refusal: backoff after 1 refusal in a row)`,
    );
    clock.advance(4_999);
    expect(await rejectionOf(tokens.getToken())).toBe(first);
    clock.advance(1);
    const second = await rejectionOf(tokens.getToken());
    expect(second).not.toBe(first);
    expect(second.retryAt).toBe(clock.now + 10_000);
    expect(server.tokenRequests).toBe(2);
  });

  test('a token resets the backoff: the next refusal starts from the first delay again', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const clock = simulatedClock();
    const server = await standIn();
    const tokens = tokenService(server, { refusalBackoff: { initialDelayMs: 1_000 } });
    server.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client' } }, 3);
    for (const delay of [1_000, 2_000, 4_000]) {
      const err = await rejectionOf(tokens.getToken());
      expect(err.retryAt - clock.now).toBe(delay);
      clock.advance(delay);
    }
    await tokens.getToken();
    tokens.invalidate();
    server.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client' } });
    expect((await rejectionOf(tokens.getToken())).retryAt - clock.now).toBe(1_000);
  });

  test('refusalBackoff options are validated, naming the option', () => {
    expect(() =>
      tokenService({ url: 'http://127.0.0.1:1', clientId: 'a', clientSecret: 'b' }, { refusalBackoff: { maxRequests: 0, windowMs: -1, initialDelayMs: 1.5 } }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_ASPOSE_CONFIG',
        issues: [
          expect.objectContaining({ option: 'refusalBackoff.initialDelayMs' }),
          expect.objectContaining({ option: 'refusalBackoff.maxRequests' }),
          expect.objectContaining({ option: 'refusalBackoff.windowMs' }),
        ],
      }),
    );
  });
});

describe('an unusable token is held back like a refusal', () => {
  test('a token endpoint that keeps issuing a token with a control character costs one request, not one per call', async () => {
    const clock = simulatedClock();
    const server = await standIn({ rateLimit: false });
    const bad = { kind: 'status' as const, status: 200, body: { access_token: 'abc\u0001def', token_type: 'Bearer', expires_in: 3600 } };
    server.failToken(bad, 1000);
    // The first hold-back is 30 to 60 s (60 s jittered down by up to half): longer than the stream.
    const aspose = client(server, { refusalBackoff: { initialDelayMs: 60_000 } });
    const { requestTimes, codes } = await steadyStream(server, clock, () => aspose.get('/v4.0/words/a.docx'), { durationMs: 20_000 });
    expect(requestTimes).toEqual([0]);
    expect([...codes.keys()]).toEqual(['ERR_ASPOSE_AUTH_INVALID_RESPONSE']);
    const held: AsposeAuthError = await rejectionOf(aspose.get('/v4.0/words/a.docx'));
    expect(held.retryAt).toBeGreaterThan(clock.now);
    expect(held.message).toContain('No token request will be sent for these credentials before');
    expect(server.apiRequests).toBe(0);
  });
});

describe('a refusal’s Retry-After holds its pair back that long', () => {
  test.each([
    ['400 invalid_client', { status: 400, body: { error: 'invalid_client' } }, 'ERR_ASPOSE_AUTH_REFUSED'],
    ['401 invalid_client', { status: 401, body: { error: 'invalid_client' } }, 'ERR_ASPOSE_AUTH_REFUSED'],
    ['403', { status: 403, body: { error: 'access_denied' } }, 'ERR_ASPOSE_AUTH_REFUSED'],
    ['302 (a redirect is a refusal)', { status: 302, body: {}, headers: { location: 'https://elsewhere.example/token' } }, 'ERR_ASPOSE_AUTH_REFUSED'],
    ['200 without an access_token', { status: 200, body: { token_type: 'Bearer' } }, 'ERR_ASPOSE_AUTH_INVALID_RESPONSE'],
  ] as const)('%s with Retry-After: 900: no request for 900 s, not just the refusal backoff', async (_, answer, code) => {
    jest.spyOn(Math, 'random').mockReturnValue(1); // the refusal backoff at its longest: 10 s
    const clock = simulatedClock();
    const endpoint = await captureServer();
    endpoint.respond = () => ({ ...answer, headers: { ...('headers' in answer ? answer.headers : {}), 'retry-after': '900' } });
    const tokens = tokenService({ url: endpoint.url, clientId: 'id', clientSecret: 'secretsecretsecret' });
    const first = await rejectionOf(tokens.getToken());
    expect(first).toMatchObject({ code, status: answer.status, attempts: 1, retryAt: clock.now + 900_000 });
    expect(first.message).toContain(`before ${new Date(clock.now + 900_000).toISOString()} (15 min after this refusal: the answer's Retry-After)`);
    for (const step of [11_000, 5 * MIN, 9 * MIN]) {
      clock.advance(step);
      expect(await rejectionOf(tokens.getToken())).toBe(first);
    }
    expect(endpoint.requests).toHaveLength(1);
    clock.advance(900_000 - 11_000 - 14 * MIN);
    await rejectionOf(tokens.getToken());
    expect(endpoint.requests).toHaveLength(2);
  });

  test('the hold is the pair’s: new credentials from a function are tried at once', async () => {
    const clock = simulatedClock();
    const server = await standIn();
    let secret = 'not-the-secret';
    server.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client' }, headers: { 'retry-after': '900' } });
    const tokens = tokenService(server, { clientSecret: () => secret });
    expect(await rejectionOf(tokens.getToken())).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', retryAt: clock.now + 900_000 });
    secret = server.clientSecret;
    clock.advance(CREDENTIAL_RECHECK);
    await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken);
    expect(server.tokenRequests).toBe(2);
  });

  test('a refusal’s Retry-After shorter than the backoff changes nothing: the backoff still holds', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const clock = simulatedClock();
    const server = await standIn();
    server.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client' }, headers: { 'retry-after': '2' } });
    const tokens = tokenService(server);
    const err = await rejectionOf(tokens.getToken());
    expect(err.retryAt).toBe(clock.now + 10_000);
    expect(err.message).toMatch(/backoff after 1 refusal in a row/);
  });
});

/** How long a credential function's last value is trusted while its pair is held back. */
const CREDENTIAL_RECHECK = 1_000;

describe('a token endpoint failing transiently is not hammered: after a fetch gives up, every token request is held back', () => {
  /** Tiny retry delays (real time), and the default 5 s `maxDelayMs`: the hold starts at 5 s. */
  const RETRY = { retries: 3, minDelayMs: 1, maxDelayMs: 5_000 };

  test.each([
    ['429 without Retry-After', { kind: 'status', status: 429, body: { error: 'slow_down' } }],
    ['503 without Retry-After', { kind: 'status', status: 503, body: {} }],
    ['200 with an HTML page', { kind: 'non-json' }],
    ['connection reset', { kind: 'reset' }],
  ] as const)('%s: 20 sequential calls cost one fetch (retries + 1 requests), not 20', async (_, fault) => {
    jest.spyOn(Math, 'random').mockReturnValue(1); // holds at the top of their jitter range
    const clock = simulatedClock();
    const server = await standIn();
    server.failToken(fault, 1000);
    const tokens = tokenService(server, { retry: RETRY });
    const first = await rejectionOf(tokens.getToken());
    expect(first).toBeInstanceOf(AsposeAuthError);
    expect(first).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', attempts: 4, retryAt: clock.now + 5_000 });
    expect(first.message).toMatch(/gave up after 4 attempts/);
    expect(first.message).toContain(
      `No token request will be sent before ${new Date(clock.now + 5_000).toISOString()} (5 s after this failure: backoff after 1 failed token fetch in a row`,
    );
    for (let i = 0; i < 19; i++) expect(await rejectionOf(tokens.getToken())).toBe(first);
    expect(server.tokenRequests).toBe(4);
    expect(tokens.stats).toMatchObject({ requests: 4, failures: 1, heldBack: 19 });
  });

  test('the hold doubles with each failed fetch in a row (5, 10, 20, 40 s, then 60 s), is jittered down by up to half, and a token resets it', async () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(1);
    const clock = simulatedClock();
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, body: {} }, 8 * 4); // eight fetches' worth
    const tokens = tokenService(server, { retry: RETRY });
    const holds: number[] = [];
    for (let fetch = 0; fetch < 7; fetch++) {
      const err = await rejectionOf(tokens.getToken());
      holds.push(err.retryAt - clock.now);
      expect(err.message).toContain(`backoff after ${fetch + 1} failed token fetch${fetch === 0 ? '' : 'es'} in a row`);
      clock.advance(err.retryAt - clock.now - 1);
      expect(await rejectionOf(tokens.getToken())).toBe(err); // 1 ms before the hold ends: still held
      clock.advance(1);
    }
    expect(holds).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    expect(server.tokenRequests).toBe(7 * 4);

    // The bottom of the jitter range: half.
    random.mockReturnValue(0);
    expect((await rejectionOf(tokens.getToken())).retryAt - clock.now).toBe(30_000);
    clock.advance(30_000);

    // The endpoint recovers: a token, and the next failure starts from 5 s again.
    random.mockReturnValue(1);
    await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken);
    expect(server.tokenRequests).toBe(8 * 4 + 1);
    server.failToken({ kind: 'status', status: 503, body: {} }, 4);
    expect((await rejectionOf(tokens.getToken({ forceRefresh: true }))).retryAt - clock.now).toBe(5_000);
  });

  test('a steady stream of calls for 10 minutes against an endpoint answering 429 without Retry-After: 13 fetches, not 6000', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const clock = simulatedClock();
    const server = await standIn();
    server.failToken({ kind: 'status', status: 429, body: {} }, 100_000);
    const aspose = client(server, { retry: RETRY });
    const { requestTimes, codes } = await steadyStream(server, clock, () => aspose.get('/v4.0/words/a.docx'), { durationMs: 10 * MIN });
    // A fetch (4 requests) at 0, 5, 15, 35, 75 s, then one a minute.
    const fetchStarts = requestTimes.filter((_, i) => i % 4 === 0).map((t) => t / 1000);
    expect(fetchStarts).toEqual([0, 5, 15, 35, 75, 135, 195, 255, 315, 375, 435, 495, 555]);
    expect(requestTimes).toHaveLength(13 * 4);
    expect([...codes.keys()]).toEqual(['ERR_ASPOSE_AUTH_UNAVAILABLE']);
    expect(codes.get('ERR_ASPOSE_AUTH_UNAVAILABLE')).toBe(6_000);
    expect(server.apiRequests).toBe(0);
  });

  test('new credentials do not lift the hold (the endpoint is what fails), and no credential function is called during it', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const clock = simulatedClock();
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, body: {} }, 4);
    let reads = 0;
    let secret = 'first-secret-value';
    const tokens = tokenService(server, {
      clientSecret: () => {
        reads++;
        return secret;
      },
      retry: RETRY,
    });
    const first = await rejectionOf(tokens.getToken());
    expect(first).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', retryAt: clock.now + 5_000 });
    const readsAfterFetch = reads;
    secret = server.clientSecret;
    for (let i = 0; i < 4; i++) {
      clock.advance(1_200); // past the credential recheck each time
      expect(await rejectionOf(tokens.getToken())).toBe(first);
    }
    expect(reads).toBe(readsAfterFetch);
    expect(server.tokenRequests).toBe(4);
    clock.advance(5_000 - 4 * 1_200);
    await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken); // the new secret, once the hold is over
    expect(server.tokenRequests).toBe(5);
  });

  test('a valid cached token keeps serving during the hold; the refresh ahead of expiry waits for it, then succeeds', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const clock = simulatedClock();
    const server = await standIn({ tokenLifetimeSec: 3600 });
    const tokens = tokenService(server, { retry: RETRY });
    const token = await tokens.getToken();
    clock.advance(56 * MIN);
    server.failToken({ kind: 'status', status: 503, body: {} }, 8);
    expect(await tokens.getToken()).toBe(token); // starts the background refresh, which gives up after 4 requests
    await waitFor(() => tokens.stats.failures === 1, 'the background refresh to fail');
    expect(server.tokenRequests).toBe(5);
    for (let i = 0; i < 49; i++) {
      clock.advance(100);
      expect(await tokens.getToken()).toBe(token);
      expect(tokens.peekAuthorization()).toBe(token.authorization);
    }
    expect(tokens.stats.refreshesAhead).toBe(1); // none started during the 5 s hold
    // Only a caller that insists on a new token is told, without a request.
    expect(await rejectionOf(tokens.getToken({ forceRefresh: true }))).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', attempts: 4 });
    expect(server.tokenRequests).toBe(5);

    clock.advance(100); // the hold is over: the next call's refresh goes, and fails again (a 10 s hold now)
    expect(await tokens.getToken()).toBe(token);
    await waitFor(() => tokens.stats.failures === 2, 'the second background refresh to fail');
    expect(server.tokenRequests).toBe(9);
    expect(tokens.stats.refreshesAhead).toBe(2);
    clock.advance(5_000);
    expect(await tokens.getToken()).toBe(token);
    expect(tokens.stats.refreshesAhead).toBe(2); // 5 s on, still held
    clock.advance(5_000);
    expect(await tokens.getToken()).toBe(token);
    await waitFor(() => tokens.stats.tokensIssued === 2, 'the background refresh');
    expect((await tokens.getToken()).value).not.toBe(token.value);
    expect(server.tokenRequests).toBe(10);
  });

  test('close() during the hold: calls get “closed”, not the hold', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, body: {} }, 4);
    const tokens = tokenService(server, { retry: RETRY });
    expect(await rejectionOf(tokens.getToken())).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', attempts: 4 });
    await tokens.close();
    const err = await rejectionOf(tokens.getToken());
    expect(err.message).toBe('TokenService is closed');
    expect(err.retryAt).toBeUndefined();
  });

  test('retry.maxDelayMs: 0 turns the hold off', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, body: {} }, 2);
    const tokens = tokenService(server, { retry: { retries: 1, minDelayMs: 0, maxDelayMs: 0 } });
    expect(await rejectionOf(tokens.getToken())).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', attempts: 2 });
    await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken);
    expect(server.tokenRequests).toBe(3);
  });
});

describe('Retry-After spellings', () => {
  test.each([
    ['600', 600_000],
    [' 600 ', 600_000],
    ['\t600', 600_000],
    ['+600', 600_000],
    ['600.0', 600_000],
    ['600.', 600_000],
    ['0.5', 500],
    ['.5', 500],
    ['600, 5', 600_000],
    ['600 ,5', 600_000],
    ['0', 0],
  ])('%j is %i ms', (value, ms) => {
    expect(parseRetryAfter(value)).toBe(ms);
  });

  test.each(['-600', '-1', '- 600', '-600, 5', '', '   ', 'soon', '5 Oct', '1e3', '0x10', 'Infinity', '600 s', '6 00', '+-600', ', 600'])(
    '%j is absent',
    (value) => {
      expect(parseRetryAfter(value)).toBeUndefined();
    },
  );

  test('the first of two headers counts', () => {
    expect(parseRetryAfter(['600', '5'])).toBe(600_000);
  });

  test('HTTP-dates (IMF-fixdate, and the obsolete RFC 850 form); one in the past is 0', () => {
    const clock = simulatedClock(Date.UTC(1994, 10, 6, 8, 39, 37)); // 10 minutes before the example date
    for (const date of ['Sun, 06 Nov 1994 08:49:37 GMT', 'Sunday, 06-Nov-94 08:49:37 GMT', ' Sun, 06 Nov 1994 08:49:37 GMT ']) {
      expect(parseRetryAfter(date)).toBe(600_000);
    }
    clock.advance(20 * MIN);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(0);
  });

  test('a huge number is a huge wait (the service caps it at an hour), never Infinity or NaN', () => {
    expect(parseRetryAfter('9'.repeat(400))).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('linear: 16 KB of digits with a stray letter at the end costs about what 16 KB of digits does', () => {
    const digits = '1'.repeat(16 * 1024);
    const nearMiss = `${digits.slice(1)}x`;
    const dotted = `${'1'.repeat(8 * 1024)}.${'1'.repeat(8 * 1024 - 2)}x`;
    const time = (v: string) => {
      const t = performance.now();
      for (let i = 0; i < 200; i++) parseRetryAfter(v);
      return performance.now() - t;
    };
    time(digits);
    time(nearMiss);
    time(dotted); // warm up
    const base = time(digits);
    expect(time(nearMiss) / base).toBeLessThan(20);
    expect(time(dotted) / base).toBeLessThan(20);
  });

  test.each([
    ['+600', 600_000],
    ['600.0', 600_000],
    ['600, 5', 600_000],
    [' 600 ', 600_000],
  ])('a 503 with Retry-After %j holds the service back 600 s', async (value, ms) => {
    const clock = simulatedClock();
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, body: {}, headers: { 'retry-after': value } }, 100);
    const tokens = tokenService(server);
    expect(await rejectionOf(tokens.getToken())).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', attempts: 1, retryAt: clock.now + ms });
    expect(server.tokenRequests).toBe(1);
  });

  test('a 503 with Retry-After: -600 is as if it had none: retried, then the hold after a failed fetch', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, body: {}, headers: { 'retry-after': '-600' } }, 100);
    const tokens = tokenService(server);
    expect(await rejectionOf(tokens.getToken())).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', attempts: 4 });
  });
});

describe('status: where the service stands, without a request', () => {
  test('no token, then a token; a lockout held back with its retryAt; a refusal too; reading it never sends a request', async () => {
    const clock = simulatedClock();
    const server = await standIn();
    const tokens = tokenService(server);
    expect(tokens.status).toMatchObject({
      auth: 'client_credentials',
      hasToken: false,
      expiresAt: undefined,
      fetching: false,
      heldBack: undefined,
      closed: false,
    });
    const token = await tokens.getToken();
    expect(tokens.status).toMatchObject({ hasToken: true, expiresAt: token.expiresAt, heldBack: undefined });

    const locked = await standIn();
    locked.lockOut();
    const lockedTokens = tokenService(locked);
    await rejectionOf(lockedTokens.getToken());
    const requests = locked.tokenRequests;
    const held = lockedTokens.status.heldBack;
    expect(held).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', retryAt: clock.now + 600_000 });
    expect(lockedTokens.status.hasToken).toBe(false);

    const refused = tokenService(server, { clientSecret: 'wrong-secret' });
    await rejectionOf(refused.getToken());
    expect(refused.status.heldBack).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', retryAt: expect.any(Number) });

    for (let i = 0; i < 10; i++) void lockedTokens.status;
    expect(locked.tokenRequests).toBe(requests);
    await lockedTokens.close();
    expect(lockedTokens.status.closed).toBe(true);
  });
});
