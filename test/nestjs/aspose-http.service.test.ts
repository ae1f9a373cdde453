import { Test, type TestingModule } from '@nestjs/testing';
import { firstValueFrom, lastValueFrom, timeout, TimeoutError, type Subscription } from 'rxjs';
import { AsposeApiError, AsposeClient } from 'aspose-cloud-auth';
import { AsposeAuthModule, AsposeHttpService } from 'aspose-cloud-auth/nestjs';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { ConnectionWatch } from '../support/connection-watch';
import { sleep, waitFor } from '../support/polling';

let standIn: AsposeStandIn;
let watch: ConnectionWatch;
let moduleRef: TestingModule;
let http: AsposeHttpService;

beforeAll(async () => {
  standIn = await startAsposeStandIn({ documents: 'any' });
  watch = await ConnectionWatch.start(standIn.url);
  moduleRef = await Test.createTestingModule({
    imports: [AsposeAuthModule.forRoot({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: watch.url, logger: false })],
  }).compile();
  await moduleRef.init();
  http = moduleRef.get(AsposeHttpService);
  await http.tokens.getToken();
});
afterAll(async () => {
  await moduleRef.close();
  await watch.close();
  await standIn.close();
});
beforeEach(() => standIn.resetCounters());

test('Observables are cold: nothing is sent until subscribe, and each subscription sends its own request', async () => {
  const info$ = http.getData<{ Document: { FileName: string } }>('/v4.0/words/cold.docx');
  await sleep(50);
  expect(standIn.apiRequests).toBe(0);
  const [a, b] = await Promise.all([firstValueFrom(info$), firstValueFrom(info$)]);
  expect(a.Document.FileName).toBe('cold.docx');
  expect(b.Document.FileName).toBe('cold.docx');
  expect(standIn.apiRequests).toBe(2);
});

interface Echo {
  method: string;
  bodyBytes: number;
  query: Record<string, string>;
  headers: Record<string, string>;
}

test('get, post, put, patch and delete emit the response, { data, status, headers }, as @nestjs/axios does, once, then complete', async () => {
  const emitted: unknown[] = [];
  const post$ = http.post<Echo>('/__stand-in/echo/pdf', { a: 1 });
  post$.subscribe({ next: (v) => emitted.push(v), complete: () => emitted.push('complete') });
  await lastValueFrom(post$);
  const get = await lastValueFrom(http.get<{ Document: { FileName: string } }>('/v4.0/words/full.docx'));
  const put = await lastValueFrom(http.put<Echo>('/__stand-in/echo/pdf', { b: 2 }));
  const patch = await lastValueFrom(http.patch<Echo>('/__stand-in/echo/pdf', { c: 33 }));
  const del = await lastValueFrom(http.delete<Echo>('/__stand-in/echo/pdf', { query: { storage: 'S1' } }));
  expect(emitted).toEqual([
    {
      status: 200,
      headers: expect.objectContaining({ 'content-type': expect.stringMatching(/^application\/json/) }),
      data: expect.objectContaining({
        method: 'POST',
        bodyBytes: 7,
        headers: expect.objectContaining({ 'content-type': 'application/json', authorization: '[valid bearer token]' }),
      }),
    },
    'complete',
  ]);
  expect(get).toMatchObject({ status: 200, data: { Document: { FileName: 'full.docx' } } });
  expect(put).toMatchObject({ status: 200, data: { method: 'PUT', bodyBytes: 7 } });
  expect(patch).toMatchObject({ status: 200, data: { method: 'PATCH', bodyBytes: 8, headers: { 'content-type': 'application/json' } } });
  expect(del).toMatchObject({ status: 200, data: { method: 'DELETE', query: { storage: 'S1' } } });
});

test('the response carries the headers Aspose sent', async () => {
  const res = await firstValueFrom(http.get<Echo>('/__stand-in/headers', { query: { location: '/v4.0/words/new.docx', 'x-aspose-version': '26.1' } }));
  expect(res.status).toBe(200);
  expect(res.headers).toMatchObject({ location: '/v4.0/words/new.docx', 'x-aspose-version': '26.1' });
  expect(res.data.method).toBe('GET');
});

test('getData, postData, putData, patchData and deleteData emit the parsed body alone', async () => {
  const got = await lastValueFrom(http.getData<{ Document: { FileName: string } }>('/v4.0/words/body.docx'));
  const posted = await lastValueFrom(http.postData<Echo>('/__stand-in/echo/pdf', { a: 1 }));
  const put = await lastValueFrom(http.putData<Echo>('/__stand-in/echo/pdf', { b: 2 }));
  const patched = await lastValueFrom(http.patchData<Echo>('/__stand-in/echo/pdf', [1, 2]));
  const deleted = await lastValueFrom(http.deleteData<Echo>('/__stand-in/echo/pdf'));
  expect(got).toEqual({ Document: expect.objectContaining({ FileName: 'body.docx' }), RequestId: expect.any(String) });
  expect([posted.method, put.method, patched.method, deleted.method]).toEqual(['POST', 'PUT', 'PATCH', 'DELETE']);
  expect(patched).toMatchObject({ bodyBytes: 5, headers: { 'content-type': 'application/json' } });
  expect(got).not.toHaveProperty('status');
});

test('head emits the status and headers with no data, and a non-2xx HEAD errors as AsposeApiError', async () => {
  const res = await lastValueFrom(http.head('/__stand-in/headers', { query: { 'x-file-size': '1234' } }));
  expect(res).toEqual({ status: 200, headers: expect.objectContaining({ 'x-file-size': '1234' }), data: undefined });
  expect(standIn.log.at(-1)).toMatchObject({ method: 'HEAD', authorized: true });
  standIn.failApi(404);
  const err = await firstValueFrom(http.head('/v4.0/words/storage/exist/none.docx')).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AsposeApiError);
  expect(err).toMatchObject({ status: 404, method: 'HEAD' });
});

test('request() sends any method with a JSON body and emits the response', async () => {
  const res = await lastValueFrom(http.request<Echo>({ method: 'PATCH', path: '/__stand-in/echo/pdf', query: { folder: 'f' }, body: { z: true } }));
  expect(res).toMatchObject({ status: 200, data: { method: 'PATCH', query: { folder: 'f' }, bodyBytes: 10 } });
  const get = await lastValueFrom(http.request<{ Document: { FileName: string } }>({ path: '/v4.0/words/default-get.docx' }));
  expect(get.data.Document.FileName).toBe('default-get.docx');
});

test('requestRaw() emits the raw undici response, whose body stays readable after the Observable completes', async () => {
  const res = await lastValueFrom(http.requestRaw({ method: 'GET', path: '/v4.0/barcode/generate/QR', query: { data: 'ABC-123', imageFormat: 'Svg' } }));
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('image/svg+xml');
  expect(await res.body.text()).toContain('<title>QR: ABC-123</title>');
});

test('requestRaw() does not error on status', async () => {
  const res = await lastValueFrom(http.requestRaw({ path: '/v4.0/words/missing.docx' }));
  expect(res.statusCode).toBe(404);
  await res.body.dump();
});

test('an API error reaches the subscriber as AsposeApiError, from the response and the body-only forms alike', async () => {
  for (const call$ of [http.get('/v4.0/words/missing.docx'), http.getData('/v4.0/words/missing.docx')]) {
    const err = await firstValueFrom(call$).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsposeApiError);
    expect(err).toMatchObject({ status: 404, apiCode: 'ErrorItemNotFound' });
  }
});

describe('unsubscribing aborts the request upstream', () => {
  /** Subscribes to a 30 s call, and waits until the stand-in is holding it. */
  async function slowCallInFlight(): Promise<{ subscription: Subscription; events: string[] }> {
    const sentBefore = new Map(watch.connections.map((c) => [c, c.sent]));
    const events: string[] = [];
    const subscription = http.get('/__stand-in/slow/30000').subscribe({
      next: () => events.push('next'),
      error: (e: Error) => events.push(`error ${e.message}`),
      complete: () => events.push('complete'),
    });
    await waitFor(() => standIn.apiRequests === 1, 'the slow call to reach the stand-in');
    // The call crossed the watch on exactly one connection (kept alive from before, or new), still open.
    const carrying = watch.connections.filter((c) => c.sent > (sentBefore.get(c) ?? 0));
    expect(carrying.map((c) => c.closed)).toEqual([false]);
    return { subscription, events };
  }

  test('the socket carrying the call closes before the stand-in answers, and the subscriber hears nothing', async () => {
    const { subscription, events } = await slowCallInFlight();
    const open = watch.connections.filter((c) => !c.closed);
    expect(open.length).toBeGreaterThan(0);
    const receivedBefore = open.map((c) => c.received);

    subscription.unsubscribe();
    // The stand-in sees its client hang up with the answer still unsent…
    await waitFor(() => standIn.closedEarly === 1, 'the stand-in to see the aborted call’s connection close', 10_000);
    // …and on the wire, the connection that carried it closed without a byte of answer.
    await waitFor(() => open.some((c) => c.closed), 'the aborted call’s socket to close');
    const closed = open.filter((c) => c.closed);
    expect(closed.map((c) => c.received)).toEqual(closed.map((c) => receivedBefore[open.indexOf(c)]));
    await sleep(50);
    expect(events).toEqual([]);
  });

  test('rxjs timeout() aborts the call the same way', async () => {
    const slow$ = http.get('/__stand-in/slow/30000').pipe(timeout({ first: 200 }));
    const err = await firstValueFrom(slow$).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    await waitFor(() => standIn.closedEarly === 1, 'the stand-in to see the timed-out call’s connection close', 10_000);
  });

  test('the client stays usable after an abort, and the token was not dropped', async () => {
    const { subscription } = await slowCallInFlight();
    subscription.unsubscribe();
    const tokens = moduleRef.get(AsposeClient).tokens.stats;
    const info = await firstValueFrom(http.getData<{ Document: { FileName: string } }>('/v4.0/words/after-abort.docx'));
    expect(info.Document.FileName).toBe('after-abort.docx');
    expect(moduleRef.get(AsposeClient).tokens.stats).toEqual(tokens);
    expect(standIn.tokenRequests).toBe(0);
  });

  test('a caller’s own signal aborts the Observable’s call too', async () => {
    const controller = new AbortController();
    const call = firstValueFrom(http.get('/__stand-in/slow/30000', { signal: controller.signal }));
    await waitFor(() => standIn.apiRequests === 1, 'the slow call to reach the stand-in');
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'ERR_ASPOSE_ABORTED' });
    await waitFor(() => standIn.closedEarly === 1, 'the stand-in to see the aborted call’s connection close', 10_000);
  });
});
