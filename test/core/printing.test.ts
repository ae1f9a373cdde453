/**
 * Everything we return prints safely, whatever its expiry: String(), util.inspect
 * and JSON.stringify of an AccessToken, a TokenService and an AsposeClient never
 * throw (an infinite or out-of-range expiry used to throw "RangeError: Invalid
 * time value") and never show the token.
 */
import { inspect } from 'node:util';
import { AccessToken, AsposeClient, TokenService } from 'aspose-cloud-auth';
import { cleanup, track } from '../support/cleanup';
import { captureServer } from '../support/servers';

afterEach(cleanup);

/** An unsigned JWT with these claims. */
function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}.c2ln`;
}

/** String(), a template, util.inspect (alone and nested) and JSON.stringify of `value`, each computed on its own so a throw names its form. */
function forms(value: unknown): Record<'String' | 'template' | 'inspect' | 'nested inspect' | 'JSON', string> {
  return {
    String: String(value),
    template: `${value as string}`,
    inspect: inspect(value),
    'nested inspect': inspect({ token: value, list: [value] }, { depth: 5 }),
    JSON: JSON.stringify({ token: value }),
  };
}

function staticTokens(accessToken: string): TokenService {
  return track(new TokenService({ accessToken, baseUrl: 'https://api.aspose.cloud' }), (t) => t.close());
}

describe('an AccessToken prints in all three forms whatever its expiry', () => {
  test('a static token that is not a JWT (expiry Infinity) prints as expiring never', async () => {
    const tokens = staticTokens('opaque-static-token');
    const token = await tokens.getToken();
    expect(token.expiresAt).toBe(Number.POSITIVE_INFINITY);
    const out = forms(token);
    expect(out.String).toBe('[AccessToken Bearer, expires never]');
    expect(out.template).toBe(out.String);
    expect(out.inspect).toBe("AccessToken { tokenType: 'Bearer', expiresAt: never, value: [redacted] }");
    expect(JSON.parse(out.JSON)).toEqual({ token: { tokenType: 'Bearer', expiresAt: 'never', value: '[redacted]' } });
    for (const text of Object.values(out)) expect(text).not.toContain('opaque-static-token');
  });

  test('a static JWT whose exp is 1e13 (past what a Date can hold) prints as expiring never', async () => {
    const value = jwt({ exp: 1e13 });
    const token = await staticTokens(value).getToken();
    expect(token.expiresAt).toBe(1e16);
    const out = forms(token);
    expect(out.String).toBe('[AccessToken Bearer, expires never]');
    expect(out.inspect).toContain('expiresAt: never');
    expect(JSON.parse(out.JSON).token.expiresAt).toBe('never');
    for (const text of Object.values(out)) expect(text).not.toContain(value);
  });

  test('a token from an endpoint granting expires_in 1e13 prints its (bounded) expiry date', async () => {
    const endpoint = await captureServer();
    endpoint.respond = () => ({ status: 200, body: { access_token: 'huge-lifetime-token', token_type: 'Bearer', expires_in: 1e13 } });
    const tokens = track(new TokenService({ clientId: 'id', clientSecret: 'secret', baseUrl: endpoint.url }), (t) => t.close());
    const token = await tokens.getToken();
    const iso = new Date(token.expiresAt).toISOString();
    const out = forms(token);
    expect(out.String).toBe(`[AccessToken Bearer, expires ${iso}]`);
    expect(out.inspect).toContain(`expiresAt: ${iso}`);
    expect(JSON.parse(out.JSON).token.expiresAt).toBe(iso);
    for (const text of Object.values(out)) expect(text).not.toContain('huge-lifetime-token');
  });

  test.each([
    ['Infinity', 'never', Number.POSITIVE_INFINITY],
    ['1e16', 'never', 1e16],
    ['8.64e15 (where Date ends)', 'never', 8.64e15],
    ['Number.MAX_VALUE', 'never', Number.MAX_VALUE],
    ['-Infinity', 'invalid', Number.NEGATIVE_INFINITY],
    ['NaN', 'invalid', Number.NaN],
    ['2030-01-01', '2030-01-01T00:00:00.000Z', Date.UTC(2030, 0, 1)],
    ['0', '1970-01-01T00:00:00.000Z', 0],
  ])('an AccessToken built with expiresAt %s prints %s', (_, shown, expiresAt) => {
    const token = new AccessToken('built-by-hand', 'Bearer', expiresAt, Date.now());
    const out = forms(token);
    expect(out.String).toBe(`[AccessToken Bearer, expires ${shown}]`);
    expect(out.inspect).toContain(`expiresAt: ${shown}`);
    expect(JSON.parse(out.JSON).token.expiresAt).toBe(shown);
    for (const text of Object.values(out)) expect(text).not.toContain('built-by-hand');
  });
});

describe('a TokenService and an AsposeClient print whatever their token', () => {
  test.each([
    ['a static opaque token (expiry Infinity)', () => 'opaque-static-token'],
    ['a static JWT with exp 1e13', () => jwt({ exp: 1e13 })],
  ])('%s', async (_, make) => {
    const value = make();
    const tokens = staticTokens(value);
    await tokens.getToken();
    const aspose = track(new AsposeClient({ accessToken: value, baseUrl: 'https://api.aspose.cloud' }), (c) => c.close());
    await aspose.tokens.getToken();
    for (const thing of [tokens, aspose, aspose.tokens, tokens.stats]) {
      for (const text of Object.values(forms(thing))) expect(text).not.toContain(value);
    }
    expect(inspect(aspose)).toMatch(/^AsposeClient /);
    expect(inspect(tokens)).toMatch(/hasToken: true/);
  });
});
