import type { INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AsposeApiError } from 'aspose-cloud-auth';
import { AsposeAuthModule, AsposeExceptionFilter, type AsposeAuthModuleSyncOptions } from 'aspose-cloud-auth/nestjs';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { CaptureLogger } from '../support/capture-logger';
import { send, type RawResponse } from '../support/http';
import { documentsApp, type DocumentsAppOptions } from './fixtures/documents.app';
import { listenOn, PLATFORMS, type ListenOptions, type RunningApp } from './fixtures/platforms';

/**
 * AsposeExceptionFilter in a real app, over real HTTP, on Express and on
 * Fastify: what a caller of the Nest app gets for each kind of Aspose
 * failure, played by the stand-in (the mapping table itself is
 * aspose-error.answer.test.ts's).
 */
let standIn: AsposeStandIn;

beforeAll(async () => {
  standIn = await startAsposeStandIn({ documents: 'any', clientId: 'filter-id', clientSecret: 'filter-secret-5b1e' });
});
afterAll(() => standIn.close());
beforeEach(() => standIn.resetCounters());

describe.each(PLATFORMS)('on %s', (_platform, adapter) => {
  let running: RunningApp | undefined;
  let logger: CaptureLogger;

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  async function start(
    overrides: Partial<AsposeAuthModuleSyncOptions> = {},
    app: DocumentsAppOptions = {},
    listen: ListenOptions = {},
  ): Promise<(path: string) => Promise<RawResponse>> {
    logger = new CaptureLogger();
    const aspose = AsposeAuthModule.forRoot({
      clientId: standIn.clientId,
      clientSecret: standIn.clientSecret,
      baseUrl: standIn.url,
      logger: false,
      ...overrides,
    });
    running = await listenOn(adapter(), documentsApp([aspose], app), { logger, ...listen });
    const url = running.url;
    return (path) => send(url, path);
  }

  const filterLines = () => logger.from('AsposeExceptionFilter');

  test('a 401 from Aspose, after the replay with a fresh token, is about this server’s credentials: 502, and Aspose’s code is not passed on', async () => {
    const get = await start();
    standIn.failApi(401, { Error: { Code: 'InvalidToken', Message: 'token rejected' }, RequestId: 'r-401' }, 2);
    const res = await get('/documents/report.docx');
    expect(res.status).toBe(502);
    expect(res.json()).toEqual({ statusCode: 502, error: 'Bad Gateway', message: "The Aspose API refused this server's credentials", code: 'ERR_ASPOSE_API' });
    expect(standIn.log.map((l) => l.status)).toEqual([401, 401]);
    // The detail goes to the log, at error level: what Aspose said, with its request id.
    const lines = filterLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error' });
    expect(lines[0].message).toMatch(
      /^GET \/documents\/report\.docx answered 502 for ERR_ASPOSE_API: Aspose API answered 401 to GET \/v4\.0\/words\/report\.docx \(InvalidToken: token rejected\), request id r-401/,
    );
    expect(logger.text).not.toContain(standIn.clientSecret);
    expect(logger.text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  test('a 403 from Aspose is 502 too', async () => {
    const get = await start();
    standIn.failApi(403, { error: { code: 'Forbidden', message: 'plan does not include this API' }, requestId: 'r-403' });
    const res = await get('/documents/report.docx/rx');
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ code: 'ERR_ASPOSE_API' });
    expect(res.json()).not.toHaveProperty('asposeCode');
  });

  test('a 5xx from Aspose is 502', async () => {
    const get = await start();
    standIn.failApi(500, { error: { code: 'InternalError', message: 'boom' } });
    const res = await get('/documents/report.docx');
    expect(res.status).toBe(502);
    expect(res.json()).toEqual({ statusCode: 502, error: 'Bad Gateway', message: 'The Aspose API failed to answer the request', code: 'ERR_ASPOSE_API' });
  });

  test('credentials the token endpoint refuses: 502 with the refusal’s code and a Retry-After at the end of its backoff, and the next call is held back without a token request', async () => {
    const get = await start();
    standIn.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client', error_description: 'unknown client' } });
    const res = await get('/documents/report.docx');
    expect(res.status).toBe(502);
    expect(res.json()).toEqual({
      statusCode: 502,
      error: 'Bad Gateway',
      message: 'The server could not get an access token for the Aspose API',
      code: 'ERR_ASPOSE_AUTH_REFUSED',
    });
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const again = await get('/documents/report.docx');
    expect(again.status).toBe(502);
    expect(again.json()).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED' });
    expect(standIn.tokenRequests).toBe(1);
    expect(standIn.apiRequests).toBe(0);
    expect(filterLines().map((l) => l.level)).toEqual(['error', 'error']);
  });

  test('a locked-out credential pair: 503 with Retry-After until the lockout ends', async () => {
    const get = await start();
    standIn.lockOut();
    const res = await get('/documents/report.docx');
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The server could not get an access token for the Aspose API',
      code: 'ERR_ASPOSE_AUTH_RATE_LIMITED',
    });
    // Aspose's lockout is Retry-After: 600, counted from the 429; a few seconds may have passed.
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(590);
    expect(retryAfter).toBeLessThanOrEqual(600);
  });

  test('a token endpoint that keeps failing: 503 with Retry-After at the end of the hold that follows', async () => {
    const get = await start({ retry: { retries: 1, minDelayMs: 1, maxDelayMs: 20_000 } });
    standIn.failToken({ kind: 'status', status: 502 }, 2);
    const res = await get('/documents/report.docx');
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ code: 'ERR_ASPOSE_AUTH_UNAVAILABLE' });
    const retryAfter = Number(res.headers['retry-after']);
    // The hold is retry.maxDelayMs, jittered down by up to half.
    expect(retryAfter).toBeGreaterThanOrEqual(9);
    expect(retryAfter).toBeLessThanOrEqual(20);
  });

  test('an Aspose call that times out: 504', async () => {
    const get = await start();
    const res = await get('/faults/slow');
    expect(res.status).toBe(504);
    expect(res.json()).toEqual({ statusCode: 504, error: 'Gateway Timeout', message: 'The Aspose API did not answer in time', code: 'ERR_ASPOSE_TIMEOUT' });
    expect(res.headers['retry-after']).toBeUndefined();
  });

  test('errors that are not Aspose’s are left to Nest: an HttpException keeps its answer, a bug stays a plain 500', async () => {
    const get = await start();
    const notFound = await get('/faults/nest-404');
    expect(notFound.status).toBe(404);
    expect(notFound.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'no such thing here' });
    const bug = await get('/faults/plain-error');
    expect(bug.status).toBe(500);
    expect(bug.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
    expect(filterLines()).toEqual([]);
  });

  test('an AsposeApiError from another copy of the package (the other module format) is caught by its brand', async () => {
    let foreign!: typeof import('aspose-cloud-auth');
    await jest.isolateModulesAsync(async () => {
      foreign = await import('aspose-cloud-auth');
    });
    expect(foreign.AsposeApiError).not.toBe(AsposeApiError);
    const make = () =>
      new foreign.AsposeApiError({
        status: 409,
        method: 'PUT',
        path: '/v4.0/words/x.docx',
        headers: {},
        body: '',
        apiCode: 'Conflict',
        requestId: 'r-foreign',
      });
    const get = await start({}, { errorToThrow: { make } });
    const res = await get('/foreign');
    expect(res.status).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ERR_ASPOSE_API', asposeCode: 'Conflict', asposeRequestId: 'r-foreign' });
  });

  test.each([
    ['with the HTTP adapter host', (app: INestApplication) => app.useGlobalFilters(new AsposeExceptionFilter(app.get(HttpAdapterHost)))],
    ['made with new and no adapter', (app: INestApplication) => app.useGlobalFilters(new AsposeExceptionFilter())],
  ])('registered with useGlobalFilters, %s, it answers the same, headers and all', async (_how, configure) => {
    const make = () =>
      new AsposeApiError({ status: 404, method: 'GET', path: '/v4.0/words/x.docx', headers: {}, body: '', apiCode: 'ErrorItemNotFound', requestId: 'r-1' });
    const get = await start({}, { appFilter: false, errorToThrow: { make } }, { configure });
    const missing = await get('/foreign');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The Aspose API answered 404 Not Found',
      code: 'ERR_ASPOSE_API',
      asposeCode: 'ErrorItemNotFound',
      asposeRequestId: 'r-1',
    });
    standIn.lockOut();
    const locked = await get('/documents/report.docx');
    expect(locked.status).toBe(503);
    expect(locked.json()).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(590);
    expect(filterLines().map((l) => l.level)).toEqual(['debug', 'error']);
  });
});
