// Bodies stream through the proxy both ways with backpressure, never whole in
// memory, and a caller hanging up cancels the upstream request.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AsposeClient } from 'aspose-cloud-auth';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';
import { FRAMEWORKS } from '../support/frameworks';
import { sleep, waitFor } from '../support/polling';
import { CSRF, USER, startProxyApp, startProxyStack, type ProxyApp, type ProxyStack } from './fixture-apps';

const MiB = 1024 * 1024;
const ALLOW = ['PUT /v4.0/words/storage/file/', 'GET /__stand-in/', '* /__stand-in/echo/', '* /v9.9/echo'];
/**
 * Far below the 100 MiB that crosses the proxy: what stream buffers and the
 * kernel's loopback socket buffers (several MiB each, on two hops) may hold.
 */
const MAX_IN_FLIGHT = 32 * MiB;

/**
 * A full garbage collection, whether or not node runs with --expose-gc: the flag
 * can be set at run time, and a fresh context then sees `gc`.
 */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * The largest growth of *retained* heap + ArrayBuffer memory over a baseline
 * while `run` goes: each sample follows a full GC, so chunks that have already
 * passed through (garbage the collector has not reached yet, which depends on
 * the Node version's GC timing) do not count, and a buffered body does.
 */
async function peakMemoryGrowth(run: () => Promise<void>): Promise<number> {
  const retained = () => {
    collectGarbage();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = retained();
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, retained() - base);
  }, 25);
  try {
    await run();
  } finally {
    clearInterval(timer);
  }
  return peak;
}

function open(port: number, path: string, method: string, headers: Record<string, string | number> = {}): ClientRequest {
  return httpRequest({ host: '127.0.0.1', port, path, method, headers: { ...USER, ...CSRF, ...headers }, agent: false });
}

const response = (req: ClientRequest) => new Promise<IncomingMessage>((resolve, reject) => req.once('response', resolve).once('error', reject));

describe.each(FRAMEWORKS)('asposeProxy streaming on %s', (framework) => {
  let standIn: AsposeStandIn;
  let app: ProxyApp;
  let stack: ProxyStack;

  beforeAll(async () => {
    ({ standIn, app } = stack = await startProxyStack(framework, { allow: ALLOW }, { warm: true }));
  });
  afterAll(() => stack.close());

  it('streams a 100 MiB upload to the Aspose API without holding it in memory', async () => {
    const total = 100 * MiB;
    const chunk = 64 * 1024;
    const uploadedBefore = standIn.uploadedBytes;
    const readBefore = app.bytesRead();
    let maxLag = 0;
    let answer = '';
    const growth = await peakMemoryGrowth(async () => {
      const sampler = setInterval(() => {
        // Bytes the proxy has taken from the caller but the stand-in has not yet received.
        maxLag = Math.max(maxLag, app.bytesRead() - readBefore - (standIn.uploadedBytes - uploadedBefore));
      }, 2);
      try {
        const req = open(app.port, '/aspose/__stand-in/echo/big/upload.bin', 'PUT', {
          'content-length': total,
          'content-type': 'application/octet-stream',
        });
        const block = Buffer.alloc(chunk, 0x42); // one block sent over and over: the test itself allocates nothing per chunk
        const body = Readable.from(
          (function* () {
            for (let sent = 0; sent < total; sent += chunk) yield block;
          })(),
        );
        body.pipe(req);
        const res = await response(req);
        for await (const c of res) answer += c;
        expect(res.statusCode).toBe(200);
      } finally {
        clearInterval(sampler);
      }
    });
    expect(JSON.parse(answer)).toMatchObject({ method: 'PUT', path: '/__stand-in/echo/big/upload.bin', bodyBytes: total });
    expect(standIn.uploadedBytes - uploadedBefore).toBe(total);
    expect(maxLag).toBeLessThan(MAX_IN_FLIGHT);
    expect(growth).toBeLessThan(64 * MiB); // buffering the upload would cost at least 100 MiB
  });

  it('streams a chunked 100 MiB upload too (no Content-Length)', async () => {
    const total = 100 * MiB;
    const uploadedBefore = standIn.uploadedBytes;
    const readBefore = app.bytesRead();
    let maxLag = 0;
    const sampler = setInterval(() => {
      maxLag = Math.max(maxLag, app.bytesRead() - readBefore - (standIn.uploadedBytes - uploadedBefore));
    }, 2);
    try {
      const req = open(app.port, '/aspose/__stand-in/echo/big/chunked.bin', 'PUT');
      Readable.from(
        (function* () {
          for (let sent = 0; sent < total; sent += 64 * 1024) yield Buffer.alloc(64 * 1024, 0x43);
        })(),
      ).pipe(req);
      const res = await response(req);
      res.resume();
      await new Promise((r) => res.once('end', r));
      expect(res.statusCode).toBe(200);
    } finally {
      clearInterval(sampler);
    }
    expect(standIn.uploadedBytes - uploadedBefore).toBe(total);
    expect(maxLag).toBeLessThan(MAX_IN_FLIGHT);
  });

  it('streams a large answer with backpressure: a caller that stops reading stops the Aspose API writing', async () => {
    const total = 100 * MiB;
    const streamedBefore = standIn.streamedBytes;
    const req = open(app.port, `/aspose/__stand-in/bytes/${total}`, 'GET');
    req.end();
    const res = await response(req);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(total));
    let received = 0;
    let maxLag = 0;
    let paused = false;
    await new Promise<void>((resolve, reject) => {
      res.on('data', (c: Buffer) => {
        received += c.length;
        maxLag = Math.max(maxLag, standIn.streamedBytes - streamedBefore - received);
        if (!paused && received >= 10 * MiB) {
          // Stop reading for a while: the stand-in must stall too, not race on into the proxy's memory.
          paused = true;
          res.pause();
          setTimeout(() => {
            maxLag = Math.max(maxLag, standIn.streamedBytes - streamedBefore - received);
            res.resume();
          }, 300);
        }
      });
      res.on('end', resolve);
      res.on('error', reject);
    });
    expect(received).toBe(total);
    expect(maxLag).toBeLessThan(MAX_IN_FLIGHT);
  });

  describe('a caller that hangs up cancels the upstream request', () => {
    it('while waiting for the answer', async () => {
      const api = standIn.apiRequests;
      const closed = standIn.closedEarly;
      const req = open(app.port, '/aspose/__stand-in/slow/20000', 'GET');
      req.on('error', () => {});
      req.end();
      await waitFor(() => standIn.apiRequests === api + 1, 'the request to reach the stand-in', 5000);
      req.destroy();
      await waitFor(() => standIn.closedEarly === closed + 1, 'the stand-in to see its request closed', 5000);
    });

    it('while the answer is streaming', async () => {
      const closed = standIn.closedEarly;
      const streamedBefore = standIn.streamedBytes;
      const req = open(app.port, `/aspose/__stand-in/bytes/${1024 * MiB}`, 'GET');
      req.on('error', () => {});
      req.end();
      const res = await response(req);
      res.on('error', () => {});
      let received = 0;
      await new Promise<void>((resolve) => {
        res.on('data', (c: Buffer) => {
          received += c.length;
          if (received >= MiB) {
            res.pause();
            resolve();
          }
        });
      });
      req.destroy();
      await waitFor(() => standIn.closedEarly === closed + 1, 'the stand-in to see its request closed', 5000);
      expect(standIn.streamedBytes - streamedBefore).toBeLessThan(MAX_IN_FLIGHT + MiB);
    });

    it('while the body is uploading', async () => {
      const closed = standIn.closedEarly;
      const uploadedBefore = standIn.uploadedBytes;
      const req = open(app.port, '/aspose/v4.0/words/storage/file/big/abandoned.bin', 'PUT', { 'content-length': 100 * MiB });
      req.on('error', () => {});
      for (let i = 0; i < 32; i++) req.write(Buffer.alloc(64 * 1024));
      await waitFor(() => standIn.uploadedBytes - uploadedBefore >= MiB, 'the upload to reach the stand-in', 5000);
      req.destroy();
      await waitFor(() => standIn.closedEarly === closed + 1, 'the stand-in to see its upload closed', 5000);
      expect(standIn.uploadedBytes - uploadedBefore).toBeLessThan(4 * MiB);
    });

    it('while the token is still being fetched: nothing reaches the Aspose API', async () => {
      const fresh = new AsposeClient({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url });
      const cold = await startProxyApp(framework, fresh, { allow: ALLOW });
      try {
        standIn.failToken({ kind: 'delay', ms: 400 });
        const api = standIn.apiRequests;
        const tokens = standIn.tokenRequests;
        const req = open(cold.port, '/aspose/v9.9/echo', 'GET');
        req.on('error', () => {});
        req.end();
        await waitFor(() => standIn.tokenRequests === tokens + 1, 'the token request', 5000);
        req.destroy();
        await fresh.tokens.getToken(); // the shared token request still completes, for the next callers
        await sleep(50);
        expect(standIn.apiRequests).toBe(api);
      } finally {
        await cold.close();
        await fresh.close();
      }
    });
  });
});
