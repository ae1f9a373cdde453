/**
 * Secrets stay secret: the client secret and every token issued are searched
 * for in every error (message, stack, inspect with hidden fields, JSON), in
 * every object the library hands out, and in every log line, across normal
 * operation and every fault, including a token endpoint that echoes the secret.
 */
import { format, inspect } from 'node:util';
import { AsposeClient, AsposeConfigError, TokenService, loadAsposeConfig, type AsposeLogger } from 'aspose-cloud-auth';
import type { AsposeStandIn, TokenFault } from 'aspose-cloud-auth/testing';
import { cleanup, track } from '../support/cleanup';
import { distinctiveSecret } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { sleep } from '../support/polling';
import { closedPort, standIn } from '../support/servers';

afterEach(cleanup);

/** The secret has characters that form-encoding changes, so both spellings are searched for. */
const SECRET = `${distinctiveSecret()}+/=`;
const issued: string[] = [];
const lines: string[] = [];

const logger: Required<AsposeLogger> = {
  debug: (m, ...meta) => lines.push(format('debug', m, ...meta)),
  log: (m, ...meta) => lines.push(format('log', m, ...meta)),
  warn: (m, ...meta) => lines.push(format('warn', m, ...meta)),
  error: (m, ...meta) => lines.push(format('error', m, ...meta)),
};

/** Every way an object can be turned into text. */
function renderings(thing: unknown): string[] {
  const out = [inspect(thing, { depth: 10, showHidden: true }), inspect(thing, { depth: 10 }), String(thing)];
  try {
    out.push(JSON.stringify(thing) ?? '');
  } catch (err) {
    out.push(String(err));
  }
  if (thing instanceof Error) {
    out.push(thing.message, thing.stack ?? '');
    let cause: unknown = thing.cause;
    for (let depth = 0; cause !== undefined && depth < 5; depth++) {
      out.push(...renderings(cause));
      cause = (cause as { cause?: unknown }).cause;
    }
  }
  return out;
}

/** The stand-in's client id, and so the first half of what HTTP Basic would encode. */
const PAIR = `stand-in-client-id:${SECRET}`;
const base64Forms = (v: string) => [Buffer.from(v).toString('base64').replace(/=+$/, ''), Buffer.from(v).toString('base64url')];

/**
 * Secret fragments: the secret raw, form-encoded and in base64, any 12-character piece of each,
 * the clientId:secret pair in base64 (HTTP Basic), and every issued token and its signature.
 */
function needles(): string[] {
  const forms = [SECRET, encodeURIComponent(SECRET), new URLSearchParams({ s: SECRET }).toString().slice(2), ...base64Forms(SECRET)];
  const pieces = forms.flatMap((f) => Array.from({ length: f.length - 11 }, (_, i) => f.slice(i, i + 12)));
  return [...new Set([...forms, ...pieces, ...base64Forms(PAIR), ...issued, ...issued.map((t) => t.split('.')[2])])];
}

function expectNoSecrets(what: string, ...things: unknown[]): void {
  const all = needles();
  for (const thing of things) {
    for (const text of renderings(thing)) {
      const found = all.find((n) => text.includes(n));
      if (found)
        throw new Error(
          `${what} leaks ${found === SECRET ? 'the client secret' : issued.includes(found) ? 'a token' : `a secret fragment (${found})`}:\n${text}`,
        );
    }
  }
}

async function secretStandIn(options: Parameters<typeof standIn>[0] = {}): Promise<AsposeStandIn> {
  const server = await standIn({ clientSecret: SECRET, ...options });
  const issue = server.issueToken.bind(server);
  server.issueToken = (lifetime?: number) => {
    const token = issue(lifetime);
    issued.push(token);
    return token;
  };
  return server;
}

function makeClient(server: AsposeStandIn, extra: object = {}): AsposeClient {
  return track(
    new AsposeClient({
      clientId: server.clientId,
      clientSecret: SECRET,
      baseUrl: server.url,
      retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20 },
      tokenTimeoutMs: 300,
      logger,
      ...extra,
    }),
    (c) => c.close(),
  );
}

beforeEach(() => {
  lines.length = 0;
});

afterEach(() => {
  expectNoSecrets('a log line', lines.join('\n'));
});

test('the secret-finder finds what it is looking for', () => {
  issued.push('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ');
  try {
    expect(() => expectNoSecrets('x', new Error(`oops ${SECRET}`))).toThrow(/client secret/);
    expect(() => expectNoSecrets('x', { s: encodeURIComponent(SECRET) })).toThrow(/secret fragment/);
    expect(() => expectNoSecrets('x', `Basic ${Buffer.from(PAIR).toString('base64')}`)).toThrow(/secret fragment/);
    expect(() => expectNoSecrets('x', new Error('a', { cause: { deep: SECRET.slice(3, 20) } }))).toThrow(/secret fragment/);
    expect(() => expectNoSecrets('x', `Bearer ${issued.at(-1)}`)).toThrow(/a token/);
    expect(() => expectNoSecrets('x', 'harmless')).not.toThrow();
  } finally {
    issued.pop();
  }
});

test('normal operation: fetch, refresh ahead, 401 and replay, static and config objects', async () => {
  const server = await secretStandIn({ tokenLifetimeSec: 2 });
  const aspose = makeClient(server);
  await aspose.get('/v4.0/words/a.docx');
  const token = await aspose.tokens.getToken();
  await sleep(1_700); // into the refresh window
  await aspose.get('/v4.0/words/a.docx');
  await sleep(100);
  server.revoke();
  await aspose.get('/v4.0/words/a.docx');
  const fresh = await aspose.tokens.getToken({ forceRefresh: true });
  expect(issued.length).toBeGreaterThanOrEqual(3);
  expect(lines.length).toBeGreaterThan(0);

  const config = loadAsposeConfig({ ASPOSE_CLIENT_ID: 'id', ASPOSE_CLIENT_SECRET: SECRET, ASPOSE_BASE_URL: server.url });
  const staticConfig = loadAsposeConfig({ ASPOSE_ACCESS_TOKEN: fresh.value, ASPOSE_BASE_URL: server.url });
  const staticTokens = track(new TokenService({ accessToken: fresh.value, baseUrl: server.url }), (t) => t.close());
  expectNoSecrets(
    'an object',
    token,
    fresh,
    aspose,
    aspose.tokens,
    aspose.tokens.stats,
    aspose.tokens.api,
    config,
    staticConfig,
    staticTokens,
    await staticTokens.getToken(),
  );
  // eslint-disable-next-line @typescript-eslint/restrict-template-expressions, @typescript-eslint/no-base-to-string -- what a careless log line does
  expectNoSecrets('a template string', `${token}`, `${aspose.tokens}`);
  // The config still carries its values for whoever spreads it.
  expect({ ...config }.clientSecret).toBe(SECRET);
});

const tokenFaults: [string, TokenFault][] = [
  ['400 invalid_client echoing the secret', { kind: 'status', status: 400, body: { error: 'invalid_client', error_description: `bad secret ${SECRET}` } }],
  [
    '401 echoing the form body',
    {
      kind: 'status',
      status: 401,
      body: { error: 'invalid_client', error_description: `got grant_type=client_credentials&client_id=x&client_secret=${encodeURIComponent(SECRET)}` },
    },
  ],
  [
    'a secret at the 500-character cut of error_description',
    { kind: 'status', status: 400, body: { error: 'invalid_client', error_description: `${'x'.repeat(490)}${SECRET}` } },
  ],
  ['the secret in the error field', { kind: 'status', status: 400, body: { error: `invalid_client ${SECRET}` } }],
  [
    '400 echoing HTTP Basic credentials and the secret in base64url',
    {
      kind: 'status',
      status: 400,
      body: {
        error: 'invalid_client',
        error_description: `got Basic ${Buffer.from(PAIR).toString('base64')}, i.e. ${Buffer.from(SECRET).toString('base64url')}`,
      },
    },
  ],
  ['503 echoing the secret, retries exhausted', { kind: 'status', status: 503, body: { error: 'temporarily_unavailable', error_description: SECRET } }],
  ['429 with Retry-After beyond the limit', { kind: 'status', status: 429, body: { error: SECRET }, headers: { 'retry-after': '3600' } }],
  ['200 without a token, echoing the secret', { kind: 'status', status: 200, body: { message: SECRET } }],
  ['200 with a non-Bearer token type', { kind: 'status', status: 200, body: { access_token: SECRET, token_type: SECRET } }],
  ['hang', { kind: 'hang' }],
  ['reset', { kind: 'reset' }],
  ['non-JSON', { kind: 'non-json' }],
  ['truncated', { kind: 'truncated' }],
];

test.each(tokenFaults)('token fault: %s', async (_, fault) => {
  const server = await secretStandIn();
  server.failToken(fault, 3);
  const aspose = makeClient(server);
  const fromService = await rejectionOf(aspose.tokens.getToken());
  const cooldown = await rejectionOf(aspose.tokens.getToken()).catch(() => undefined);
  expectNoSecrets('a token-service error', fromService, cooldown);
  expect(fromService.code).toMatch(/^ERR_ASPOSE_AUTH_/);
  if (fault.kind === 'status' && fault.status === 400 && typeof (fault.body as { error_description?: string }).error_description === 'string') {
    expect(fromService.oauthErrorDescription).toContain('[redacted]');
  }

  const server2 = await secretStandIn();
  server2.failToken(fault, 3);
  const fromRequest = await rejectionOf(makeClient(server2).get('/v4.0/words/a.docx'));
  expectNoSecrets('an API-call error', fromRequest);
});

test('connection refused at the token endpoint', async () => {
  const server = await secretStandIn();
  const port = await closedPort();
  const aspose = makeClient(server, { tokenUrl: `http://127.0.0.1:${port}/connect/token` }).tokens;
  expectNoSecrets('an error', await rejectionOf(aspose.getToken()));
});

test('API errors, timeouts and aborts', async () => {
  const server = await secretStandIn();
  const aspose = makeClient(server, { timeoutMs: 200 });
  await aspose.get('/v4.0/words/a.docx');
  const token = await aspose.tokens.getToken();
  const errors = [
    await rejectionOf(aspose.get('/v4.0/words/missing.docx')),
    await rejectionOf(aspose.get('/__stand-in/slow/1000')),
    await rejectionOf(aspose.get('/v4.0/words/a.docx', { signal: AbortSignal.abort() })),
    await rejectionOf(aspose.get('/v4.0/barcode/generate/QR', { query: { data: 'x', imageFormat: 'Svg' } })),
  ];
  server.failApi(401, { error: 'invalid_token', error_description: `Bearer ${token.value} rejected` }, 2);
  errors.push(await rejectionOf(aspose.get('/v4.0/words/a.docx')));
  server.failApi(400, { Error: { Code: 'BadRequest', Message: `token ${token.value} is not allowed here` }, RequestId: 'r1' });
  errors.push(await rejectionOf(aspose.get('/v4.0/words/a.docx')));
  expect(errors.map((e) => e.code)).toEqual([
    'ERR_ASPOSE_API',
    'ERR_ASPOSE_TIMEOUT',
    'ERR_ASPOSE_ABORTED',
    'ERR_ASPOSE_API_INVALID_RESPONSE',
    'ERR_ASPOSE_API',
    'ERR_ASPOSE_API',
  ]);
  expectNoSecrets('an API error', ...errors);
});

test('configuration errors never quote a secret or token', () => {
  const errors: unknown[] = [];
  const grab = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      errors.push(err);
    }
  };
  grab(() => loadAsposeConfig({ ASPOSE_CLIENT_SECRET: ` ${SECRET}`, ASPOSE_BASE_URL: `https://user:${SECRET}@example.com` }));
  grab(() => new AsposeClient({ clientId: 'a', clientSecret: `${SECRET}\n`, tokenUrl: `https://example.com/token?secret=${SECRET}` }));
  grab(() => new AsposeClient({ accessToken: `${SECRET} `, auth: 'static' }));
  grab(() => new AsposeClient({ clientId: 'a', clientSecret: SECRET, auth: SECRET as never }));
  // The secret pasted into the wrong variables as well as the right one.
  grab(() => loadAsposeConfig({ ASPOSE_CLIENT_ID: 'a', ASPOSE_CLIENT_SECRET: SECRET, ASPOSE_AUTH: SECRET, ASPOSE_TIMEOUT_MS: SECRET }));
  expect(errors).toHaveLength(5);
  expect((errors[4] as AsposeConfigError).issues.map((i) => i.variable).sort()).toEqual(['ASPOSE_AUTH', 'ASPOSE_TIMEOUT_MS']);
  for (const err of errors) expect(err).toBeInstanceOf(AsposeConfigError);
  expectNoSecrets('a configuration error', ...errors);
});
