import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { AsposeClient, TokenService } from 'aspose-cloud-auth';
import { AsposeAuthModule, type AsposeAuthModuleSyncOptions } from 'aspose-cloud-auth/nestjs';
import { AsposeHealthIndicator } from 'aspose-cloud-auth/nestjs/terminus';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { CaptureLogger } from '../support/capture-logger';
import { send, type RawResponse } from '../support/http';
import { sleep } from '../support/polling';
import { documentsApp } from './fixtures/documents.app';
import { listenOn, PLATFORMS, type RunningApp } from './fixtures/platforms';

/**
 * AsposeHealthIndicator behind a real Terminus `/health` endpoint, over real
 * HTTP, on Express and on Fastify, against the stand-in: up when a token is
 * cached or can be fetched, down with the reason otherwise, and never a call
 * to a product API.
 */
let standIn: AsposeStandIn;
const WRONG_SECRET = 'wrong-secret-9f1c2d';

beforeAll(async () => {
  standIn = await startAsposeStandIn({ documents: 'any', clientId: 'health-id', clientSecret: 'health-secret-3e7a' });
});
afterAll(() => standIn.close());
beforeEach(() => standIn.resetCounters());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe.each(PLATFORMS)('on %s', (_platform, adapter) => {
  let running: RunningApp | undefined;
  let logger: CaptureLogger;

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  async function start(
    main: Partial<AsposeAuthModuleSyncOptions> = {},
    ocr: Partial<AsposeAuthModuleSyncOptions> = {},
  ): Promise<(path: string) => Promise<RawResponse>> {
    logger = new CaptureLogger();
    const base = { clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url, logger: false as const };
    running = await listenOn(
      adapter(),
      documentsApp([AsposeAuthModule.forRoot({ ...base, ...main }), AsposeAuthModule.forRoot({ ...base, name: 'ocr', ...ocr })]),
      {
        logger,
      },
    );
    const url = running.url;
    return (path) => send(url, path);
  }

  /** Every secret and token value the app holds now, which no health answer may show. */
  function secrets(): string[] {
    return [standIn.clientSecret, WRONG_SECRET, ...running!.app.get(TokenService).sensitiveValues()];
  }

  test('up: the first check takes a token (and no product API call), the next ones read the cached one', async () => {
    const get = await start();
    const first = await get('/health');
    expect(first.status).toBe(200);
    expect(first.json()).toEqual({
      status: 'ok',
      info: { aspose: { status: 'up', auth: 'client_credentials', tokenExpiresAt: expect.stringMatching(ISO) } },
      error: {},
      details: { aspose: { status: 'up', auth: 'client_credentials', tokenExpiresAt: expect.stringMatching(ISO) } },
    });
    const expiresAt = Date.parse(first.json<{ info: { aspose: { tokenExpiresAt: string } } }>().info.aspose.tokenExpiresAt);
    expect(expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    for (let i = 0; i < 5; i++) expect((await get('/health')).status).toBe(200);
    expect(standIn.tokenRequests).toBe(1);
    expect(standIn.apiRequests).toBe(0);
    // The token the check took serves the app's next call.
    expect((await get('/documents/report.docx')).status).toBe(200);
    expect(standIn.tokenRequests).toBe(1);
    for (const s of secrets()) expect(first.text).not.toContain(s);
  });

  test('down, refused: the reason, the OAuth error and when requests resume; the next check asks nobody', async () => {
    const get = await start({ clientSecret: WRONG_SECRET });
    const res = await get('/health');
    expect(res.status).toBe(503);
    const body = res.json<{ status: string; error: { aspose: Record<string, string> } }>();
    expect(body.status).toBe('error');
    expect(body.error.aspose).toEqual({
      status: 'down',
      reason: 'refused',
      code: 'ERR_ASPOSE_AUTH_REFUSED',
      oauthError: 'invalid_client',
      message: 'The Aspose token endpoint refused the credentials',
      retryAt: expect.stringMatching(ISO),
    });
    expect(Date.parse(body.error.aspose.retryAt)).toBeGreaterThan(Date.now());
    expect(standIn.tokenRequests).toBe(1);
    const again = await get('/health');
    expect(again.status).toBe(503);
    expect(again.json()).toMatchObject({ error: { aspose: { reason: 'refused', retryAt: body.error.aspose.retryAt } } });
    expect(standIn.tokenRequests).toBe(1);
    expect(standIn.apiRequests).toBe(0);
    for (const s of secrets()) expect(res.text + again.text).not.toContain(s);
  });

  test('held back, a check reads the state only: no credential function is called (a vault read) and no token request is sent', async () => {
    let reads = 0;
    const get = await start({
      clientSecret: () => {
        reads++;
        return WRONG_SECRET;
      },
    });
    expect((await get('/health')).json()).toMatchObject({ error: { aspose: { reason: 'refused' } } });
    expect(reads).toBe(1);
    // Past the second within which a call would reuse the last read instead of reading again.
    await sleep(1_100);
    for (let i = 0; i < 3; i++) expect((await get('/health')).json()).toMatchObject({ error: { aspose: { reason: 'refused' } } });
    expect(reads).toBe(1);
    expect(standIn.tokenRequests).toBe(1);
  });

  test('down, locked out: rate-limited until the end of Aspose’s 10 minutes, and probing it sends nothing more', async () => {
    const get = await start();
    standIn.lockOut();
    const res = await get('/health');
    expect(res.status).toBe(503);
    const aspose = res.json<{ error: { aspose: Record<string, string> } }>().error.aspose;
    expect(aspose).toMatchObject({ status: 'down', reason: 'rate-limited', code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', retryAt: expect.stringMatching(ISO) });
    const inMs = Date.parse(aspose.retryAt) - Date.now();
    expect(inMs).toBeGreaterThan(590_000);
    expect(inMs).toBeLessThanOrEqual(600_000);
    for (let i = 0; i < 5; i++) expect((await get('/health')).status).toBe(503);
    expect(standIn.tokenRequests).toBe(1);
  });

  test('down, unavailable: a token endpoint that keeps failing, then held back until the hold ends', async () => {
    const get = await start({ retry: { retries: 1, minDelayMs: 1, maxDelayMs: 20_000 } });
    standIn.failToken({ kind: 'status', status: 502 }, 2);
    const res = await get('/health');
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({
      error: { aspose: { status: 'down', reason: 'unavailable', code: 'ERR_ASPOSE_AUTH_UNAVAILABLE', retryAt: expect.stringMatching(ISO) } },
    });
    expect((await get('/health')).json()).toMatchObject({ error: { aspose: { reason: 'unavailable' } } });
    expect(standIn.tokenRequests).toBe(2);
  });

  test('down, timeout: a token endpoint that does not answer within the check’s timeoutMs', async () => {
    const get = await start();
    standIn.failToken({ kind: 'hang' });
    const res = await get('/health?timeoutMs=300');
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({
      error: { aspose: { status: 'down', reason: 'timeout', code: 'ERR_ASPOSE_ABORTED', message: 'No Aspose access token within 300 ms' } },
    });
  });

  test('a named client is checked on its own: its own token, its own verdict', async () => {
    const get = await start({}, { clientSecret: WRONG_SECRET });
    const main = await get('/health');
    const ocr = await get('/health?client=ocr');
    expect(main.status).toBe(200);
    expect(ocr.status).toBe(503);
    expect(ocr.json()).toMatchObject({ error: { 'aspose-ocr': { status: 'down', reason: 'refused', oauthError: 'invalid_client' } } });
    expect(standIn.tokenRequests).toBe(2);
  });

  test('auth: none is up without a token request', async () => {
    const get = await start({ auth: 'none' });
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ info: { aspose: { status: 'up', auth: 'none' } } });
    expect(standIn.tokenRequests).toBe(0);
  });

  test('checking a client that was never registered is a configuration error, answered 500 and logged with what to do', async () => {
    const get = await start();
    const res = await get('/health?client=nope');
    expect(res.status).toBe(500);
    expect(res.json()).toMatchObject({ code: 'ERR_ASPOSE_CONFIG' });
    expect(
      logger
        .from('AsposeExceptionFilter')
        .map((l) => l.message)
        .join('\n'),
    ).toContain('AsposeHealthIndicator found no Aspose client named "nope": register it with AsposeAuthModule.forRootAsync({ name }), or check the name');
  });
});

test('down, closed: a client that was closed is reported so, without a request', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TerminusModule,
      AsposeAuthModule.forRoot({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url, logger: false }),
    ],
    providers: [AsposeHealthIndicator],
  }).compile();
  try {
    const indicator = moduleRef.get(AsposeHealthIndicator);
    expect(await indicator.isHealthy()).toMatchObject({ aspose: { status: 'up' } });
    await moduleRef.get(AsposeClient).close();
    expect(await indicator.isHealthy('aspose-main')).toEqual({ 'aspose-main': { status: 'down', reason: 'closed', message: 'The Aspose client is closed' } });
    expect(standIn.tokenRequests).toBe(1);
  } finally {
    await moduleRef.close();
  }
});

test('a timeoutMs that is not a whole number of ms is refused with what to pass', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TerminusModule,
      AsposeAuthModule.forRoot({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url, logger: false }),
    ],
    providers: [AsposeHealthIndicator],
  }).compile();
  try {
    const indicator = moduleRef.get(AsposeHealthIndicator);
    for (const timeoutMs of [0, -1, 1.5, Number.NaN, 300_001]) {
      await expect(indicator.isHealthy('aspose', { timeoutMs })).rejects.toMatchObject({
        code: 'ERR_ASPOSE_CONFIG',
        message: expect.stringContaining('timeoutMs must be a whole number of ms from 1 to 300000'),
      });
    }
    expect(standIn.tokenRequests).toBe(0);
  } finally {
    await moduleRef.close();
  }
});
