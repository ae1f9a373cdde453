/**
 * The bounds an AsposeClient promises on every call, whatever dispatcher is
 * underneath: timeoutMs counted from the call (queue and token wait
 * included), a stalled answer cancelled, connections as a bound on requests
 * under way, and close() with a bound.
 */
import { Readable } from 'node:stream';
import { Agent } from 'undici';
import { AsposeClient, type AsposeRequestError } from 'aspose-cloud-auth';
import { cleanup, track } from '../support/cleanup';
import { client } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { sleep, waitFor } from '../support/polling';
import { sinkServer, slowServer, standIn } from '../support/servers';

afterEach(cleanup);

/** An undici Agent of the test's own, as a user would pass: its default timeouts are 300 s. */
function userAgent(): Agent {
  return track(new Agent(), (a) => a.close());
}

describe('timeoutMs', () => {
  test('holds with a dispatcher the user passed (whose own timeouts are 300 s)', async () => {
    const api = await slowServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, dispatcher: userAgent(), timeoutMs: 200 });
    const err: AsposeRequestError = await rejectionOf(aspose.get('/slow/3000'));
    expect(err.code).toBe('ERR_ASPOSE_TIMEOUT');
    expect(err.message).toContain('200 ms');
    expect(err.message).toContain('timeoutMs');
    expect(api.served).toBe(0);
  });

  test('counts time spent queued for a connection, so slow calls cannot starve the rest', async () => {
    const api = await slowServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, connections: 2, timeoutMs: 300 });
    // Two slow calls take both connections (each with its own, longer bound).
    const slow = [1, 2].map(() => aspose.request({ path: '/slow/1500', timeoutMs: 5000 }).then((r) => r.body.dump()));
    const queued: AsposeRequestError = await rejectionOf(aspose.get('/slow/0'));
    expect(queued.code).toBe('ERR_ASPOSE_TIMEOUT');
    expect(queued.message).toMatch(/waiting for one of the 2 connections/);
    await Promise.all(slow);
    expect(api.peak).toBe(2);
    // The queued call never reached the server; the slot it waited for is free now.
    expect(await aspose.get('/slow/0')).toEqual({ ok: true });
    expect(api.served).toBe(3);
  });

  test('counts time spent waiting for a token', async () => {
    const server = await standIn();
    server.failToken({ kind: 'delay', ms: 2000 });
    const aspose = client(server, { timeoutMs: 200, tokenTimeoutMs: 10_000 });
    const err: AsposeRequestError = await rejectionOf(aspose.get('/v4.0/words/a.docx'));
    expect(err.code).toBe('ERR_ASPOSE_TIMEOUT');
    expect(server.apiRequests).toBe(0);
  });

  test("a call's own timeoutMs replaces the client's, either way", async () => {
    const api = await slowServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, dispatcher: userAgent(), timeoutMs: 100 });
    expect(await aspose.get('/slow/300', { timeoutMs: 3000 })).toEqual({ ok: true });
    const err: AsposeRequestError = await rejectionOf(aspose.get('/slow/3000', { timeoutMs: 150 }));
    expect(err.code).toBe('ERR_ASPOSE_TIMEOUT');
    expect(err.message).toContain('150 ms');
  });

  test('0 disables it', async () => {
    const api = await slowServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, dispatcher: userAgent(), timeoutMs: 0 });
    expect(await aspose.get('/slow/400')).toEqual({ ok: true });
  });

  test('a malformed per-call timeoutMs is refused before anything is sent', async () => {
    const api = await slowServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url });
    for (const bad of [-1, 1.5, Number.NaN, '100' as unknown as number]) {
      const err = await rejectionOf(aspose.request({ path: '/slow/0', timeoutMs: bad }));
      expect(err.code).toBe('ERR_ASPOSE_INVALID_ARGUMENT');
    }
    expect(api.served).toBe(0);
  });
});

describe('a stalled answer', () => {
  test('a reader that stops reading a download does not hold the upstream stream: it is cancelled after timeoutMs without progress', async () => {
    const server = await standIn();
    const aspose = client(server, { timeoutMs: 300 });
    const total = 256 * 1024 * 1024;
    const res = await aspose.request({ path: `/__stand-in/bytes/${total}` });
    expect(res.statusCode).toBe(200);
    const failed = new Promise<AsposeRequestError>((resolve) => res.body.once('error', resolve));
    // Read one chunk, then stop reading: undici applies backpressure and the stream stalls.
    await new Promise<void>((resolve) => res.body.once('data', () => resolve()));
    res.body.pause();
    await waitFor(() => server.closedEarly > 0, 'the stand-in to see the stalled download cancelled');
    expect(server.closedEarly).toBe(1);
    expect(server.streamedBytes).toBeLessThan(total);
    const err = await failed;
    expect(err.code).toBe('ERR_ASPOSE_TIMEOUT');
    expect(err.message).toMatch(/made no progress for 300 ms/);
  });

  test('a reader that keeps reading, however slowly overall, is never cut off', async () => {
    const server = await standIn();
    const aspose = client(server, { timeoutMs: 300 });
    const res = await aspose.request({ path: `/__stand-in/bytes/${4 * 1024 * 1024}` });
    let bytes = 0;
    // Read in small sips with pauses shorter than the bound: over a second in all, never 300 ms without progress.
    for await (const chunk of res.body) {
      bytes += (chunk as Buffer).length;
      await sleep(20);
    }
    expect(bytes).toBe(4 * 1024 * 1024);
  });
});

describe('connections', () => {
  test('bounds requests under way with a dispatcher the user passed, and serves every one in turn', async () => {
    const api = await slowServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, dispatcher: userAgent(), connections: 3, timeoutMs: 10_000 });
    const results = await Promise.all(Array.from({ length: 20 }, () => aspose.get('/slow/30')));
    expect(results).toHaveLength(20);
    expect(api.peak).toBe(3);
    expect(api.served).toBe(20);
  });

  test('a call aborted while it waits for its turn leaves the line, and the line moves on', async () => {
    const api = await slowServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, connections: 1, timeoutMs: 10_000 });
    const first = aspose.get('/slow/300');
    const controller = new AbortController();
    const second = rejectionOf(aspose.get('/slow/0', { signal: controller.signal }));
    const third = aspose.get('/slow/0');
    controller.abort();
    expect((await second).code).toBe('ERR_ASPOSE_ABORTED');
    expect(await first).toEqual({ ok: true });
    expect(await third).toEqual({ ok: true });
    expect(api.served).toBe(2);
  });
});

describe('close()', () => {
  test('waits for calls under way, then refuses new ones with ERR_ASPOSE_ABORTED', async () => {
    const api = await slowServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url });
    const call = aspose.get('/slow/300');
    await sleep(50);
    await aspose.close();
    expect(await call).toEqual({ ok: true });
    const err = await rejectionOf(aspose.get('/slow/0'));
    expect(err.code).toBe('ERR_ASPOSE_ABORTED');
    expect(err.message).toMatch(/closed/);
  });

  test('with a bound, aborts a hung call once the bound runs out', async () => {
    const api = await slowServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, dispatcher: userAgent(), timeoutMs: 0 });
    const hung = rejectionOf(aspose.get('/slow/600000'));
    await sleep(50);
    await aspose.close({ timeoutMs: 200 });
    const err = await hung;
    expect(err.code).toBe('ERR_ASPOSE_ABORTED');
    expect(err.message).toMatch(/closed with a bound of 200 ms/);
  });

  test('force aborts calls under way and calls waiting for a turn at once', async () => {
    const api = await slowServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, connections: 1, timeoutMs: 0 });
    const calls = [rejectionOf(aspose.get('/slow/600000')), rejectionOf(aspose.get('/slow/0'))];
    await sleep(50);
    await aspose.close({ force: true });
    for (const err of await Promise.all(calls)) expect(err.code).toBe('ERR_ASPOSE_ABORTED');
    expect(api.served).toBe(0);
  });

  test('a malformed bound is refused', async () => {
    const aspose = client(undefined, { auth: 'none', baseUrl: 'http://127.0.0.1:9' });
    for (const bad of [-1, Number.NaN, Infinity]) {
      await expect(aspose.close({ timeoutMs: bad })).rejects.toMatchObject({ code: 'ERR_ASPOSE_INVALID_ARGUMENT' });
    }
  });
});

describe('uploads', () => {
  /** A body that sends `count` chunks of 1 KiB, `gapMs` apart, then (unless `stallAfter`) ends. */
  function trickle(count: number, gapMs: number, stallAfter?: number): Readable {
    let sent = 0;
    return new Readable({
      read() {
        if (stallAfter !== undefined && sent >= stallAfter) return; // never pushes again
        if (sent === count) return void this.push(null);
        sent++;
        setTimeout(() => this.push(Buffer.alloc(1024, 0x61)), gapMs);
      },
    });
  }

  test('an upload that keeps moving is not cut off by timeoutMs, however long it takes in all; the wait for the answer runs from its end', async () => {
    const api = await sinkServer(200);
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, timeoutMs: 400 });
    // 12 chunks 100 ms apart: about 1.2 s of upload, three times the bound, never 400 ms without progress.
    const res = await aspose.request({ method: 'PUT', path: '/upload', body: trickle(12, 100) });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ bytes: 12 * 1024 });
  });

  test('a large Buffer or string body, handed over in chunks so its progress shows, arrives whole with its exact length, and is replayed after a 401', async () => {
    const server = await standIn();
    const aspose = client(server);
    await aspose.tokens.getToken();
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 0x62);
    const text = 'ä'.repeat(700_000); // 1.4 MB of UTF-8
    server.revoke();
    const first = await aspose.put<{ Uploaded: string[] }>('/v4.0/words/storage/file/in/a.bin', bytes, { headers: { 'content-length': '1' } });
    expect(first.Uploaded).toEqual(['in/a.bin']);
    expect(server.storage.get('in/a.bin')?.bytes.equals(bytes)).toBe(true);
    expect(server.unauthorized).toBe(1); // the first attempt met the revoked token, the replay went through
    await aspose.put('/v4.0/words/storage/file/in/b.txt', text);
    expect(server.storage.get('in/b.txt')?.bytes.toString('utf8')).toBe(text);
  });

  test('an upload that stalls is cancelled after timeoutMs without progress, saying so', async () => {
    const api = await sinkServer();
    const aspose = client(undefined, { auth: 'none', baseUrl: api.url, timeoutMs: 300 });
    const err: AsposeRequestError = await rejectionOf(aspose.request({ method: 'PUT', path: '/upload', body: trickle(10, 10, 2) }));
    expect(err.code).toBe('ERR_ASPOSE_TIMEOUT');
    expect(err.message).toMatch(/request body made no progress for 300 ms/);
  });
});

test('calls far beyond setTimeout’s range are not timed out at once (2^31 ms fires after 1 ms in Node)', async () => {
  const api = await slowServer();
  const aspose = client(undefined, { auth: 'none', baseUrl: api.url, dispatcher: userAgent() });
  // Through the dispatcher, as undici.request(url, { dispatcher, headersTimeout }) would.
  const res = await aspose.dispatcher.request({ origin: api.url, path: '/slow/100', method: 'GET', headersTimeout: 2 ** 31 + 5, bodyTimeout: 2 ** 40 });
  expect(await res.body.json()).toEqual({ ok: true });
  const err = await rejectionOf(aspose.request({ path: '/slow/0', timeoutMs: 2 ** 31 }));
  expect(err.code).toBe('ERR_ASPOSE_INVALID_ARGUMENT');
  const call = aspose.get('/slow/100');
  await aspose.close({ timeoutMs: 2 ** 31 });
  expect(await call).toEqual({ ok: true });
});

test('leaving the line for a connection costs constant time: 4× the queued calls cost about 4× to abort, not 16×', async () => {
  const api = await slowServer();
  async function abortQueued(n: number): Promise<number> {
    const aspose = new AsposeClient({ auth: 'none', baseUrl: api.url, connections: 1, timeoutMs: 0 });
    const calls = Array.from({ length: n }, () => aspose.request({ path: '/slow/600000' }).catch(() => undefined));
    await sleep(20);
    const started = process.hrtime.bigint();
    await aspose.close({ force: true });
    const ns = Number(process.hrtime.bigint() - started);
    await Promise.all(calls);
    return ns;
  }
  await abortQueued(2_000); // warm-up
  const small = Math.min(await abortQueued(5_000), await abortQueued(5_000));
  const large = Math.min(await abortQueued(20_000), await abortQueued(20_000));
  expect(large / small).toBeLessThan(10);
});
