/**
 * The token-endpoint fault matrix: permanent refusals fail at once with the
 * OAuth details and are not retried; transient faults are retried with
 * bounded backoff, honouring Retry-After; tokenTimeoutMs bounds each attempt.
 */
import { AccessToken, AsposeAuthError } from 'aspose-cloud-auth';
import { cleanup } from '../support/cleanup';
import { client, tokenService } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { sleep } from '../support/polling';
import { captureServer, closedPort, standIn } from '../support/servers';

afterEach(cleanup);

describe('permanent refusals', () => {
  test.each([400, 401])('invalid_client with status %i is ERR_ASPOSE_AUTH_REFUSED after exactly one request', async (status) => {
    const server = await standIn();
    server.failToken({ kind: 'status', status, body: { error: 'invalid_client', error_description: 'Client authentication failed' } }, 5);
    const tokens = tokenService(server);
    const err = await rejectionOf(tokens.getToken());
    expect(err).toBeInstanceOf(AsposeAuthError);
    expect(err).toMatchObject({
      code: 'ERR_ASPOSE_AUTH_REFUSED',
      status,
      oauthError: 'invalid_client',
      oauthErrorDescription: 'Client authentication failed',
      attempts: 1,
    });
    expect(err.message).toMatch(/Client Id and Client Secret/);
    expect(err.message).toMatch(/dashboard/);
    expect(server.tokenRequests).toBe(1);
    expect(tokens.stats).toMatchObject({ requests: 1, failures: 1, tokensIssued: 0 });
  });

  test('wrong credentials are refused by the real token endpoint logic too', async () => {
    const server = await standIn();
    const tokens = tokenService(server, { clientSecret: 'not-the-secret' });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', status: 400, oauthError: 'invalid_client' });
    expect(server.tokenRequests).toBe(1);
  });

  test('during the refusal backoff a second call fails fast with the same error, saying when; after it, a new request is made', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client' } });
    const tokens = tokenService(server, { refusalBackoff: { initialDelayMs: 300 } });
    const before = Date.now();
    const first = await rejectionOf(tokens.getToken());
    const second = await rejectionOf(tokens.getToken());
    expect(second).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', oauthError: 'invalid_client' });
    expect(second).toBe(first);
    // Jittered down by up to half: between 150 and 300 ms after the refusal.
    expect(first.retryAt).toBeGreaterThanOrEqual(before + 150);
    expect(first.retryAt).toBeLessThanOrEqual(Date.now() + 300);
    expect(first.message).toContain(new Date(first.retryAt).toISOString());
    expect(server.tokenRequests).toBe(1);
    expect(tokens.stats).toMatchObject({ requests: 1, failures: 1, heldBack: 1 });

    await sleep(350);
    const token = await tokens.getToken(); // the credentials started working (brand-new credentials do that)
    expect(server.verifyToken(token.value)).toBe(true);
    expect(server.tokenRequests).toBe(2);
  });

  test.each([
    ['unauthorized_client', /client_credentials grant/],
    ['invalid_grant', /tokenUrl/],
  ])('%s is refused without retry, with a hint', async (oauthError, hint) => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 400, body: { error: oauthError, error_description: 'nope' } }, 5);
    const tokens = tokenService(server);
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', status: 400, oauthError, oauthErrorDescription: 'nope', attempts: 1 });
    expect(err.message).toMatch(hint);
    expect(server.tokenRequests).toBe(1);
  });

  test('a 404 from the token URL is refused with a hint to check tokenUrl', async () => {
    const endpoint = await captureServer();
    endpoint.respond = () => ({ status: 404, body: { message: 'Not Found' } });
    const tokens = tokenService({ url: endpoint.url, clientId: 'id', clientSecret: 'secret' });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', status: 404, attempts: 1 });
    expect(err.message).toMatch(/check tokenUrl/);
    expect(endpoint.requests).toHaveLength(1);
  });

  test('a tokenUrl that is an API route (401 invalid_token) is refused with a hint to check tokenUrl, not the credentials', async () => {
    const server = await standIn();
    const tokens = tokenService(server, { tokenUrl: `${server.url}/v4.0/words/connect` });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', status: 401, oauthError: 'invalid_token', attempts: 1 });
    expect(err.message).toMatch(/tokenUrl/);
    expect(err.message).not.toMatch(/Client Secret/);
    expect(server.apiRequests).toBe(1);
  });

  test('an unknown OAuth error code still gets a sensible hint (even one named like an Object property)', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 400, body: { error: 'constructor' } });
    const tokens = tokenService(server);
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', oauthError: 'constructor' });
    expect(err.message).not.toMatch(/native code|function/);
  });

  test.each([
    ['no access_token', { token_type: 'Bearer', expires_in: 3600 }],
    ['a token type other than Bearer', { access_token: 'abc', token_type: 'mac', expires_in: 3600 }],
  ])('a 200 answer with %s is ERR_ASPOSE_AUTH_INVALID_RESPONSE, not retried', async (_, body) => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 200, body }, 5);
    const tokens = tokenService(server);
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_INVALID_RESPONSE', status: 200 });
    expect(server.tokenRequests).toBe(1);
  });

  test('an API caller gets the refusal, and the API is never called without a token', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 401, body: { error: 'invalid_client' } });
    const aspose = client(server);
    const errors = await Promise.all(Array.from({ length: 20 }, () => rejectionOf(aspose.get('/v4.0/words/a.docx'))));
    for (const err of errors) expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', oauthError: 'invalid_client' });
    expect(server.tokenRequests).toBe(1);
    expect(server.apiRequests).toBe(0);
  });
});

describe('transient faults are retried', () => {
  test.each([500, 502, 503, 504, 408, 429])('%i then success: retried and succeeds', async (status) => {
    const server = await standIn();
    server.failToken({ kind: 'status', status, body: { error: 'temporarily_unavailable' } });
    const tokens = tokenService(server);
    const token = await tokens.getToken();
    expect(server.verifyToken(token.value)).toBe(true);
    expect(server.tokenRequests).toBe(2);
    expect(tokens.stats).toMatchObject({ requests: 2, tokensIssued: 1, failures: 0 });
  });

  test.each([
    ['connection reset', { kind: 'reset' }],
    ['non-JSON 200', { kind: 'non-json' }],
    ['truncated body', { kind: 'truncated' }],
  ] as const)('%s then success: retried and succeeds', async (_, fault) => {
    const server = await standIn();
    server.failToken(fault, 2);
    const tokens = tokenService(server);
    const token = await tokens.getToken();
    expect(token.value.split('.')).toHaveLength(3);
    expect(server.tokenRequests).toBe(3);
    expect(tokens.stats.requests).toBe(3);
  });

  test('429 with Retry-After: 1 waits at least about a second before the retry', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 429, body: { error: 'slow_down' }, headers: { 'retry-after': '1' } });
    const tokens = tokenService(server);
    const started = performance.now();
    await tokens.getToken();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.tokenRequests).toBe(2);
  });

  test('a Retry-After longer than maxRetryAfterMs fails fast instead of waiting, with ERR_ASPOSE_AUTH_RATE_LIMITED', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, headers: { 'retry-after': '120' } }, 5);
    const tokens = tokenService(server, { retry: { minDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 10_000 } });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', status: 503, attempts: 1 });
    expect(server.tokenRequests).toBe(1);
  });

  test('a hanging token endpoint is bounded by tokenTimeoutMs on each attempt', async () => {
    const server = await standIn();
    server.failToken({ kind: 'hang' }, 2);
    const tokens = tokenService(server, { tokenTimeoutMs: 200, retry: { retries: 1, minDelayMs: 5, maxDelayMs: 20 } });
    const started = performance.now();
    const err = await rejectionOf(tokens.getToken());
    expect(performance.now() - started).toBeGreaterThanOrEqual(380);
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', attempts: 2 });
    expect(err.message).toMatch(/tokenTimeoutMs/);
    expect(server.tokenRequests).toBe(2);
  });

  test('a token answer whose body stalls after the headers is bounded by tokenTimeoutMs too', async () => {
    const endpoint = await captureServer();
    endpoint.respond = () => ({ status: 200, stall: true });
    const tokens = tokenService(
      { url: endpoint.url, clientId: 'id', clientSecret: 'secret' },
      { tokenTimeoutMs: 200, retry: { retries: 1, minDelayMs: 5, maxDelayMs: 20 } },
    );
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', attempts: 2 });
    expect(err.message).toMatch(/tokenTimeoutMs/);
    expect(endpoint.requests).toHaveLength(2);
  });

  test('Retry-After as an HTTP date is understood (here: beyond maxRetryAfterMs, so no wait)', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } }, 5);
    const tokens = tokenService(server, { retry: { minDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 10_000 } });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', attempts: 1 });
    expect(err.retryAt).toBeGreaterThan(Date.now() + 100_000);
    expect(server.tokenRequests).toBe(1);
  });

  test('one hang then an answer: the timed-out attempt is retried', async () => {
    const server = await standIn();
    server.failToken({ kind: 'hang' });
    const tokens = tokenService(server, { tokenTimeoutMs: 200 });
    await tokens.getToken();
    expect(server.tokenRequests).toBe(2);
  });

  test('retries exhausted: ERR_ASPOSE_AUTH_UNAVAILABLE with attempts = retries + 1, and exactly that many requests', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503 }, 10);
    const tokens = tokenService(server, { retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20 } });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toBeInstanceOf(AsposeAuthError);
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', status: 503, attempts: 3 });
    expect(err.message).toMatch(/3 attempts/);
    expect(server.tokenRequests).toBe(3);
    expect(tokens.stats).toMatchObject({ requests: 3, failures: 1 });
  });

  test('retries: 0 sends exactly one request', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 500 }, 10);
    const tokens = tokenService(server, { retry: { retries: 0 } });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', attempts: 1 });
    expect(server.tokenRequests).toBe(1);
  });

  test('connection refused is retried, then ERR_ASPOSE_AUTH_UNAVAILABLE naming the cause', async () => {
    const server = await standIn();
    const port = await closedPort();
    const tokens = tokenService(server, { tokenUrl: `http://127.0.0.1:${port}/connect/token` });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', attempts: 4 });
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(tokens.stats.requests).toBe(4);
  });

  test('a transient failure is not cached: once its hold has passed, the next call tries again', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503 }, 2);
    const tokens = tokenService(server, { retry: { retries: 1, minDelayMs: 5, maxDelayMs: 20 } });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE' });
    // The hold after a failed fetch (test/core/token-outage.test.ts): 10 to 20 ms here.
    await sleep(err.retryAt - Date.now() + 5);
    await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken);
    expect(server.tokenRequests).toBe(3);
  });

  test('concurrent callers during retries share the one retrying fetch', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 502 }, 2);
    const tokens = tokenService(server);
    const all = await Promise.all(Array.from({ length: 100 }, () => tokens.getToken()));
    expect(new Set(all.map((t) => t.value)).size).toBe(1);
    expect(server.tokenRequests).toBe(3);
  });

  test('close() during backoff stops the retries', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, headers: { 'retry-after': '5' } }, 10);
    const tokens = tokenService(server);
    const pending = rejectionOf(tokens.getToken());
    await sleep(100);
    await tokens.close();
    const err = await pending;
    expect(err).toBeInstanceOf(AsposeAuthError);
    expect(server.tokenRequests).toBe(1);
  });
});
