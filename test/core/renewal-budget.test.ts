/**
 * The 401 renewal budget: a 401 costs at most one token request (the replay's
 * own 401 drops nothing), and 401-driven renewals are capped at one per
 * `min401RenewalIntervalMs` per token service, so a route that always answers
 * 401 cannot make the service hammer the token endpoint into Aspose's lockout.
 * A genuine revocation still recovers at once (see invalidate.test.ts too).
 */
import { cleanup } from '../support/cleanup';
import { client, tokenService } from '../support/clients';
import { sleep, waitFor } from '../support/polling';
import { serve, standIn } from '../support/servers';

afterEach(cleanup);

const ALWAYS = 1_000_000;
const DEFAULT_INTERVAL_MS = 5_000;

/** Token requests a run of `elapsedMs` may cost under a cap of `intervalMs`: one per interval begun. */
const budget = (elapsedMs: number, intervalMs = DEFAULT_INTERVAL_MS) => 1 + Math.floor(elapsedMs / intervalMs);

describe('one 401 costs at most one token request', () => {
  test("the replay's 401 is returned as is and keeps the fresh token (cap off)", async () => {
    const server = await standIn();
    const aspose = client(server, { min401RenewalIntervalMs: 0 });
    await aspose.get('/v4.0/words/warm.docx');
    const first = await aspose.tokens.getToken();
    server.failApi(401, { error: 'invalid_token' }, 2);
    const res = await aspose.request({ path: '/v4.0/words/a.docx' });
    expect(res.statusCode).toBe(401);
    expect(await res.body.json()).toEqual({ error: 'invalid_token' });
    expect(server.tokenRequests).toBe(2);
    expect(aspose.tokens.stats.invalidations).toBe(1);
    // The fresh token the replay carried is still the current one: no third token request.
    const fresh = await aspose.tokens.getToken();
    expect(fresh.value).not.toBe(first.value);
    expect(server.tokenRequests).toBe(2);
    const ok = await aspose.request({ path: '/v4.0/words/b.docx' });
    await ok.body.dump();
    expect(ok.statusCode).toBe(200);
    expect(server.tokenRequests).toBe(2);
  });

  test('even with the cap off, 100 sequential calls to an always-401 route cost 100 token requests, not 199', async () => {
    const server = await standIn();
    const aspose = client(server, { min401RenewalIntervalMs: 0 });
    await aspose.get('/v4.0/words/warm.docx');
    server.failApi(401, { error: 'invalid_token' }, ALWAYS);
    for (let i = 0; i < 100; i++) {
      const res = await aspose.request({ path: `/v4.0/words/${i}.docx` });
      await res.body.dump();
      expect(res.statusCode).toBe(401);
    }
    expect(server.tokenRequests - 1).toBe(100);
  });
});

describe('401-driven renewals are capped per interval', () => {
  test('100 sequential calls to an always-401 route cost one token request per interval (default 5 s)', async () => {
    const server = await standIn();
    const aspose = client(server);
    await aspose.get('/v4.0/words/warm.docx');
    server.failApi(401, { error: 'invalid_token' }, ALWAYS);
    const started = performance.now();
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await aspose.request({ path: `/v4.0/words/${i}.docx` });
      await res.body.dump();
      statuses.push(res.statusCode);
    }
    const renewals = server.tokenRequests - 1;
    expect(statuses.every((s) => s === 401)).toBe(true);
    expect(renewals).toBeGreaterThanOrEqual(1);
    expect(renewals).toBeLessThanOrEqual(budget(performance.now() - started));
    // Only calls that renewed were replayed.
    expect(server.apiRequests - 1).toBe(100 + renewals);
  });

  test('100 concurrent calls to an always-401 route cost one token request, and each is replayed at most once', async () => {
    const server = await standIn();
    const aspose = client(server);
    await aspose.get('/v4.0/words/warm.docx');
    server.failApi(401, { error: 'invalid_token' }, ALWAYS);
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const res = await aspose.request({ path: `/v4.0/words/${i}.docx` });
        await res.body.dump();
        return res.statusCode;
      }),
    );
    expect(statuses.every((s) => s === 401)).toBe(true);
    // The fresh token the replays carried was kept: taking a token now asks nothing more.
    await aspose.tokens.getToken();
    const renewals = server.tokenRequests - 1;
    expect(renewals).toBeGreaterThanOrEqual(1);
    expect(renewals).toBeLessThanOrEqual(budget(performance.now() - started));
    expect(server.apiRequests - 1).toBeLessThanOrEqual(200);
  });

  test('with a 60 s interval: 100 sequential, 100 concurrent and 100 more sequential calls to an always-401 route cost exactly one token request', async () => {
    const server = await standIn();
    const aspose = client(server, { min401RenewalIntervalMs: 60_000 });
    await aspose.get('/v4.0/words/warm.docx');
    server.failApi(401, { error: 'invalid_token' }, ALWAYS);
    const call = async (i: number) => {
      const res = await aspose.request({ method: 'POST', path: `/__stand-in/echo/${i}`, body: 'replayable' });
      await res.body.dump();
      return res.statusCode;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push(await call(i));
    statuses.push(...(await Promise.all(Array.from({ length: 100 }, (_, i) => call(100 + i)))));
    for (let i = 0; i < 100; i++) statuses.push(await call(200 + i));
    expect(statuses.filter((s) => s !== 401)).toEqual([]);
    expect(server.tokenRequests).toBe(2);
    expect(aspose.tokens.stats.invalidations).toBe(1);
    expect(server.apiRequests).toBe(1 + 300 + 1); // only the very first 401 was replayed
  });

  test('once the interval has passed, a 401 renews again', async () => {
    const server = await standIn();
    const aspose = client(server, { min401RenewalIntervalMs: 300 });
    await aspose.get('/v4.0/words/warm.docx');
    server.failApi(401, { error: 'invalid_token' }, ALWAYS);
    const call = async () => {
      const res = await aspose.request({ path: '/v4.0/words/a.docx' });
      await res.body.dump();
      return res.statusCode;
    };
    await call();
    expect(server.tokenRequests).toBe(2);
    await call();
    expect(server.tokenRequests).toBe(2);
    await sleep(350);
    await call();
    expect(server.tokenRequests).toBe(3);
  });

  test('the cap does not stop recovery from a revocation once the interval has passed', async () => {
    const server = await standIn();
    const aspose = client(server, { min401RenewalIntervalMs: 300 });
    await aspose.get('/v4.0/words/warm.docx');
    server.revoke();
    expect((await aspose.request({ path: '/v4.0/words/a.docx' })).statusCode).toBe(200);
    server.revoke(); // revoked again, inside the interval: the 401 comes back
    const declined = await aspose.request({ path: '/v4.0/words/b.docx' });
    await declined.body.dump();
    expect(declined.statusCode).toBe(401);
    await sleep(350);
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => aspose.get<{ Document: { FileName: string } }>(`/v4.0/words/doc-${i}.docx`)));
    expect(results.every((r, i) => r.Document.FileName === `doc-${i}.docx`)).toBe(true);
    expect(server.tokenRequests).toBe(3);
  });

  test('invalidate() declines inside the interval, returns false and keeps the token; forceRefresh still works', async () => {
    const server = await standIn();
    const warnings: string[] = [];
    const tokens = tokenService(server, { min401RenewalIntervalMs: 60_000, logger: { warn: (m) => warnings.push(m) } });
    const first = await tokens.getToken();
    expect(tokens.invalidate(first)).toBe(true);
    const second = await tokens.getToken();
    expect(tokens.invalidate(second)).toBe(false);
    expect(tokens.invalidate()).toBe(false);
    expect((await tokens.getToken()).value).toBe(second.value);
    expect(server.tokenRequests).toBe(2);
    expect(tokens.stats.invalidations).toBe(1);
    expect(warnings).toHaveLength(1); // logged once per interval, not once per 401
    expect(warnings[0]).toMatch(/min401RenewalIntervalMs/);
    const third = await tokens.getToken({ forceRefresh: true });
    expect(third.value).not.toBe(second.value);
    expect(server.tokenRequests).toBe(3);
  });

  test('min401RenewalIntervalMs: 0 turns the cap off', async () => {
    const server = await standIn();
    const tokens = tokenService(server, { min401RenewalIntervalMs: 0 });
    for (let i = 0; i < 3; i++) expect(tokens.invalidate(await tokens.getToken())).toBe(true);
    expect(server.tokenRequests).toBe(3);
  });

  test.each([-1, 1.5, '5000', Number.NaN])('min401RenewalIntervalMs %p is a configuration error', (value) => {
    expect(() => client(undefined, { clientId: 'id', clientSecret: 'secret', min401RenewalIntervalMs: value as number })).toThrow(
      expect.objectContaining({ code: 'ERR_ASPOSE_CONFIG', message: expect.stringContaining('min401RenewalIntervalMs') }),
    );
  });
});

/**
 * An API that refuses some tokens, answering their 401 after `delayMs`; every
 * other token gets 200. The token endpoint is a stand-in elsewhere.
 */
async function refusingApi(delayMs: number): Promise<{ url: string; refused: Set<string>; seen: string[] }> {
  const refused = new Set<string>();
  const seen: string[] = [];
  const { url } = await serve((req, res) => {
    req.resume();
    req.on('end', () => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      seen.push(token);
      if (!refused.has(token)) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      setTimeout(() => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_token"}'), delayMs);
    });
  });
  return { url, refused, seen };
}

/** A client of a {@link refusingApi} answering after `delayMs`, its tokens from a stand-in, with a 60 s cap on 401 renewals. */
async function cappedClient(delayMs: number) {
  const tokenEndpoint = await standIn();
  const api = await refusingApi(delayMs);
  const aspose = client(undefined, {
    baseUrl: api.url,
    tokenUrl: `${tokenEndpoint.url}/connect/token`,
    clientId: tokenEndpoint.clientId,
    clientSecret: tokenEndpoint.clientSecret,
    min401RenewalIntervalMs: 60_000,
  });
  return { tokenEndpoint, api, aspose };
}

describe('when the cap declines', () => {
  test('a 401 whose token another caller has already replaced is replayed with the new token, at no token request', async () => {
    const { tokenEndpoint, api, aspose } = await cappedClient(300);
    // Use up the interval's renewal, so that the cap is in force.
    expect(aspose.tokens.invalidate(await aspose.tokens.getToken())).toBe(true);
    const stale = await aspose.tokens.getToken();
    api.refused.add(stale.value);
    const pending = aspose.request({ path: '/v4.0/words/a.docx' }); // carries `stale`; its 401 comes in 300 ms
    await waitFor(() => api.seen.includes(stale.value), 'the call with the stale token to reach the API');
    const replacement = await aspose.tokens.getToken({ forceRefresh: true }); // another caller renews meanwhile
    const res = await pending;
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(api.seen).toEqual([stale.value, replacement.value]);
    expect(tokenEndpoint.tokenRequests).toBe(3);
  });

  test('a 401 whose token is still the current one comes back without a replay', async () => {
    const { tokenEndpoint, api, aspose } = await cappedClient(0);
    expect(aspose.tokens.invalidate(await aspose.tokens.getToken())).toBe(true);
    const current = await aspose.tokens.getToken();
    api.refused.add(current.value);
    const res = await aspose.request({ path: '/v4.0/words/a.docx' });
    expect(res.statusCode).toBe(401);
    expect(await res.body.json()).toEqual({ error: 'invalid_token' });
    expect(api.seen).toEqual([current.value]);
    expect(tokenEndpoint.tokenRequests).toBe(2);
  });
});
