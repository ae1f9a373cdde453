/**
 * Interop with a standards-based OAuth 2.0 server from npm (oauth2-mock-server),
 * not our own stand-in: RS256 JWTs from its own key store, its own
 * client_credentials handling, and a resource server that verifies those JWTs
 * against the issuer's JWKS.
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { OAuth2Server } from 'oauth2-mock-server';
import { AsposeAuthError, AsposeClient, TokenService } from 'aspose-cloud-auth';
import { listen, type Listening } from '../support/http';
import { sleep } from '../support/polling';

const CLIENT_ID = 'interop-client';
const CLIENT_SECRET = `interop-secret-${Math.random().toString(36).slice(2)}`;

let oauth: OAuth2Server;
let tokenUrl: string;
let tokenRequests: { body: Record<string, string>; headers: IncomingMessage['headers'] }[];
let expiresIn: number | undefined;
let api: Listening;
let apiUrl: string;
let apiCalls: { status: number }[];
/** The resource server rejects tokens issued (iat, seconds) before this. */
let revokedBefore = 0;

/** A resource server that accepts only RS256 JWTs signed by the issuer's current keys and unexpired. */
function verifyJwt(token: string): boolean {
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return false;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { kid?: string; alg?: string };
  const jwks = oauth.issuer.keys.toJSON(false) as JsonWebKey[];
  const jwk = jwks.find((k) => (k as { kid?: string }).kid === header.kid);
  if (!jwk || header.alg !== 'RS256') return false;
  const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'));
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { exp: number; iat: number };
  return ok && claims.exp * 1000 > Date.now() && claims.iat >= revokedBefore;
}

beforeAll(async () => {
  oauth = new OAuth2Server();
  await oauth.issuer.keys.generate('RS256');
  await oauth.start(0, '127.0.0.1');
  tokenUrl = `${oauth.issuer.url}/token`;
  // The mock server issues tokens to anyone; make it check client credentials
  // (RFC 6749 §5.2) through its documented beforeResponse hook.
  oauth.service.on(
    'beforeResponse',
    (response: { statusCode: number; body: Record<string, unknown> }, req: IncomingMessage & { body: Record<string, string> }) => {
      tokenRequests.push({ body: { ...req.body }, headers: req.headers });
      if (req.body.client_id !== CLIENT_ID || req.body.client_secret !== CLIENT_SECRET) {
        response.statusCode = 401;
        response.body = { error: 'invalid_client', error_description: 'Client authentication failed' };
      } else if (expiresIn !== undefined) {
        response.body.expires_in = expiresIn;
      }
    },
  );
  oauth.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    if (expiresIn !== undefined) token.payload.exp = Math.floor(Date.now() / 1000) + expiresIn;
  });

  api = await listen((req, res) => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const status = m && verifyJwt(m[1]) ? 200 : 401;
    apiCalls.push({ status });
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify(status === 200 ? { ok: true, path: req.url } : { error: 'invalid_token' }));
  });
  apiUrl = api.url;
});

beforeEach(() => {
  tokenRequests = [];
  apiCalls = [];
  expiresIn = undefined;
});

afterAll(async () => {
  await oauth.stop();
  await api.close();
});

test('1000 concurrent calls share one token from a standard OAuth 2.0 server, and a JWKS-verifying resource server accepts it', async () => {
  const client = new AsposeClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: apiUrl, tokenUrl });
  try {
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => client.get<{ ok: boolean }>(`/v4.0/words/doc-${i}.docx`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(tokenRequests).toHaveLength(1);
    expect(apiCalls.filter((c) => c.status !== 200)).toHaveLength(0);
  } finally {
    await client.close();
  }
});

test('the token request is the RFC 6749 §4.4 client_credentials form, asking for JSON', async () => {
  const tokens = new TokenService({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: apiUrl, tokenUrl });
  const token = await tokens.getToken();
  expect(token.tokenType).toBe('Bearer');
  expect(verifyJwt(token.value)).toBe(true);
  expect(tokenRequests).toHaveLength(1);
  const [{ body, headers }] = tokenRequests as [(typeof tokenRequests)[0]];
  expect(body).toEqual({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
  expect(headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  expect(headers.accept).toBe('application/json');
  await tokens.close();
});

test("the server's expires_in decides when a new token is fetched", async () => {
  expiresIn = 2;
  const tokens = new TokenService({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: apiUrl, tokenUrl });
  const first = await tokens.getToken();
  expect(first.expiresAt - first.obtainedAt).toBe(2000);
  expect((await tokens.getToken()).value).toBe(first.value);
  expect(tokenRequests).toHaveLength(1);
  await sleep(2000);
  const second = await tokens.getToken();
  expect(second.value).not.toBe(first.value);
  expect(verifyJwt(second.value)).toBe(true);
  expect(tokenRequests).toHaveLength(2);
  await tokens.close();
});

test('a credentials refusal (401 invalid_client) is an AsposeAuthError and is not retried', async () => {
  const tokens = new TokenService({ clientId: CLIENT_ID, clientSecret: 'wrong-secret', baseUrl: apiUrl, tokenUrl, retry: { minDelayMs: 1, maxDelayMs: 5 } });
  const err = await tokens.getToken().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AsposeAuthError);
  expect(err).toMatchObject({
    code: 'ERR_ASPOSE_AUTH_REFUSED',
    status: 401,
    oauthError: 'invalid_client',
    oauthErrorDescription: 'Client authentication failed',
  });
  expect(tokenRequests).toHaveLength(1);
  await tokens.close();
});

test('a token the resource server stops accepting is replaced once, and every call is replayed', async () => {
  const client = new AsposeClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: apiUrl, tokenUrl });
  try {
    await client.get('/v4.0/words/a.docx');
    // Revoke every token issued so far (iat is in whole seconds, so step past the current second).
    await sleep(1100);
    revokedBefore = Math.floor(Date.now() / 1000);
    const results = await Promise.all(Array.from({ length: 50 }, () => client.get<{ ok: boolean }>('/v4.0/words/a.docx')));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(tokenRequests).toHaveLength(2);
    expect(apiCalls.filter((c) => c.status === 401)).toHaveLength(50);
    expect(apiCalls.filter((c) => c.status === 200)).toHaveLength(51);
  } finally {
    revokedBefore = 0;
    await client.close();
  }
});
