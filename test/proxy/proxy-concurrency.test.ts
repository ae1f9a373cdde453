// 1000 concurrent proxied calls from a cold start share one token request.
import { Agent, request } from 'undici';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';
import { FRAMEWORKS } from '../support/frameworks';
import { USER, startProxyStack, type ProxyApp, type ProxyStack } from './fixture-apps';

describe.each(FRAMEWORKS)('asposeProxy under load on %s', (framework) => {
  let standIn: AsposeStandIn;
  let app: ProxyApp;
  let callers: Agent;
  let stack: ProxyStack;

  beforeAll(async () => {
    ({ standIn, app } = stack = await startProxyStack(framework, { allow: ['GET /v4.0/words/'] }));
    callers = new Agent({ connections: 1000 });
  });
  afterAll(async () => {
    await callers.close();
    await stack.close();
  });

  it('1000 concurrent proxied calls from a cold start share one token request', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const res = await request(`${app.url}/aspose/v4.0/words/doc-${i}.docx`, { dispatcher: callers, headers: USER });
        const body = (await res.body.json()) as { Document?: { FileName: string } };
        return res.statusCode === 200 && body.Document?.FileName === `doc-${i}.docx` ? 200 : res.statusCode;
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(standIn.tokenRequests).toBe(1);
    expect(standIn.apiRequests).toBe(1000);
    expect(standIn.unauthorized).toBe(0);
  });

  it('1000 concurrent calls after the token is revoked still cost one token request', async () => {
    standIn.revoke();
    const before = standIn.tokenRequests;
    const statuses = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const res = await request(`${app.url}/aspose/v4.0/words/again-${i}.docx`, { dispatcher: callers, headers: USER });
        await res.body.dump();
        return res.statusCode;
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(standIn.tokenRequests - before).toBe(1);
  });
});
