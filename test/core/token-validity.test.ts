/**
 * What a token answer must hold to be used: an access_token an Authorization
 * header can carry (RFC 6750 b64token, at most 16 KiB), that has not expired by
 * the time it arrives. Anything else is ERR_ASPOSE_AUTH_INVALID_RESPONSE, never
 * cached, and the message says what was wrong without quoting the token.
 * Lifetimes are bounded, so every expiry is a date.
 */
import { inspect } from 'node:util';
import { AsposeAuthError, type AccessToken } from 'aspose-cloud-auth';
import { MAX_ACCESS_TOKEN_LENGTH, MAX_TOKEN_LIFETIME_MS } from '../../src/token/token-endpoint';
import { JWT_CLOCK_SKEW_TOLERANCE_MS } from '../../src/token/jwt';
import { cleanup } from '../support/cleanup';
import { client, tokenService } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { captureServer, type CaptureServer, standIn } from '../support/servers';

afterEach(cleanup);

/** An unsigned JWT with these claims: enough for a client that only reads timing. */
function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}.c2ln`;
}

const nowSec = () => Math.floor(Date.now() / 1000);

/** A token endpoint answering 200 with `body` (an object, or raw JSON text) to every request. */
async function endpointAnswering(body: unknown): Promise<CaptureServer> {
  const endpoint = await captureServer();
  endpoint.respond = () => ({ status: 200, body });
  return endpoint;
}

/**
 * No hold-back after an unusable answer, so that "not cached" shows as a new
 * request on the next call. (By default an unusable token holds the pair
 * back like a refusal: test/core/token-lockout.test.ts.)
 */
const NO_HOLD_BACK = { refusalBackoff: { initialDelayMs: 0, maxDelayMs: 0, windowMs: 0 } };

function tokensFor(endpoint: CaptureServer) {
  return tokenService({ url: endpoint.url, clientId: 'id', clientSecret: 'secret' }, NO_HOLD_BACK);
}

/** Every printed form of `value`, which must not throw. */
function printed(value: unknown): string {
  return [String(value), `${value as string}`, inspect(value), JSON.stringify(value), inspect({ nested: value }, { depth: 5 })].join('\n');
}

describe('a token already expired on arrival is refused and never cached', () => {
  test.each([
    ['a JWT whose exp has passed (no iat, no expires_in)', () => ({ access_token: jwt({ exp: nowSec() - 60 }), token_type: 'Bearer' })],
    ['a JWT whose exp is now (no iat, no expires_in)', () => ({ access_token: jwt({ exp: nowSec() }), token_type: 'Bearer' })],
    ['a JWT with exp equal to iat', () => ({ access_token: jwt({ iat: nowSec(), exp: nowSec() }), token_type: 'Bearer' })],
    ['expires_in 0', () => ({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: 0 })],
    ['expires_in negative', () => ({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: -3600 })],
    ['expires_in "0" (a numeric string)', () => ({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: '0' })],
    ['expires_in "-1" (a numeric string)', () => ({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: '-1' })],
    ['expires_in -1e400 (JSON for -Infinity)', () => `{"access_token":"opaque-token","token_type":"Bearer","expires_in":-1e400}`],
  ])('%s: ERR_ASPOSE_AUTH_INVALID_RESPONSE at once, and the next call asks again', async (_, answer) => {
    const body = answer();
    const value = typeof body === 'string' ? 'opaque-token' : body.access_token;
    const endpoint = await endpointAnswering(body);
    const tokens = tokensFor(endpoint);
    const err = await rejectionOf(tokens.getToken());
    expect(err).toBeInstanceOf(AsposeAuthError);
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_INVALID_RESPONSE', status: 200, attempts: 1 });
    expect(err.message).toMatch(/already expired/);
    expect(printed(err)).not.toContain(value);
    expect(endpoint.requests).toHaveLength(1); // not retried
    await rejectionOf(tokens.getToken());
    expect(endpoint.requests).toHaveLength(2); // not cached either
    expect(tokens.stats.tokensIssued).toBe(0);
  });

  test('an expired JWT names the clock as a suspect, and the API is never called with it', async () => {
    const endpoint = await endpointAnswering({ access_token: jwt({ exp: nowSec() - 600 }), token_type: 'Bearer' });
    const api = await captureServer();
    const aspose = client(undefined, { baseUrl: api.url, tokenUrl: `${endpoint.url}/connect/token`, clientId: 'id', clientSecret: 'secret', ...NO_HOLD_BACK });
    const err = await rejectionOf(aspose.get('/v4.0/words/a.docx'));
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_INVALID_RESPONSE' });
    expect(err.message).toMatch(/clock/);
    expect(api.requests).toHaveLength(0);
  });

  test('a token whose answer took 97% of its lifetime to arrive is refused: it could never be handed out', async () => {
    const server = await standIn({ tokenLifetimeSec: 1 });
    server.failToken({ kind: 'delay', ms: 970 });
    const tokens = tokenService(server, NO_HOLD_BACK);
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_INVALID_RESPONSE', status: 200 });
    expect(err.message).toMatch(/all but expired when it arrived/);
    // The same endpoint answering promptly is fine.
    const token = await tokens.getToken();
    expect(token.expiresAt - token.obtainedAt).toBe(1000);
    expect(server.tokenRequests).toBe(2);
  });

  test('a JWT with a little life left (exp in 2 min, no iat) is accepted', async () => {
    const endpoint = await endpointAnswering({ access_token: jwt({ exp: nowSec() + 120 }), token_type: 'Bearer' });
    const token = await tokensFor(endpoint).getToken();
    expect(token.expiresIn()).toBeGreaterThan(100_000);
  });
});

describe('a JWT’s exp − iat is believed only within 5 minutes of this machine’s clock', () => {
  test.each([
    ['exp 1 h ago, iat 2 h ago (a token a cache hands back an hour late)', () => ({ iat: nowSec() - 7200, exp: nowSec() - 3600 })],
    ['exp 6 min ago, iat 1 h 6 min ago', () => ({ iat: nowSec() - 3960, exp: nowSec() - 360 })],
    ['exp 1 h ago, nbf 2 h ago (no iat)', () => ({ nbf: nowSec() - 7200, exp: nowSec() - 3600 })],
  ])('%s: already expired, ERR_ASPOSE_AUTH_INVALID_RESPONSE naming the clock, never cached', async (_, claims) => {
    const value = jwt(claims());
    const endpoint = await endpointAnswering({ access_token: value, token_type: 'Bearer' });
    const tokens = tokensFor(endpoint);
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_INVALID_RESPONSE', status: 200, attempts: 1 });
    expect(err.message).toMatch(/had already expired \(by its JWT exp and this machine's clock\): check this machine's clock/);
    expect(printed(err)).not.toContain(value);
    await rejectionOf(tokens.getToken());
    expect(endpoint.requests).toHaveLength(2);
    expect(tokens.stats.tokensIssued).toBe(0);
  });

  test('exp in 60 s with an iat 30 years old: kept for 60 s plus the 5-minute tolerance, not 30 days', async () => {
    expect(JWT_CLOCK_SKEW_TOLERANCE_MS).toBe(300_000);
    const endpoint = await endpointAnswering({ access_token: jwt({ iat: nowSec() - 1e9, exp: nowSec() + 60 }), token_type: 'Bearer' });
    const token = await tokensFor(endpoint).getToken();
    const lifetime = token.expiresAt - token.obtainedAt;
    expect(lifetime).toBeGreaterThan(60_000 + JWT_CLOCK_SKEW_TOLERANCE_MS - 2_000);
    expect(lifetime).toBeLessThanOrEqual(60_000 + JWT_CLOCK_SKEW_TOLERANCE_MS);
  });

  test('a clock up to 5 minutes fast costs little: exp 4 min ago by this clock, exp − iat 1 h, leaves about a minute', async () => {
    const endpoint = await endpointAnswering({ access_token: jwt({ iat: nowSec() - 3840, exp: nowSec() - 240 }), token_type: 'Bearer' });
    const token = await tokensFor(endpoint).getToken();
    const lifetime = token.expiresAt - token.obtainedAt;
    expect(lifetime).toBeGreaterThan(58_000);
    expect(lifetime).toBeLessThanOrEqual(60_000);
  });

  test('a clock an hour slow costs nothing: iat and exp in the future by this clock, exp − iat is the lifetime', async () => {
    const endpoint = await endpointAnswering({ access_token: jwt({ iat: nowSec() + 3600, exp: nowSec() + 7200 }), token_type: 'Bearer' });
    const token = await tokensFor(endpoint).getToken();
    expect(token.expiresAt - token.obtainedAt).toBe(3_600_000);
  });

  test('expires_in still wins over the JWT: an expired-looking JWT with expires_in 3600 is kept an hour', async () => {
    const endpoint = await endpointAnswering({ access_token: jwt({ iat: nowSec() - 7200, exp: nowSec() - 3600 }), token_type: 'Bearer', expires_in: 3600 });
    const token = await tokensFor(endpoint).getToken();
    expect(token.expiresAt - token.obtainedAt).toBe(3_600_000);
  });
});

describe('an access_token an Authorization header cannot carry is refused and never cached', () => {
  test.each([
    ['a NUL', 'abc\u0000def'],
    ['CR LF and a header of its own', 'abc\r\nX-Injected: 1'],
    ['a tab', 'abc\tdef'],
    ['DEL', 'abc\u007fdef'],
    ['a space', 'abc def'],
    ['a trailing space', 'abcdef '],
    ['a non-ASCII letter', 'tök-en'],
    ['an emoji', 'tok\u{1F600}en'],
    ['a double quote', 'abc"def'],
    ['a comma', 'abc,def'],
    ['a padding = before the end', 'ab=cd'],
    ['only padding', '=='],
  ])('%s: ERR_ASPOSE_AUTH_INVALID_RESPONSE, the token not quoted, and the next call asks again', async (_, value) => {
    const endpoint = await endpointAnswering({ access_token: value, token_type: 'Bearer', expires_in: 3600 });
    const api = await captureServer();
    const aspose = client(undefined, { baseUrl: api.url, tokenUrl: `${endpoint.url}/connect/token`, clientId: 'id', clientSecret: 'secret', ...NO_HOLD_BACK });
    const err = await rejectionOf(aspose.get('/v4.0/words/a.docx'));
    expect(err).toBeInstanceOf(AsposeAuthError);
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_INVALID_RESPONSE', status: 200, attempts: 1 });
    expect(err.message).toMatch(/access_token that (holds|is)/);
    expect(printed(err)).not.toContain(value);
    expect(endpoint.requests).toHaveLength(1);
    expect(api.requests).toHaveLength(0);

    // Not cached: once the endpoint hands out a proper token, the very next call works.
    endpoint.respond = () => ({ status: 200, body: { access_token: 'good-token_1.2~3+4/5==', token_type: 'Bearer', expires_in: 3600 } });
    const ok = await aspose.request({ path: '/v4.0/words/a.docx' });
    await ok.body.dump();
    expect(ok.statusCode).toBe(200);
    expect(api.requests[0].authorization).toEqual(['Bearer good-token_1.2~3+4/5==']);
    expect(endpoint.requests).toHaveLength(2);
  });

  test('the message names the kind of character and where, never the character or the token', async () => {
    const endpoint = await endpointAnswering({ access_token: 'secret-part\nrest', token_type: 'Bearer' });
    const err = await rejectionOf(tokensFor(endpoint).getToken());
    expect(err.message).toMatch(/a control character \(at position 11\)/);
    expect(err.message).not.toMatch(/secret-part|rest/);
  });

  test(`an access_token of ${MAX_ACCESS_TOKEN_LENGTH} characters is accepted, one more is refused`, async () => {
    const endpoint = await endpointAnswering({ access_token: 'a'.repeat(MAX_ACCESS_TOKEN_LENGTH), token_type: 'Bearer', expires_in: 3600 });
    const tokens = tokensFor(endpoint);
    expect((await tokens.getToken()).value).toHaveLength(MAX_ACCESS_TOKEN_LENGTH);

    const longer = await endpointAnswering({ access_token: 'b'.repeat(MAX_ACCESS_TOKEN_LENGTH + 1), token_type: 'Bearer', expires_in: 3600 });
    const err = await rejectionOf(tokensFor(longer).getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_INVALID_RESPONSE' });
    expect(err.message).toContain(`${MAX_ACCESS_TOKEN_LENGTH + 1} characters long`);
    expect(err.message).not.toContain('bbbb');
  });

  test('every character RFC 6750 allows is accepted', async () => {
    const value = 'ABCXYZabcxyz0189-._~+/==';
    const endpoint = await endpointAnswering({ access_token: value, token_type: 'Bearer', expires_in: 3600 });
    expect((await tokensFor(endpoint).getToken()).value).toBe(value);
  });

  test('checking a 16 KiB token stays linear: a near-miss costs about what a match does', async () => {
    // The near-miss (16 KiB of valid characters, then one misplaced at the end) is where a
    // backtracking pattern would blow up. Measured by ratio in one process, never by a time limit.
    const run = 'a'.repeat(MAX_ACCESS_TOKEN_LENGTH - 2);
    const good = tokensFor(await endpointAnswering({ access_token: `${run}==`, token_type: 'Bearer', expires_in: 3600 }));
    const nearMiss = tokensFor(await endpointAnswering({ access_token: `${run}=a`, token_type: 'Bearer', expires_in: 3600 }));
    await good.getToken({ forceRefresh: true }); // warm up connections and JIT
    await rejectionOf(nearMiss.getToken());
    let goodMs = 0;
    let nearMissMs = 0;
    for (let i = 0; i < 20; i++) {
      let t = performance.now();
      await good.getToken({ forceRefresh: true });
      goodMs += performance.now() - t;
      t = performance.now();
      await rejectionOf(nearMiss.getToken());
      nearMissMs += performance.now() - t;
    }
    expect(nearMissMs / goodMs).toBeLessThan(20);
  });
});

describe('lifetimes are bounded, so every expiry is a date', () => {
  test.each([
    ['expires_in 1e13', () => ({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: 1e13 })],
    ['expires_in "1e13" (a numeric string)', () => ({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: '1e13' })],
    ['expires_in 1e400 (JSON for Infinity)', () => '{"access_token":"opaque-token","token_type":"Bearer","expires_in":1e400}'],
    ['expires_in "Infinity"', () => ({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: 'Infinity' })],
    ['a JWT exp of 1e13 (no expires_in)', () => ({ access_token: jwt({ exp: 1e13 }), token_type: 'Bearer' })],
    ['a JWT exp of 1e13 with iat (no expires_in)', () => ({ access_token: jwt({ iat: nowSec(), exp: 1e13 }), token_type: 'Bearer' })],
    ['a JWT exp of 1e300 (no expires_in)', () => ({ access_token: jwt({ exp: 1e300 }), token_type: 'Bearer' })],
  ])('%s: the lifetime is cut to 30 days, and the token prints', async (_, answer) => {
    const endpoint = await endpointAnswering(answer());
    const tokens = tokensFor(endpoint);
    const token = await tokens.getToken();
    expect(MAX_TOKEN_LIFETIME_MS).toBe(30 * 24 * 3600 * 1000);
    expect(token.expiresAt - token.obtainedAt).toBe(MAX_TOKEN_LIFETIME_MS);
    expect(new Date(token.expiresAt).toISOString()).toBe(token.toJSON().expiresAt);
    expect(printed(token)).toContain(new Date(token.expiresAt).toISOString());
    // Cached like any other token: the next call asks nothing.
    await tokens.getToken();
    expect(endpoint.requests).toHaveLength(1);
  });

  test.each([
    ['"soon"', 'soon'],
    ['null', null],
    ['an empty string', ''],
    ['a blank string', '   '],
    ['true', true],
    ['an object', { seconds: 3600 }],
  ])('expires_in %s is ignored: the JWT exp decides', async (_, expiresIn) => {
    const endpoint = await endpointAnswering({ access_token: jwt({ iat: nowSec(), exp: nowSec() + 120 }), token_type: 'Bearer', expires_in: expiresIn });
    const token = await tokensFor(endpoint).getToken();
    expect(token.expiresAt - token.obtainedAt).toBe(120_000);
  });

  test('expires_in " 90 " (a padded numeric string) is 90 s', async () => {
    const endpoint = await endpointAnswering({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: ' 90 ' });
    const token = await tokensFor(endpoint).getToken();
    expect(token.expiresAt - token.obtainedAt).toBe(90_000);
  });

  test('expires_in "soon" on an opaque token: the assumed 5 minutes', async () => {
    const endpoint = await endpointAnswering({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: 'soon' });
    const token: AccessToken = await tokensFor(endpoint).getToken();
    expect(token.expiresAt - token.obtainedAt).toBe(300_000);
  });
});
