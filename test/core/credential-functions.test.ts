/**
 * Credential functions: `clientId` and `clientSecret` given as functions (sync
 * or async), called before each token request, so a secret rotated in a vault
 * is used without a restart; what they return is checked like a static value;
 * new credentials are never held back by the old pair's lockout or backoff.
 */
import { inspect } from 'node:util';
import { AccessToken, AsposeClient, type AsposeClientOptions, AsposeConfigError, type AsposeCredential, TokenService } from 'aspose-cloud-auth';
import type { AsposeAuthModuleOptions } from 'aspose-cloud-auth/nestjs';
import { cleanup, track } from '../support/cleanup';
import { client, distinctiveSecret, tokenService } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { sleep } from '../support/polling';
import { captureServer, type CaptureServer, standIn } from '../support/servers';

afterEach(async () => {
  jest.restoreAllMocks();
  await cleanup();
});

/** A vault stand-in: reads are counted, and the secret can be rotated. */
function vault(secret: string) {
  const v = {
    secret,
    reads: 0,
    read: async (): Promise<string> => {
      v.reads++;
      await sleep(1);
      return v.secret;
    },
  };
  return v;
}

/** A token endpoint that issues `tok-1`, `tok-2`… and records the client_secret of each request. */
async function tokenEndpoint(): Promise<CaptureServer & { secrets: () => (string | null)[] }> {
  const endpoint = await captureServer();
  let n = 0;
  endpoint.respond = () => ({ status: 200, body: { access_token: `tok-${++n}`, token_type: 'Bearer', expires_in: 3600 } });
  return Object.assign(endpoint, { secrets: () => endpoint.requests.map((r) => new URLSearchParams(r.body.toString()).get('client_secret')) });
}

test('the types accept functions: TokenService, AsposeClient and Nest module options', () => {
  const sync: AsposeCredential = () => 'id';
  const options: AsposeClientOptions = { clientId: sync, clientSecret: async () => 'secret' };
  const nest: AsposeAuthModuleOptions = { clientId: 'id', clientSecret: () => Promise.resolve('secret'), prefetchToken: true };
  expect(track(new TokenService(options), (t) => t.close()).auth).toBe('client_credentials');
  expect(track(new AsposeClient({ clientId: nest.clientId, clientSecret: nest.clientSecret }), (c) => c.close()).tokens.canRefresh).toBe(true);
});

test('a secret rotated in the vault is used for the next token request, without a restart', async () => {
  const endpoint = await tokenEndpoint();
  const v = vault('secret-one');
  const tokens = tokenService({ url: endpoint.url, clientId: 'id', clientSecret: 'unused' }, { clientSecret: v.read });
  expect((await tokens.getToken()).value).toBe('tok-1');
  v.secret = 'secret-two';
  expect((await tokens.getToken()).value).toBe('tok-1'); // cached: no read, no request
  expect(v.reads).toBe(1);
  expect((await tokens.getToken({ forceRefresh: true })).value).toBe('tok-2');
  expect(endpoint.secrets()).toEqual(['secret-one', 'secret-two']);
  expect(v.reads).toBe(2);
});

test('a sync function works too, for the Id as well; 100 concurrent first calls read once and send one request', async () => {
  const server = await standIn();
  let idReads = 0;
  let secretReads = 0;
  const aspose = client(server, {
    clientId: () => (idReads++, server.clientId),
    clientSecret: () => (secretReads++, server.clientSecret),
  });
  await Promise.all(Array.from({ length: 100 }, () => aspose.get('/v4.0/words/a.docx')));
  expect({ idReads, secretReads, tokenRequests: server.tokenRequests }).toEqual({ idReads: 1, secretReads: 1, tokenRequests: 1 });
});

test('a retry of a transient fault reads the credentials again: each token request gets the current ones', async () => {
  const server = await standIn();
  server.failToken({ kind: 'status', status: 503 }, 2);
  const v = vault(server.clientSecret);
  const tokens = tokenService(server, { clientSecret: v.read });
  await tokens.getToken();
  expect(server.tokenRequests).toBe(3);
  expect(v.reads).toBe(3);
});

describe('a bad value or a failing function: AsposeConfigError naming the option, no request, no refusal backoff', () => {
  const bad: [string, () => unknown, RegExp][] = [
    ['an empty string', () => '', /clientSecret function returned an empty string/],
    ['surrounding spaces', () => ' S3cr3t-with-spaces ', /clientSecret function returned a value that has leading or trailing white space/],
    ['a line break', async () => 'S3cr3t-line\nbreak', /clientSecret function returned a value that has leading or trailing white space or a line break/],
    ['a number', () => 42, /clientSecret function returned number, not a string/],
    ['null', async () => null, /clientSecret function returned null, not a string/],
    ['undefined (a vault miss)', async () => undefined, /clientSecret function returned undefined, not a string/],
  ];
  test.each(bad)('%s', async (_, fn, message) => {
    const server = await standIn();
    const tokens = tokenService(server, { clientSecret: fn as () => string });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toBeInstanceOf(AsposeConfigError);
    expect(err.issues).toEqual([{ option: 'clientSecret', problem: expect.any(String) }]);
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/S3cr3t/);
    expect(server.tokenRequests).toBe(0);
  });

  test('a function that throws: its error is the cause; one that rejects too; both options at once', async () => {
    const server = await standIn();
    const thrown = new Error('vault sealed');
    const tokens = tokenService(server, {
      clientId: () => {
        throw thrown;
      },
      clientSecret: () => Promise.reject(new Error('permission denied')),
    });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toBeInstanceOf(AsposeConfigError);
    expect(err.issues.map((i: { option: string }) => i.option)).toEqual(['clientId', 'clientSecret']);
    expect(err.message).toMatch(/clientId function threw or rejected \(the error is the cause of this one\)/);
    expect(err.cause).toBe(thrown);
    expect(server.tokenRequests).toBe(0);
    expect(tokens.stats).toMatchObject({ requests: 0, failures: 1 });
  });

  test('a function that never settles is bounded by tokenTimeoutMs', async () => {
    const server = await standIn();
    const tokens = tokenService(server, { clientSecret: () => new Promise<string>(() => {}), tokenTimeoutMs: 100 });
    const err = await rejectionOf(tokens.getToken());
    expect(err).toBeInstanceOf(AsposeConfigError);
    expect(err.message).toMatch(/clientSecret function did not settle within tokenTimeoutMs \(100 ms\)/);
    expect(server.tokenRequests).toBe(0);
  });

  test('close() while a function is pending ends the wait', async () => {
    const server = await standIn();
    const tokens = tokenService(server, { clientSecret: () => new Promise<string>(() => {}) });
    const pending = rejectionOf(tokens.getToken());
    await sleep(20);
    await tokens.close();
    expect(await pending).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', message: 'TokenService is closed' });
  });

  test('not a refusal: once the function returns a good value, the next call sends at once', async () => {
    const server = await standIn();
    let value: unknown = '';
    const tokens = tokenService(server, { clientSecret: () => value as string });
    for (let i = 0; i < 10; i++) expect(await rejectionOf(tokens.getToken())).toBeInstanceOf(AsposeConfigError);
    value = server.clientSecret;
    await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken);
    expect(server.tokenRequests).toBe(1);
  });
});

describe('a lockout and a refusal backoff belong to the pair: new credentials end them at once', () => {
  test('a refused secret backs off; the rotated secret is sent at the next call', async () => {
    const clock = simulated();
    const server = await standIn();
    const v = vault('old-secret');
    const tokens = tokenService(server, { clientSecret: v.read });
    expect(await rejectionOf(tokens.getToken())).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', retryAt: expect.any(Number) });
    expect(await rejectionOf(tokens.getToken())).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED' }); // held back
    expect(server.tokenRequests).toBe(1);
    v.secret = server.clientSecret;
    clock.advance(1_000); // the vault is read again at most once a second while the old pair is held back (10 s backoff)
    await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken);
    expect(server.tokenRequests).toBe(2);
  });

  test('a 429 lockout of the old pair does not hold back the new one; the old pair stays locked', async () => {
    const clock = simulated();
    const server = await standIn();
    const v = vault('old-secret');
    server.lockOut(server.clientId, 'old-secret');
    const tokens = tokenService(server, { clientSecret: v.read });
    expect(await rejectionOf(tokens.getToken())).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', status: 429 });
    // While the old pair is held back, a steady stream of calls reads the vault at most once a second.
    const readsBefore = v.reads;
    for (let i = 0; i < 100; i++) {
      clock.advance(100);
      expect(await rejectionOf(tokens.getToken())).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED' });
    }
    expect(v.reads - readsBefore).toBeLessThanOrEqual(11);
    expect(server.tokenRequests).toBe(1);

    v.secret = server.clientSecret;
    clock.advance(1_000);
    await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken);
    expect(server.tokenRequests).toBe(2);
    // Back to the old secret: its lockout is remembered, so no request.
    v.secret = 'old-secret';
    clock.advance(1_000);
    expect(await rejectionOf(tokens.getToken({ forceRefresh: true }))).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED' });
    expect(server.tokenRequests).toBe(2);
  });
});

describe('secrets stay secret', () => {
  test('toJSON and inspect never call the functions, and show no secret', async () => {
    const secret = distinctiveSecret();
    let calls = 0;
    const tokens = track(new TokenService({ clientId: () => (calls++, 'id'), clientSecret: () => (calls++, secret) }), (t) => t.close());
    const shown = `${inspect(tokens)} ${JSON.stringify(tokens)} ${inspect(tokens, { showHidden: true, depth: 5 })}`;
    expect(calls).toBe(0);
    expect(shown).not.toContain(secret);
    expect(JSON.parse(JSON.stringify(tokens))).toMatchObject({ clientId: '(from a function)' });
  });

  test('sensitiveValues() covers the secrets actually used recently, the rotated ones too', async () => {
    const endpoint = await tokenEndpoint();
    const secrets = Array.from({ length: 6 }, () => distinctiveSecret());
    let current = secrets[0];
    const tokens = tokenService({ url: endpoint.url, clientId: 'id', clientSecret: 'unused' }, { clientSecret: () => current });
    for (const s of secrets) {
      current = s;
      await tokens.getToken({ forceRefresh: true });
    }
    const values = tokens.sensitiveValues();
    for (const s of secrets.slice(-4)) {
      expect(values).toContain(s);
      expect(values).toContain(`id:${s}`);
    }
    expect(values).not.toContain(secrets[0]); // only the last few are kept
    expect(values).toContain('tok-6');
  });

  test('an echo of a rotated secret in an error_description is redacted', async () => {
    const endpoint = await captureServer();
    const secret = distinctiveSecret();
    endpoint.respond = () => ({ status: 400, body: { error: 'invalid_client', error_description: `unknown secret ${secret}` } });
    const tokens = tokenService({ url: endpoint.url, clientId: 'id', clientSecret: 'unused' }, { clientSecret: async () => secret });
    const err = await rejectionOf(tokens.getToken());
    expect(`${err.message} ${err.oauthErrorDescription} ${inspect(err)} ${JSON.stringify(err)}`).not.toContain(secret);
  });
});

describe('options', () => {
  test('a function counts as present; a value of another type is named', () => {
    expect(() => new TokenService({ clientId: () => 'id' })).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ option: 'clientSecret', problem: expect.stringMatching(/is missing/) })] }),
    );
    expect(() => new TokenService({ clientId: 'id', clientSecret: 42 as unknown as string })).toThrow(
      /clientSecret must be a string, or a function returning one/,
    );
  });
});

function simulated() {
  let now = Date.now();
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  return {
    advance(ms: number) {
      now += ms;
    },
  };
}
