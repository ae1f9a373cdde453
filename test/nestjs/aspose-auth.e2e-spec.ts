import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { asposeVariables, useEnv } from '../support/env';
import { send } from '../support/http';
import { DocumentsAppModule } from './fixtures/documents.app';
import { listenOn, PLATFORMS, type RunningApp } from './fixtures/platforms';

/**
 * The whole path, over real HTTP twice: a caller → the Nest app (listening on
 * an ephemeral port, on Express and on Fastify) → the Aspose stand-in. The
 * app is configured by environment variables alone, as in production.
 */
let standIn: AsposeStandIn;
const setEnv = useEnv();

beforeAll(async () => {
  standIn = await startAsposeStandIn({ documents: 'any', clientId: 'e2e-id', clientSecret: 'e2e-secret-77aa' });
});
afterAll(() => standIn.close());

describe.each(PLATFORMS)('on %s', (_platform, adapter) => {
  let running: RunningApp;

  beforeEach(async () => {
    standIn.resetCounters();
    setEnv({ ...asposeVariables(), ASPOSE_CLIENT_ID: standIn.clientId, ASPOSE_CLIENT_SECRET: standIn.clientSecret, ASPOSE_BASE_URL: standIn.url });
    running = await listenOn(adapter(), DocumentsAppModule);
  });
  afterEach(() => running.app.close());

  const get = (path: string) => send(running.url, path);

  test('a route using the injected AsposeClient answers with Words document info', async () => {
    const res = await get('/documents/report.docx?folder=reports');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ fileName: 'report.docx', format: 'Docx' });
    expect(standIn.log.at(-1)).toMatchObject({ method: 'GET', path: '/v4.0/words/report.docx', authorized: true, status: 200 });
  });

  test('a route using AsposeHttpService sends back the generated barcode', async () => {
    const res = await get('/barcodes/QR?data=Hello%20Nest');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.text).toContain('<title>QR: Hello Nest</title>');
  });

  test('an Aspose 404 reaches the caller as a 404 with Aspose’s code and request id, from the client and from the rxjs face', async () => {
    for (const path of ['/documents/missing.docx', '/documents/missing.docx/rx']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'The Aspose API answered 404 Not Found',
        code: 'ERR_ASPOSE_API',
        asposeCode: 'ErrorItemNotFound',
        asposeRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
    }
  });

  test('40 concurrent requests through both routes share one token', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? get(`/documents/doc${i}.docx`) : get(`/barcodes/Code128?data=n${i}`))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(standIn.tokenRequests).toBe(1);
    expect(standIn.apiRequests).toBe(40);
    expect(standIn.unauthorized).toBe(0);
    expect((await get('/health/tokens')).json()).toMatchObject({ requests: 1, tokensIssued: 1, failures: 0 });
  });

  test('a revoked token is replaced once, in the core, without the app noticing', async () => {
    await get('/documents/warm.docx');
    standIn.revoke();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => get(`/documents/after${i}.docx`)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(standIn.tokenRequests).toBe(2);
  });
});
