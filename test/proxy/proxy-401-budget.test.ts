// A browser that provokes 401s through the proxy cannot make the server hammer
// the token endpoint: 401-driven renewals cost at most one token request per
// min401RenewalIntervalMs (default 5 s), however many proxied calls meet a 401,
// concurrent or one after another, with a replayable body or a streamed one.
// (Before: 100 proxied 401s cost 199 token requests.)
import { Agent, request } from 'undici';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';
import { FRAMEWORKS } from '../support/frameworks';
import { USER, send, startProxyStack, type ProxyApp, type ProxyStack } from './fixture-apps';

const ALWAYS = 1_000_000;
const INTERVAL_MS = 5_000; // the default min401RenewalIntervalMs

/** Token requests a run of `elapsedMs` may cost: one per interval begun. */
const budget = (elapsedMs: number) => 1 + Math.floor(elapsedMs / INTERVAL_MS);

describe.each(FRAMEWORKS)('asposeProxy 401 renewal budget on %s', (framework) => {
  let standIn: AsposeStandIn;
  let app: ProxyApp;
  let callers: Agent;
  let stack: ProxyStack;

  beforeEach(async () => {
    ({ standIn, app } = stack = await startProxyStack(framework, { allow: ['GET /v4.0/words/', 'PUT /v4.0/words/storage/file/'] }));
    callers = new Agent({ connections: 100 });
    const warm = await send(app.port, '/aspose/v4.0/words/warm.docx');
    expect(warm.status).toBe(200);
    expect(standIn.tokenRequests).toBe(1);
    standIn.failApi(401, { error: 'invalid_token' }, ALWAYS); // from here on, every API call answers 401
  });
  afterEach(async () => {
    await callers.close();
    await stack.close();
  });

  it('100 concurrent proxied calls that meet a 401 cost at most one token request', async () => {
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const res = await request(`${app.url}/aspose/v4.0/words/doc-${i}.docx`, { dispatcher: callers, headers: USER });
        await res.body.dump();
        return res.statusCode;
      }),
    );
    expect(statuses.filter((s) => s !== 401)).toEqual([]);
    const renewals = standIn.tokenRequests - 1;
    expect(renewals).toBeGreaterThanOrEqual(1);
    expect(renewals).toBeLessThanOrEqual(budget(performance.now() - started));
  });

  it('100 sequential proxied calls that meet a 401 cost one token request per interval', async () => {
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      const res = await send(app.port, `/aspose/v4.0/words/doc-${i}.docx`);
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ error: 'invalid_token' });
    }
    const renewals = standIn.tokenRequests - 1;
    expect(renewals).toBeGreaterThanOrEqual(1);
    expect(renewals).toBeLessThanOrEqual(budget(performance.now() - started));
    expect(standIn.apiRequests - 1).toBe(100 + renewals); // only renewing calls were replayed
  });

  it('100 proxied uploads (streamed, so never replayed) that meet a 401 cost one token request per interval', async () => {
    const started = performance.now();
    const body = Buffer.alloc(8 * 1024, 1);
    for (let i = 0; i < 100; i++) {
      const res = await send(app.port, `/aspose/v4.0/words/storage/file/up-${i}.bin`, {
        method: 'PUT',
        body,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(res.status).toBe(401);
    }
    const renewals = standIn.tokenRequests - 1;
    expect(renewals).toBeGreaterThanOrEqual(1);
    expect(renewals).toBeLessThanOrEqual(budget(performance.now() - started));
    expect(standIn.apiRequests - 1).toBe(100);
  });
});
