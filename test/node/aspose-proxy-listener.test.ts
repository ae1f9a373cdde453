// asposeProxyListener, the fast path: the proxy served from the node:http
// server in front of the app's own listener. Every proxy rule runs on it in
// the shared suites of test/proxy ('express-fast'); here is what only it has:
// its required options, `authorize`, and what it hands to the app.
import type { IncomingMessage } from 'node:http';
import express from 'express';
import Koa from 'koa';
import { AsposeClient, type AsposeError } from 'aspose-cloud-auth';
import { asposeProxyListener as fromExpress } from 'aspose-cloud-auth/express';
import { asposeProxyListener, type AsposeProxyListenerOptions } from 'aspose-cloud-auth/node';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { cleanup, track } from '../support/cleanup';
import { configError } from '../support/errors';
import { send, type Handler } from '../support/http';
import { serve } from '../support/servers';

let standIn: AsposeStandIn;
let client: AsposeClient;

beforeAll(async () => {
  standIn = await startAsposeStandIn({ unknownRoutes: 'echo', documents: 'any' });
  client = new AsposeClient({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url });
  await client.tokens.getToken();
});
afterAll(async () => {
  await client.close();
  await standIn.close();
});
afterEach(cleanup);

const ALLOW = ['GET /v4.0/words/', '* /v9.9/echo'];
const signedIn = (req: IncomingMessage) => req.headers['x-user'] === 'alice';
const alice = { 'x-user': 'alice' };

/** An Express app that counts the requests it sees and answers each with `{ app: path }`. */
function countingApp(): { app: express.Express; seen: string[] } {
  const seen: string[] = [];
  const app = express();
  app.use((req, res) => {
    seen.push(req.url);
    res.status(req.headers['x-user'] === 'alice' ? 404 : 401).json({ app: req.url });
  });
  return { app, seen };
}

describe('asposeProxyListener', () => {
  it('is the same function from aspose-cloud-auth/express', () => {
    expect(fromExpress).toBe(asposeProxyListener);
  });

  it('refuses to be created without client, prefix or authorize, naming each problem and the proxy options', () => {
    const err = configError(() =>
      asposeProxyListener({ allow: ['GET /connect/token'], timeoutMs: -1 } as unknown as AsposeProxyListenerOptions, 'app' as unknown as Handler),
    );
    expect(err.issues.map((i) => i.option)).toEqual(['client', 'prefix', 'authorize', 'next', 'allow[0]']);
    expect(err.message).toContain('asposeProxyListener options');
    expect(err.issues.find((i) => i.option === 'authorize')!.problem).toContain('() => true');
    const app = countingApp().app;
    // A prefix of "/" would take every request from the app.
    for (const prefix of ['/', '', '//']) {
      expect(configError(() => asposeProxyListener({ client, prefix, allow: ALLOW, authorize: signedIn }, app)).issues.map((i) => i.option)).toContain(
        'prefix',
      );
    }
    expect(
      configError(() => asposeProxyListener({ client, prefix: '/aspose', allow: ALLOW, authorize: signedIn, timeoutMs: -1 }, app)).issues.map((i) => i.option),
    ).toEqual(['timeoutMs']);
  });

  it('refuses delegateErrors: nothing runs in front of it to hand errors to', () => {
    const err = configError(() =>
      asposeProxyListener({ client, prefix: '/aspose', allow: ALLOW, authorize: signedIn, delegateErrors: true }, (_req, res) => res.end()),
    );
    expect(err.issues.map((i) => i.option)).toEqual(['delegateErrors']);
    expect(err.issues[0].problem).toContain('onError');
  });

  it('proxies its prefix before the app sees the request, and hands every other request to the app untouched', async () => {
    const { app, seen } = countingApp();
    const server = await serve(asposeProxyListener({ client, prefix: '/aspose', allow: ALLOW, authorize: signedIn }, app));
    expect((await send(server.port, '/aspose/v4.0/words/a.docx', { headers: alice })).json().Document.FileName).toBe('a.docx');
    expect((await send(server.port, '/aspose/v4.0/cells/x', { headers: alice })).json().error.code).toBe('ERR_ASPOSE_PROXY_FORBIDDEN');
    expect((await send(server.port, '/aspose/v4.0/words/%2e%2e/cells', { headers: alice })).json().error.code).toBe('ERR_ASPOSE_PROXY_BAD_PATH');
    expect(seen).toEqual([]);
    expect((await send(server.port, '/health')).json()).toEqual({ app: '/health' });
    expect((await send(server.port, '/asposeX/v4.0/words/a?x=1', { headers: alice })).json()).toEqual({ app: '/asposeX/v4.0/words/a?x=1' });
    expect(seen).toEqual(['/health', '/asposeX/v4.0/words/a?x=1']);
  });

  it('hands a request authorize declines to the app, whose own authentication answers it, and sends nothing upstream', async () => {
    const { app, seen } = countingApp();
    const server = await serve(asposeProxyListener({ client, prefix: '/aspose', allow: ALLOW, authorize: signedIn }, app));
    const before = standIn.apiRequests;
    const res = await send(server.port, '/aspose/v4.0/words/a.docx', { headers: { 'x-user': 'mallory' } });
    expect([res.status, res.json()]).toEqual([401, { app: '/aspose/v4.0/words/a.docx' }]);
    expect(seen).toEqual(['/aspose/v4.0/words/a.docx']);
    expect(standIn.apiRequests).toBe(before);
  });

  it('forwards only on true: a truthy value that is not true goes to the app', async () => {
    const { app, seen } = countingApp();
    const authorize = ((req: IncomingMessage) => (signedIn(req) ? { user: 'alice' } : undefined)) as unknown as (req: IncomingMessage) => boolean;
    const server = await serve(asposeProxyListener({ client, prefix: '/aspose', allow: ALLOW, authorize }, app));
    const before = standIn.apiRequests;
    expect((await send(server.port, '/aspose/v4.0/words/a.docx', { headers: alice })).status).toBe(404);
    expect(seen).toHaveLength(1);
    expect(standIn.apiRequests).toBe(before);
  });

  it('waits for an asynchronous authorize, with the request body held until it says yes', async () => {
    const { app, seen } = countingApp();
    const authorize = async (req: IncomingMessage) => {
      await new Promise((r) => setTimeout(r, 20));
      return signedIn(req);
    };
    const server = await serve(asposeProxyListener({ client, prefix: '/aspose', allow: ALLOW, authorize }, app));
    const body = 'x'.repeat(200_000);
    const res = await send(server.port, '/aspose/v9.9/echo', {
      method: 'POST',
      headers: { ...alice, 'content-type': 'text/plain', 'x-requested-with': 'test' },
      body,
    });
    expect([res.status, res.json().bodyBytes]).toEqual([200, body.length]);
    const before = standIn.apiRequests;
    expect((await send(server.port, '/aspose/v9.9/echo', { method: 'POST', body })).status).toBe(401);
    expect(seen).toEqual(['/aspose/v9.9/echo']);
    expect(standIn.apiRequests).toBe(before);
  });

  it.each<[string, AsposeProxyListenerOptions['authorize']]>([
    [
      'throws',
      () => {
        throw new Error('session store down');
      },
    ],
    ['rejects', () => Promise.reject(new Error('session store down'))],
  ])('answers 500 ERR_ASPOSE_PROXY_INTERNAL when authorize %s, reports it to onError, and sends nothing upstream', async (_how, authorize) => {
    const { app, seen } = countingApp();
    const errors: AsposeError[] = [];
    const server = await serve(asposeProxyListener({ client, prefix: '/aspose', allow: ALLOW, authorize, onError: (e) => errors.push(e) }, app));
    const before = standIn.apiRequests;
    const res = await send(server.port, '/aspose/v4.0/words/a.docx?token=abc', { headers: alice });
    expect([res.status, res.json().error.code]).toEqual([500, 'ERR_ASPOSE_PROXY_INTERNAL']);
    expect(res.text).not.toContain('session store');
    expect(errors.map((e) => e.code)).toEqual(['ERR_ASPOSE_PROXY_INTERNAL']);
    expect(errors[0].message).toContain('session store down');
    expect(errors[0].message).not.toContain('token=abc');
    expect(seen).toEqual([]);
    expect(standIn.apiRequests).toBe(before);
  });

  it("wraps a Koa app's callback() too", async () => {
    const koa = new Koa();
    koa.use((ctx) => {
      ctx.body = { koa: ctx.path };
    });
    const server = await serve(asposeProxyListener({ client, prefix: '/aspose', allow: ALLOW, authorize: signedIn }, koa.callback()));
    expect((await send(server.port, '/aspose/v4.0/words/k.docx', { headers: alice })).json().Document.FileName).toBe('k.docx');
    expect((await send(server.port, '/other')).json()).toEqual({ koa: '/other' });
  });

  it('uses its own client for every call, sharing its token with the rest of the app', async () => {
    const own = track(new AsposeClient({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url }), (c) => c.close());
    const tokens = standIn.tokenRequests;
    const server = await serve(asposeProxyListener({ client: own, prefix: '/aspose', allow: ALLOW, authorize: () => true }, countingApp().app));
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(server.port, `/aspose/v4.0/words/d${i}.docx`)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    await own.get('/v4.0/words/direct.docx');
    expect(standIn.tokenRequests - tokens).toBe(1);
  });
});
