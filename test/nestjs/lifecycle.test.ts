import { Test, type TestingModule } from '@nestjs/testing';
import { AsposeAuthError, AsposeClient, TokenService } from 'aspose-cloud-auth';
import { AsposeAuthModule, type AsposeAuthModuleOptions } from 'aspose-cloud-auth/nestjs';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { CaptureLogger } from '../support/capture-logger';
import { ConnectionWatch } from '../support/connection-watch';
import { asposeVariables, useEnv } from '../support/env';
import { sleep, waitFor } from '../support/polling';

let standIn: AsposeStandIn;
let watch: ConnectionWatch;
let moduleRef: TestingModule | undefined;
let logger: CaptureLogger;
const setEnv = useEnv();

beforeAll(async () => {
  standIn = await startAsposeStandIn({ documents: 'any', clientId: 'life-id', clientSecret: 'life-secret-c0ffee' });
  watch = await ConnectionWatch.start(standIn.url);
});
afterAll(async () => {
  await watch.close();
  await standIn.close();
});
beforeEach(() => {
  standIn.resetCounters();
  logger = new CaptureLogger();
  setEnv(asposeVariables());
});
afterEach(async () => {
  await moduleRef?.close();
  moduleRef = undefined;
  // Whatever a test left open is closed now, so the next test counts from zero.
  await waitFor(() => watch.open === 0, 'the previous test’s connections to close');
});

/** Boots a module whose client reaches the stand-in through the connection watch. */
async function boot(options: Partial<AsposeAuthModuleOptions> = {}): Promise<TestingModule> {
  moduleRef = await Test.createTestingModule({
    imports: [AsposeAuthModule.forRoot({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: watch.url, ...options })],
  })
    .setLogger(logger)
    .compile();
  await moduleRef.init();
  return moduleRef;
}

describe('app.close()', () => {
  test('closes the client: its kept-alive connections end and the token service stops', async () => {
    const app = await boot();
    const client = app.get(AsposeClient);
    await Promise.all([1, 2, 3].map((i) => client.get(`/v4.0/words/keep${i}.docx`)));
    // Keep-alive: the sockets stay open after the calls (the stand-in allows 30 s idle).
    await sleep(100);
    expect(watch.open).toBeGreaterThan(0);

    await app.close();
    moduleRef = undefined;
    await waitFor(() => watch.open === 0, 'the client’s sockets to close', 2_000);
    expect(app.get(TokenService).closed).toBe(true);
    await expect(client.get('/v4.0/words/after-close.docx')).rejects.toMatchObject({ code: 'ERR_ASPOSE_ABORTED' });
  });

  test('a call in flight when close() starts still gets its answer', async () => {
    const app = await boot();
    const client = app.get(AsposeClient);
    await client.tokens.getToken();
    const slow = client.get<{ slept: number }>('/__stand-in/slow/300');
    await waitFor(() => standIn.apiRequests === 1, 'the slow call to reach the stand-in');
    const closing = app.close();
    moduleRef = undefined;
    await expect(slow).resolves.toEqual({ slept: 300 });
    await closing;
    await waitFor(() => watch.open === 0, 'the client’s sockets to close', 2_000);
  });
});

describe('shutdownTimeoutMs', () => {
  test('a hung call does not hold up app.close(): it is aborted once the bound runs out', async () => {
    const app = await boot({ shutdownTimeoutMs: 200, timeoutMs: 0 });
    const client = app.get(AsposeClient);
    await client.tokens.getToken();
    const hung = client.get('/__stand-in/slow/600000').then(
      () => undefined,
      (err: { code?: string }) => err,
    );
    await waitFor(() => standIn.apiRequests === 1, 'the hung call to reach the stand-in');
    await app.close();
    moduleRef = undefined;
    expect(await hung).toMatchObject({ code: 'ERR_ASPOSE_ABORTED' });
    await waitFor(() => watch.open === 0, 'the client’s sockets to close', 2_000);
  });

  test('a malformed value fails the module at bootstrap', async () => {
    await expect(boot({ shutdownTimeoutMs: -5 })).rejects.toMatchObject({ code: 'ERR_ASPOSE_CONFIG', message: expect.stringContaining('shutdownTimeoutMs') });
    moduleRef = undefined;
  });
});

describe('prefetchToken', () => {
  test('takes a token while the module initialises, before any call', async () => {
    await boot({ prefetchToken: true });
    expect(standIn.tokenRequests).toBe(1);
    expect(standIn.apiRequests).toBe(0);
  });

  test('without it, no token is requested until the first call', async () => {
    await boot();
    expect(standIn.tokenRequests).toBe(0);
  });

  test('with wrong credentials, init() fails with the token endpoint’s refusal, and leaves no socket open', async () => {
    const wrong = 'wrong-secret-5e5e5e';
    const testing = await Test.createTestingModule({
      imports: [AsposeAuthModule.forRoot({ clientId: standIn.clientId, clientSecret: wrong, baseUrl: watch.url, prefetchToken: true })],
    })
      .setLogger(logger)
      .compile();
    const err = (await testing.init().then(
      () => undefined,
      (e: unknown) => e,
    )) as AsposeAuthError;
    expect(err).toBeInstanceOf(AsposeAuthError);
    expect(err.code).toBe('ERR_ASPOSE_AUTH_REFUSED');
    expect(err.oauthError).toBe('invalid_client');
    expect(standIn.tokenRequests).toBe(1); // a refusal is not retried
    await waitFor(() => watch.open === 0, 'the refused client’s socket to close', 2_000);
    expect(logger.from('AsposeAuth').some((l) => l.level === 'error' && /token request failed/.test(l.message))).toBe(true);
    expect(err.message + err.stack + logger.text).not.toContain(wrong);
  });

  test('through forRootAsync() from the environment too', async () => {
    setEnv({ ASPOSE_CLIENT_ID: standIn.clientId, ASPOSE_CLIENT_SECRET: 'also-wrong-1234', ASPOSE_BASE_URL: watch.url });
    const testing = await Test.createTestingModule({ imports: [AsposeAuthModule.forRootAsync({ prefetchToken: true })] })
      .setLogger(logger)
      .compile();
    await expect(testing.init()).rejects.toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED' });
  });
});

describe('logging through Nest’s Logger', () => {
  test('the token fetch is logged under AsposeAuth with its timing; no token or secret is ever logged', async () => {
    const app = await boot();
    const client = app.get(AsposeClient);
    await client.get('/v4.0/words/log.docx');
    const token = (await client.tokens.getToken()).value;
    standIn.revoke();
    await client.get('/v4.0/words/after-revoke.docx'); // a 401, then a fresh token and one replay
    const lines = logger.from('AsposeAuth');
    expect(lines.filter((l) => l.level === 'log' && /^Aspose access token obtained from .* in \d+ ms/.test(l.message))).toHaveLength(1);
    expect(lines.filter((l) => l.level === 'log' && /^Aspose access token renewed from .* in \d+ ms/.test(l.message))).toHaveLength(1);
    expect(logger.text).not.toContain(standIn.clientSecret);
    expect(logger.text).not.toContain(token);
    expect(logger.text).not.toContain((await client.tokens.getToken()).value);
  });

  test('a refresh ahead of expiry is logged too, with its timing', async () => {
    standIn.tokenLifetimeSec = 2; // refreshed in the last 20% of its life: from 1.6 s on
    try {
      const app = await boot({ prefetchToken: true });
      const tokens = app.get(TokenService);
      await sleep(1_700);
      await app.get(AsposeClient).get('/v4.0/words/refresh.docx'); // served by the old token, starts the refresh
      await waitFor(() => tokens.stats.tokensIssued === 2, 'the background refresh');
      expect(tokens.stats.refreshesAhead).toBe(1);
      const messages = logger.from('AsposeAuth').map((l) => l.message);
      expect(messages.filter((m) => /^Aspose access token obtained from .* in \d+ ms; valid 2 s$/.test(m))).toHaveLength(1);
      expect(messages.filter((m) => /^Aspose access token refreshed ahead of expiry from .* in \d+ ms; valid 2 s$/.test(m))).toHaveLength(1);
    } finally {
      standIn.tokenLifetimeSec = 3600;
    }
  });

  test('a named client logs under its own context', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        AsposeAuthModule.forRoot({ name: 'ocr', clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: watch.url, prefetchToken: true }),
      ],
    })
      .setLogger(logger)
      .compile();
    await moduleRef.init();
    expect(logger.from('AsposeAuth:ocr').map((l) => l.message)).toEqual([expect.stringMatching(/^Aspose access token obtained/)]);
  });

  test('logger: false silences it; a logger of your own gets the lines instead', async () => {
    await boot({ logger: false, prefetchToken: true });
    expect(logger.from('AsposeAuth')).toEqual([]);
    await moduleRef!.close();
    moduleRef = undefined;

    const mine: string[] = [];
    await boot({ logger: { log: (m) => mine.push(m) }, prefetchToken: true });
    expect(logger.from('AsposeAuth')).toEqual([]);
    expect(mine).toEqual([expect.stringMatching(/^Aspose access token obtained/)]);
  });
});
