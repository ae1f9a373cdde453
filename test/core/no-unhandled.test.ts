/**
 * Failures nobody awaits (a background refresh that fails, a token fetch
 * that outlives the callers who gave up on it, a service closed mid-fetch)
 * never become unhandled rejections, and every caller who does wait gets an
 * answer or an error, never a hang.
 *
 * Tests that need to stand inside a token's refresh window pin `Date.now`
 * rather than wait out most of a token's life; all HTTP runs in real time.
 */
import { AsposeAbortError, TokenService } from 'aspose-cloud-auth';
import { cleanup, client, rejectionOf, sleep, standIn, tokenService, track, watchUnhandledRejections } from './fixtures';

let unhandled: ReturnType<typeof watchUnhandledRejections>;

beforeEach(() => {
  unhandled = watchUnhandledRejections();
});

afterEach(async () => {
  jest.restoreAllMocks();
  await cleanup();
  // Let any stray rejection surface before looking.
  await sleep(20);
  unhandled.stop();
  expect(unhandled.events).toEqual([]);
});

async function until(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const end = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > end) throw new Error('timed out');
    await sleep(5);
  }
}

test.each([
  ['refused', { kind: 'status', status: 400, body: { error: 'invalid_client' } }],
  ['unavailable', { kind: 'status', status: 503 }],
  ['hanging', { kind: 'hang' }],
] as const)('a %s background refresh is not an unhandled rejection, and the old token keeps serving', async (_, fault) => {
  const server = await standIn();
  const tokens = tokenService(server, { tokenTimeoutMs: 200, retry: { retries: 1, minDelayMs: 5, maxDelayMs: 20 } });
  const first = await tokens.getToken();
  server.failToken(fault, 10);
  jest.spyOn(Date, 'now').mockReturnValue(first.expiresAt - 60_000); // inside the refresh window
  expect((await tokens.getToken()).value).toBe(first.value);
  await until(() => tokens.stats.failures === 1);
  // Still inside the window: the old token still serves, and the failed
  // refresh is not retried on every call.
  const requests = tokens.stats.requests;
  for (let i = 0; i < 100; i++) expect((await tokens.getToken()).value).toBe(first.value);
  expect(tokens.stats.requests).toBe(requests);
  expect(tokens.stats.refreshesAhead).toBe(1);
});

test('a failed background refresh is tried again later, and its success replaces the token', async () => {
  const server = await standIn();
  const tokens = tokenService(server, { retry: { retries: 0 } });
  const first = await tokens.getToken();
  server.failToken({ kind: 'status', status: 503 });
  const now = first.expiresAt - 60_000;
  const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
  await tokens.getToken();
  await until(() => tokens.stats.failures === 1);
  clock.mockReturnValue(now + 10_000); // past the background retry pause, still before expiry
  expect((await tokens.getToken()).value).toBe(first.value);
  await until(() => tokens.stats.tokensIssued === 2);
  expect((await tokens.getToken()).value).not.toBe(first.value);
  expect(tokens.stats.refreshesAhead).toBe(2);
});

test('when the token endpoint fails after a 401, the caller gets the auth error: no hang, no unhandled rejection', async () => {
  const server = await standIn();
  const aspose = client(server);
  await aspose.get('/v4.0/words/a.docx');
  server.revoke();
  server.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client' } });
  const errors = await Promise.all(Array.from({ length: 20 }, () => rejectionOf(aspose.get('/v4.0/words/a.docx'))));
  for (const err of errors) expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED' });
  expect(server.tokenRequests).toBe(2);
});

test('aborting a request that is waiting for a token after a 401 rejects with ERR_ASPOSE_ABORTED', async () => {
  const server = await standIn();
  const aspose = client(server);
  await aspose.get('/v4.0/words/a.docx');
  server.revoke();
  server.failToken({ kind: 'delay', ms: 500 });
  const controller = new AbortController();
  const pending = rejectionOf(aspose.request({ method: 'POST', path: '/v4.0/echo', body: 'x', signal: controller.signal }));
  await until(() => server.unauthorized === 1);
  await sleep(30);
  controller.abort();
  expect(await pending).toMatchObject({ code: 'ERR_ASPOSE_ABORTED' });
  await until(() => server.tokensIssued === 2);
  await sleep(30);
  expect(server.apiRequests).toBe(2); // the aborted request was not replayed once the token came
});

test('closing the token service mid-fetch rejects its waiting callers', async () => {
  const server = await standIn();
  server.failToken({ kind: 'hang' });
  const tokens = tokenService(server);
  const waiting = Array.from({ length: 5 }, () => rejectionOf(tokens.getToken()));
  await until(() => server.tokenRequests === 1);
  await tokens.close();
  for (const err of await Promise.all(waiting)) expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE' });
  await expect(tokens.getToken()).rejects.toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE' });
  expect(server.tokenRequests).toBe(1);
});

test('closing the client with force while requests wait for a token settles them at once', async () => {
  const server = await standIn();
  server.failToken({ kind: 'hang' });
  const aspose = client(server);
  const waiting = Array.from({ length: 5 }, () => rejectionOf(aspose.get('/v4.0/words/a.docx')));
  await until(() => server.tokenRequests === 1);
  await aspose.close({ force: true });
  for (const err of await Promise.all(waiting)) expect(err.code).toBe('ERR_ASPOSE_ABORTED');
  expect(server.apiRequests).toBe(0);
});

test('a refresh-ahead fetch still running when the service closes settles quietly', async () => {
  const server = await standIn();
  const tokens = tokenService(server);
  const first = await tokens.getToken();
  server.failToken({ kind: 'hang' });
  jest.spyOn(Date, 'now').mockReturnValue(first.expiresAt - 60_000);
  await tokens.getToken();
  await until(() => server.tokenRequests === 2);
  await tokens.close();
  await sleep(50);
  expect(tokens.stats.failures).toBe(1);
});

test('getToken() with a signal already aborted rejects with AsposeAbortError, and the fetch it started failing is not an unhandled rejection', async () => {
  const server = await standIn();
  server.failToken({ kind: 'status', status: 503 });
  const tokens = tokenService(server, { retry: { retries: 0 } });
  const err = await rejectionOf(tokens.getToken({ signal: AbortSignal.abort() }));
  expect(err).toBeInstanceOf(AsposeAbortError);
  await until(() => tokens.stats.failures === 1);
  // auth: 'none' fails the fetch at once: that rejection too must not go unhandled.
  const none = track(new TokenService({ auth: 'none', baseUrl: server.url }), (t) => t.close());
  expect(await rejectionOf(none.getToken({ signal: AbortSignal.abort() }))).toBeInstanceOf(AsposeAbortError);
});
