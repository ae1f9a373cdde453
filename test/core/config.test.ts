/**
 * Configuration: options and ASPOSE_* variables are validated all at once,
 * into one AsposeConfigError naming every problem; plain http is refused off
 * loopback unless allowed; static and none modes; presets.
 */
import { ASPOSE_ENV_VARIABLES, AsposeClient, AsposePresets, TokenService, isLoopbackHost, loadAsposeConfig } from 'aspose-cloud-auth';
import { cleanup, track } from '../support/cleanup';
import { configError } from '../support/errors';
import { standIn } from '../support/servers';

afterEach(cleanup);

describe('loadAsposeConfig', () => {
  test('reads every ASPOSE_* variable', () => {
    const config = loadAsposeConfig({
      ASPOSE_AUTH: 'client_credentials',
      ASPOSE_CLIENT_ID: 'my-id',
      ASPOSE_CLIENT_SECRET: 'my-secret',
      ASPOSE_BASE_URL: 'https://api.groupdocs.cloud/',
      ASPOSE_TOKEN_URL: 'https://id.aspose.cloud/connect/token',
      ASPOSE_TOKEN_TIMEOUT_MS: '2500',
      ASPOSE_TIMEOUT_MS: '60000',
      ASPOSE_ALLOW_INSECURE_HTTP: 'false',
      UNRELATED: 'x',
    });
    expect({ ...config }).toEqual({
      auth: 'client_credentials',
      clientId: 'my-id',
      clientSecret: 'my-secret',
      baseUrl: 'https://api.groupdocs.cloud/',
      tokenUrl: 'https://id.aspose.cloud/connect/token',
      tokenTimeoutMs: 2500,
      timeoutMs: 60000,
      allowInsecureHttp: false,
    });
    expect(Object.values(ASPOSE_ENV_VARIABLES).sort()).toEqual([
      'ACCESS_TOKEN',
      'ALLOW_INSECURE_HTTP',
      'AUTH',
      'BASE_URL',
      'CLIENT_ID',
      'CLIENT_SECRET',
      'TIMEOUT_MS',
      'TOKEN_TIMEOUT_MS',
      'TOKEN_URL',
    ]);
  });

  test('reads process.env by default', () => {
    const saved = { ...process.env };
    try {
      process.env.ASPOSE_CLIENT_ID = 'from-process-env';
      process.env.ASPOSE_CLIENT_SECRET = 'shh';
      expect(loadAsposeConfig().clientId).toBe('from-process-env');
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    }
  });

  test('throws ONE AsposeConfigError naming every missing or malformed variable', () => {
    const err = configError(() =>
      loadAsposeConfig({
        ASPOSE_BASE_URL: 'not a url',
        ASPOSE_TOKEN_URL: 'ftp://example.com/token',
        ASPOSE_TOKEN_TIMEOUT_MS: 'ten seconds',
        ASPOSE_TIMEOUT_MS: '-5',
        ASPOSE_ALLOW_INSECURE_HTTP: 'maybe',
      }),
    );
    const named = [
      'ASPOSE_CLIENT_ID',
      'ASPOSE_CLIENT_SECRET',
      'ASPOSE_BASE_URL',
      'ASPOSE_TOKEN_URL',
      'ASPOSE_TOKEN_TIMEOUT_MS',
      'ASPOSE_TIMEOUT_MS',
      'ASPOSE_ALLOW_INSECURE_HTTP',
    ];
    expect(err.code).toBe('ERR_ASPOSE_CONFIG');
    expect(err.issues.map((i) => i.variable).sort()).toEqual([...named].sort());
    for (const name of named) expect(err.message).toContain(name);
    expect(err.message).toMatch(/7 problems/);
    expect(err.message).toMatch(/dashboard/); // says where to get the credentials
  });

  test('an out-of-range number is named too', () => {
    const err = configError(() => loadAsposeConfig({ ASPOSE_CLIENT_ID: 'a', ASPOSE_CLIENT_SECRET: 'b', ASPOSE_TOKEN_TIMEOUT_MS: '0' }));
    expect(err.issues.map((i) => i.variable)).toEqual(['ASPOSE_TOKEN_TIMEOUT_MS']);
  });

  test('a secret pasted with a trailing newline is reported without its value', () => {
    const err = configError(() => loadAsposeConfig({ ASPOSE_CLIENT_ID: 'id', ASPOSE_CLIENT_SECRET: 'Sup3rS3cret-value\n' }));
    expect(err.issues).toEqual([expect.objectContaining({ variable: 'ASPOSE_CLIENT_SECRET', problem: expect.stringMatching(/white space|line break/) })]);
    expect(err.message).not.toContain('Sup3rS3cret');
    expect(JSON.stringify(err)).not.toContain('Sup3rS3cret');
  });

  test('the prefix option reads a second set of variables', () => {
    const env = { ASPOSE_CLIENT_ID: 'main', ASPOSE_CLIENT_SECRET: 'm', ASPOSE_OCR_CLIENT_ID: 'ocr', ASPOSE_OCR_CLIENT_SECRET: 'o' };
    expect(loadAsposeConfig(env, { prefix: 'ASPOSE_OCR_' }).clientId).toBe('ocr');
    const err = configError(() => loadAsposeConfig({ ASPOSE_CLIENT_ID: 'main' }, { prefix: 'GROUPDOCS_' }));
    expect(err.issues.map((i) => i.variable)).toEqual(['GROUPDOCS_CLIENT_ID', 'GROUPDOCS_CLIENT_SECRET']);
  });

  test('plain http:// to a non-loopback host is refused, naming the switch that allows it', () => {
    const err = configError(() => loadAsposeConfig({ ASPOSE_CLIENT_ID: 'a', ASPOSE_CLIENT_SECRET: 'b', ASPOSE_BASE_URL: 'http://words.internal:8080' }));
    // Only the variable that was set: not ASPOSE_TOKEN_URL, which was derived from it.
    expect(err.issues.map((i) => i.variable)).toEqual(['ASPOSE_BASE_URL']);
    expect(err.message).toContain('ASPOSE_ALLOW_INSECURE_HTTP=true');
    const allowed = loadAsposeConfig({
      ASPOSE_CLIENT_ID: 'a',
      ASPOSE_CLIENT_SECRET: 'b',
      ASPOSE_BASE_URL: 'http://words.internal:8080',
      ASPOSE_ALLOW_INSECURE_HTTP: 'true',
    });
    expect(allowed.allowInsecureHttp).toBe(true);
  });

  test('an http:// token URL alone is refused too (it would carry the client secret)', () => {
    const err = configError(() =>
      loadAsposeConfig({ ASPOSE_CLIENT_ID: 'a', ASPOSE_CLIENT_SECRET: 'b', ASPOSE_TOKEN_URL: 'http://id.example.com/connect/token' }),
    );
    expect(err.issues).toEqual([expect.objectContaining({ variable: 'ASPOSE_TOKEN_URL', problem: expect.stringContaining('client secret') })]);
  });

  test.each(['http://127.0.0.1:8080', 'http://localhost:3000', 'http://[::1]:8080', 'http://127.1.2.3'])('plain http to loopback (%s) is allowed', (url) => {
    expect(loadAsposeConfig({ ASPOSE_CLIENT_ID: 'a', ASPOSE_CLIENT_SECRET: 'b', ASPOSE_BASE_URL: url }).baseUrl).toBe(url);
  });

  test.each(['localhost.evil.com', '127.0.0.1.nip.io', '10.0.0.1', 'example.com', 'words.localhost', 'a.b.localhost'])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  test('*.localhost is not trusted with plain http: nothing makes the resolver send it to loopback', () => {
    const err = configError(() => loadAsposeConfig({ ASPOSE_CLIENT_ID: 'a', ASPOSE_CLIENT_SECRET: 'b', ASPOSE_BASE_URL: 'http://words.localhost' }));
    expect(err.issues).toEqual([expect.objectContaining({ variable: 'ASPOSE_BASE_URL', problem: expect.stringContaining('non-loopback') })]);
  });

  test('ASPOSE_ACCESS_TOKEN alone selects static mode', () => {
    const config = loadAsposeConfig({ ASPOSE_ACCESS_TOKEN: 'eyJ.static.token' });
    const tokens = track(new TokenService(config), (t) => t.close());
    expect(tokens.auth).toBe('static');
    expect(tokens.canRefresh).toBe(false);
  });

  test('ASPOSE_AUTH=static without a token, and an unknown ASPOSE_AUTH, are named', () => {
    expect(configError(() => loadAsposeConfig({ ASPOSE_AUTH: 'static' })).issues.map((i) => i.variable)).toEqual(['ASPOSE_ACCESS_TOKEN']);
    expect(configError(() => loadAsposeConfig({ ASPOSE_AUTH: 'kerberos' })).issues.map((i) => i.variable)).toEqual(['ASPOSE_AUTH']);
  });

  test('ASPOSE_AUTH=none needs no credentials, for a self-hosted container', async () => {
    const server = await standIn({ auth: 'none' });
    const config = loadAsposeConfig({ ASPOSE_AUTH: 'None', ASPOSE_BASE_URL: server.url });
    const aspose = track(new AsposeClient(config), (c) => c.close());
    expect(aspose.tokens.auth).toBe('none');
    await expect(aspose.get('/v4.0/words/a.docx')).resolves.toMatchObject({ Document: { FileName: 'a.docx' } });
  });

  test('the result works as AsposeClient options against a server', async () => {
    const server = await standIn();
    const config = loadAsposeConfig({ ASPOSE_CLIENT_ID: server.clientId, ASPOSE_CLIENT_SECRET: server.clientSecret, ASPOSE_BASE_URL: server.url });
    const aspose = track(new AsposeClient(config), (c) => c.close());
    await expect(aspose.get('/v4.0/words/a.docx')).resolves.toMatchObject({ Document: { FileName: 'a.docx' } });
    expect(aspose.tokens.tokenUrl).toBe(`${server.url}/connect/token`);
  });
});

describe('options', () => {
  test('the constructor throws one AsposeConfigError naming every bad option', () => {
    const err = configError(
      () =>
        new AsposeClient({
          baseUrl: 'https://user:pass@api.aspose.cloud',
          tokenTimeoutMs: -1,
          retry: { retries: 1.5, maxDelayMs: Number.NaN },
          connections: 0,
        }),
    );
    expect(err.issues.map((i) => i.option).sort()).toEqual(
      ['baseUrl', 'clientId', 'clientSecret', 'connections', 'retry.maxDelayMs', 'retry.retries', 'tokenTimeoutMs'].sort(),
    );
    expect(err.message).not.toContain('pass@');
  });

  test('a base URL with a query string or fragment is refused', () => {
    expect(
      configError(() => new TokenService({ clientId: 'a', clientSecret: 'b', baseUrl: 'https://api.aspose.cloud/?x=1' })).issues.map((i) => i.option),
    ).toEqual(['baseUrl']);
  });

  test('defaults: api.aspose.cloud, and the token URL under the base URL', () => {
    const tokens = track(new TokenService({ clientId: 'a', clientSecret: 'b' }), (t) => t.close());
    expect(tokens.baseUrl).toBe('https://api.aspose.cloud');
    expect(tokens.tokenUrl).toBe('https://api.aspose.cloud/connect/token');
    expect(tokens.origin).toBe('https://api.aspose.cloud');
    const sub = track(new TokenService({ clientId: 'a', clientSecret: 'b', baseUrl: 'https://words.example.com/api/' }), (t) => t.close());
    expect(sub.baseUrl).toBe('https://words.example.com/api');
    expect(sub.tokenUrl).toBe('https://words.example.com/api/connect/token');
  });

  test.each(Object.entries(AsposePresets))('preset %s is usable as options', (_, preset) => {
    const tokens = track(new TokenService({ ...preset, clientId: 'a', clientSecret: 'b' }), (t) => t.close());
    expect(tokens.tokenUrl).toBe(preset.tokenUrl);
    expect(tokens.origin).toBe(new URL(preset.baseUrl).origin);
    expect(preset.tokenUrl).toMatch(/^https:\/\/[^/]+\/(v4\.0\/(words|cells)\/)?connect\/token$/);
  });

  test('the GroupDocs preset points the token at GroupDocs, not Aspose', () => {
    expect(AsposePresets.groupdocs.tokenUrl).toBe('https://api.groupdocs.cloud/connect/token');
    expect(AsposePresets.asposeId.tokenUrl).toBe('https://id.aspose.cloud/connect/token');
  });
});
