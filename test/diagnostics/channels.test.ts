/**
 * The diagnostics channels, subscribed to as an APM would, against the real
 * stand-in: a token request's tracing events and outcome, refreshes with
 * their reason, invalidations and replays after a 401, lockouts that start
 * and end; what a bound store sees when undici creates the request; and that
 * no message ever holds the client secret or a token, in any encoding.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics_channel from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import {
  ASPOSE_CHANNELS,
  AsposeAuthError,
  type AsposeRequestReplayMessage,
  type AsposeTokenInvalidateMessage,
  type AsposeTokenLockoutMessage,
  type AsposeTokenRefreshMessage,
  type AsposeTokenRequestMessage,
} from 'aspose-cloud-auth';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';
import * as tokenTrace from '../../src/diagnostics/token-trace';
import { cleanup, track } from '../support/cleanup';
import { client, distinctiveSecret, tokenService } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { waitFor } from '../support/polling';
import { standIn } from '../support/servers';

/** Every message published on every channel of the library, in order, as `[channel or event, message]`. */
type Seen = [string, unknown][];

type TraceEvent = 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error';

/** Subscribes to every channel; unsubscribed by `cleanup()`. */
function listen(): Seen {
  const seen: Seen = [];
  const token = diagnostics_channel.tracingChannel<unknown, AsposeTokenRequestMessage>(ASPOSE_CHANNELS.token);
  // A copy per event: the context object is one, filled in as the request goes.
  const on = (e: TraceEvent) => (m: AsposeTokenRequestMessage) => void seen.push([`token:${e}`, { ...m }]);
  const handlers = { start: on('start'), end: on('end'), asyncStart: on('asyncStart'), asyncEnd: on('asyncEnd'), error: on('error') };
  token.subscribe(handlers);
  track(token, (t) => t.unsubscribe(handlers));
  for (const name of [ASPOSE_CHANNELS.tokenRefresh, ASPOSE_CHANNELS.tokenInvalidate, ASPOSE_CHANNELS.tokenLockout, ASPOSE_CHANNELS.requestReplay]) {
    const fn = (m: unknown) => seen.push([name, m]);
    diagnostics_channel.subscribe(name, fn);
    track(name, (n) => diagnostics_channel.unsubscribe(n, fn));
  }
  return seen;
}

const of = <T>(seen: Seen, name: string): T[] => seen.filter(([n]) => n === name).map(([, m]) => m as T);

afterEach(async () => {
  jest.restoreAllMocks();
  await cleanup();
});

describe('the token tracing channel', () => {
  test('a token request publishes start, end, asyncStart and asyncEnd on one context, with its outcome', async () => {
    const server = await standIn();
    const seen = listen();
    const tokens = tokenService(server);
    const token = await tokens.getToken();
    const events = seen.filter(([n]) => n.startsWith('token:'));
    expect(events.map(([n]) => n)).toEqual(['token:start', 'token:end', 'token:asyncStart', 'token:asyncEnd']);
    expect(events[0][1]).toEqual({ tokenUrl: `${server.url}/connect/token`, attempt: 1 });
    const done = events[3][1] as AsposeTokenRequestMessage;
    expect(done).toMatchObject({ tokenUrl: `${server.url}/connect/token`, attempt: 1, outcome: 'ok', status: 200 });
    expect(done.durationMs).toBeGreaterThanOrEqual(0);
    expect(done.error).toBeUndefined();
    expect(of<AsposeTokenRefreshMessage>(seen, ASPOSE_CHANNELS.tokenRefresh)).toEqual([
      { service: tokens, tokenUrl: `${server.url}/connect/token`, reason: 'first', expiresAt: token.expiresAt },
    ]);
  });

  test('each retry is its own traced request: a 503, then a token', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503, body: { error: 'temporarily_unavailable' } });
    const seen = listen();
    await tokenService(server).getToken();
    const ends = of<AsposeTokenRequestMessage>(seen, 'token:asyncEnd');
    expect(ends.map((m) => [m.attempt, m.outcome, m.status, m.oauthError])).toEqual([
      [1, 'unavailable', 503, 'temporarily_unavailable'],
      [2, 'ok', 200, undefined],
    ]);
    const errors = of<AsposeTokenRequestMessage>(seen, 'token:error');
    expect(errors).toHaveLength(1);
    expect(errors[0].error).toBeInstanceOf(AsposeAuthError);
    expect(errors[0].error!.code).toBe('ERR_ASPOSE_AUTH_UNAVAILABLE');
    // error comes before asyncStart/asyncEnd, as tracePromise orders them
    const names = seen.map(([n]) => n).filter((n) => n.startsWith('token:'));
    expect(names.slice(0, 5)).toEqual(['token:start', 'token:end', 'token:error', 'token:asyncStart', 'token:asyncEnd']);
  });

  test.each([
    ['refused', { kind: 'status', status: 400, body: { error: 'invalid_client' } }, 'invalid_client', 400],
    ['invalid', { kind: 'status', status: 200, body: { token_type: 'Bearer' } }, undefined, 200],
    ['network', { kind: 'reset' }, undefined, undefined],
  ] as const)('an outcome of %s is told, with its OAuth error and status', async (outcome, fault, oauthError, status) => {
    const server = await standIn();
    server.failToken(fault, 3);
    const seen = listen();
    await rejectionOf(tokenService(server, { retry: { retries: 0 } }).getToken());
    const [end] = of<AsposeTokenRequestMessage>(seen, 'token:asyncEnd');
    expect({ outcome: end.outcome, oauthError: end.oauthError, status: end.status }).toEqual({ outcome, oauthError, status });
    expect(of(seen, 'token:error')).toHaveLength(1);
  });

  test('a token request with no answer in time ends as timeout; one cut short by close() as aborted', async () => {
    const server = await standIn();
    server.failToken({ kind: 'hang' }, 2);
    const seen = listen();
    await rejectionOf(tokenService(server, { tokenTimeoutMs: 200, retry: { retries: 0 } }).getToken());
    const tokens = tokenService(server);
    const pending = rejectionOf(tokens.getToken());
    await waitFor(() => of(seen, 'token:start').length === 2, 'the second token request');
    await tokens.close();
    await pending;
    expect(of<AsposeTokenRequestMessage>(seen, 'token:asyncEnd').map((m) => m.outcome)).toEqual(['timeout', 'aborted']);
  });

  test("the request is dispatched inside start's runStores: a bound store is active when undici creates it", async () => {
    const server = await standIn();
    const store = new AsyncLocalStorage<string>();
    const token = diagnostics_channel.tracingChannel<string, AsposeTokenRequestMessage>(ASPOSE_CHANNELS.token);
    token.start.bindStore(store, (m) => `token request, attempt ${m.attempt}`);
    track(store, (s) => token.start.unbindStore(s));
    const created: (string | undefined)[] = [];
    const onCreate = ({ request }: { request: { path: string } }) => created.push(`${request.path}: ${store.getStore()}`);
    diagnostics_channel.subscribe('undici:request:create', onCreate as (m: unknown) => void);
    track(onCreate, (fn) => diagnostics_channel.unsubscribe('undici:request:create', fn as (m: unknown) => void));
    const c = client(server);
    await c.get('/v4.0/words/a.docx');
    expect(created).toEqual(['/connect/token: token request, attempt 1', '/v4.0/words/a.docx: undefined']);
  });

  test('with no subscriber the token request is not traced at all', async () => {
    const server = await standIn();
    const traced = jest.spyOn(tokenTrace, 'traceTokenRequest');
    await tokenService(server).getToken();
    expect(traced).not.toHaveBeenCalled();
    listen();
    await tokenService(server).getToken();
    expect(traced).toHaveBeenCalledTimes(1);
  });
});

describe('refreshes, invalidations and replays', () => {
  test('a token in its refresh window is refreshed with reason expiring; forceRefresh says forced', async () => {
    const server = await standIn({ tokenLifetimeSec: 600 });
    const seen = listen();
    const tokens = tokenService(server);
    const first = await tokens.getToken();
    // 90% into its life: inside the refresh window (the last 20%), outside the last 5%.
    const at = first.obtainedAt + 540_000;
    jest.spyOn(Date, 'now').mockImplementation(() => at);
    expect(await tokens.getToken()).toBe(first); // served at once, the refresh runs behind it
    await waitFor(() => of(seen, ASPOSE_CHANNELS.tokenRefresh).length === 2, 'the background refresh');
    await tokens.getToken({ forceRefresh: true });
    expect(of<AsposeTokenRefreshMessage>(seen, ASPOSE_CHANNELS.tokenRefresh).map((m) => m.reason)).toEqual(['first', 'expiring', 'forced']);
  });

  test('a 401 publishes an invalidation, a replay (path without query) and a refresh after-401', async () => {
    const server = await standIn();
    const c = client(server);
    await c.get('/v4.0/words/a.docx');
    const seen = listen();
    server.revoke();
    const doc = await c.get<{ Document: { FileName: string } }>('/v4.0/words/b.docx?folder=private&storage=x');
    expect(doc.Document.FileName).toBe('b.docx');
    expect(of<AsposeTokenInvalidateMessage>(seen, ASPOSE_CHANNELS.tokenInvalidate)).toEqual([{ service: c.tokens, tokenUrl: `${server.url}/connect/token` }]);
    expect(of<AsposeRequestReplayMessage>(seen, ASPOSE_CHANNELS.requestReplay)).toEqual([
      { method: 'GET', origin: server.url, path: '/v4.0/words/b.docx', resendCount: 1 },
    ]);
    expect(of<AsposeTokenRefreshMessage>(seen, ASPOSE_CHANNELS.tokenRefresh).map((m) => m.reason)).toEqual(['after-401']);
    // In order: the 401 drops the token, the replay goes, the fresh token it waits for is taken.
    expect(seen.map(([n]) => n).filter((n) => !n.startsWith('token:'))).toEqual([
      ASPOSE_CHANNELS.tokenInvalidate,
      ASPOSE_CHANNELS.requestReplay,
      ASPOSE_CHANNELS.tokenRefresh,
    ]);
  });

  test("the replay is sent in the caller's async context, and a store bound to the replay channel is active when undici creates it", async () => {
    const server = await standIn();
    const c = client(server);
    await c.get('/v4.0/words/a.docx');
    const caller = new AsyncLocalStorage<string>();
    const replayStore = new AsyncLocalStorage<AsposeRequestReplayMessage>();
    const replay = diagnostics_channel.channel(ASPOSE_CHANNELS.requestReplay);
    replay.bindStore(replayStore);
    track(replayStore, (s) => replay.unbindStore(s));
    const atReplay: (string | undefined)[] = [];
    const onReplay = () => atReplay.push(caller.getStore());
    replay.subscribe(onReplay);
    track(onReplay, (fn) => replay.unsubscribe(fn));
    const created: string[] = [];
    const onCreate = ({ request }: { request: { path: string } }) =>
      created.push(`${request.path} ${caller.getStore()} ${replayStore.getStore()?.resendCount ?? 0}`);
    diagnostics_channel.subscribe('undici:request:create', onCreate as (m: unknown) => void);
    track(onCreate, (fn) => diagnostics_channel.unsubscribe('undici:request:create', fn as (m: unknown) => void));
    server.revoke();
    await caller.run('call B', () => c.get('/v4.0/words/b.docx'));
    expect(atReplay).toEqual(['call B']);
    // The first send, the token request (made by the replay, so inside its store), the resend.
    expect(created).toEqual(['/v4.0/words/b.docx call B 0', '/connect/token call B 1', '/v4.0/words/b.docx call B 1']);
  });

  test('steady-state calls publish nothing', async () => {
    const server = await standIn();
    const c = client(server);
    await c.get('/v4.0/words/a.docx');
    const seen = listen();
    await Promise.all(Array.from({ length: 50 }, (_, i) => c.get(`/v4.0/words/d${i}.docx`)));
    expect(seen).toEqual([]);
  });
});

describe('lockouts', () => {
  test('a refusal starts a lockout until its retryAt; the next token request ends it', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client' } });
    const seen = listen();
    const tokens = tokenService(server);
    const refused = await rejectionOf(tokens.getToken());
    expect(refused).toBeInstanceOf(AsposeAuthError);
    const retryAt = (refused as AsposeAuthError).retryAt!;
    // Held back: fails at once, no request, no second start.
    await rejectionOf(tokens.getToken());
    expect(of<AsposeTokenLockoutMessage>(seen, ASPOSE_CHANNELS.tokenLockout)).toEqual([
      { service: tokens, tokenUrl: `${server.url}/connect/token`, phase: 'start', until: retryAt, code: 'ERR_ASPOSE_AUTH_REFUSED', status: 400 },
    ]);
    const real = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => real() + (retryAt - real()) + 1);
    await tokens.getToken();
    const lockouts = of<AsposeTokenLockoutMessage>(seen, ASPOSE_CHANNELS.tokenLockout);
    expect(lockouts.map((m) => [m.phase, m.until, m.code])).toEqual([
      ['start', retryAt, 'ERR_ASPOSE_AUTH_REFUSED'],
      ['end', retryAt, 'ERR_ASPOSE_AUTH_REFUSED'],
    ]);
    // The end goes out before the request it lets through.
    const names = seen.map(([n]) => n);
    expect(names.lastIndexOf(ASPOSE_CHANNELS.tokenLockout)).toBeLessThan(names.lastIndexOf('token:start'));
  });

  test("Aspose's 429 with Retry-After: 600 is a lockout of code ERR_ASPOSE_AUTH_RATE_LIMITED, ten minutes long", async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 429, headers: { 'retry-after': '600' } });
    const seen = listen();
    const before = Date.now();
    await rejectionOf(tokenService(server).getToken());
    const [start] = of<AsposeTokenLockoutMessage>(seen, ASPOSE_CHANNELS.tokenLockout);
    expect(start).toMatchObject({ phase: 'start', code: 'ERR_ASPOSE_AUTH_RATE_LIMITED', status: 429 });
    expect(start.until).toBeGreaterThanOrEqual(before + 600_000);
    expect(start.until).toBeLessThanOrEqual(Date.now() + 600_000);
  });

  test('a failing endpoint, once retries are spent, is a lockout of code ERR_ASPOSE_AUTH_UNAVAILABLE', async () => {
    const server = await standIn();
    server.failToken({ kind: 'status', status: 503 }, 3);
    const seen = listen();
    await rejectionOf(tokenService(server, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } }).getToken());
    expect(of<AsposeTokenRequestMessage>(seen, 'token:asyncEnd').map((m) => m.outcome)).toEqual(['unavailable', 'unavailable', 'unavailable']);
    expect(of<AsposeTokenLockoutMessage>(seen, ASPOSE_CHANNELS.tokenLockout).map((m) => [m.phase, m.code])).toEqual([['start', 'ERR_ASPOSE_AUTH_UNAVAILABLE']]);
  });
});

describe('no secret and no token in any message', () => {
  const SECRET = `${distinctiveSecret()}+/=`;
  const PAIR = `stand-in-client-id:${SECRET}`;
  const base64Forms = (v: string) => [Buffer.from(v).toString('base64').replace(/=+$/, ''), Buffer.from(v).toString('base64url')];

  function needles(issued: string[]): string[] {
    const forms = [SECRET, encodeURIComponent(SECRET), new URLSearchParams({ s: SECRET }).toString().slice(2), ...base64Forms(SECRET)];
    const pieces = forms.flatMap((f) => Array.from({ length: f.length - 11 }, (_, i) => f.slice(i, i + 12)));
    return [...new Set([...forms, ...pieces, ...base64Forms(PAIR), ...issued, ...issued.map((t) => t.split('.')[2])])];
  }

  async function secretStandIn(issued: string[]): Promise<AsposeStandIn> {
    const server = await standIn({ clientSecret: SECRET });
    const issue = server.issueToken.bind(server);
    server.issueToken = (lifetime?: number) => {
      const token = issue(lifetime);
      issued.push(token);
      return token;
    };
    return server;
  }

  test('across a token fetch, a retry, a refusal and its lockout, an expiry refresh, a 401 and its replay', async () => {
    const issued: string[] = [];
    const server = await secretStandIn(issued);
    const seen = listen();
    const c = client(server);
    // The endpoint echoes the secret in its error: the message's oauthError and error must not carry it.
    server.failToken({ kind: 'status', status: 503, body: { error: `bad ${SECRET}`, error_description: SECRET } });
    await c.get('/v4.0/words/a.docx');
    server.revoke();
    await c.get('/v4.0/words/b.docx');
    await c.tokens.getToken({ forceRefresh: true });
    server.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client', error_description: `secret ${SECRET} is wrong` } });
    await rejectionOf(c.tokens.getToken({ forceRefresh: true }));
    expect(issued.length).toBeGreaterThanOrEqual(3);
    const kinds = new Set(seen.map(([n]) => n));
    for (const k of [
      'token:start',
      'token:error',
      'token:asyncEnd',
      ASPOSE_CHANNELS.tokenRefresh,
      ASPOSE_CHANNELS.tokenInvalidate,
      ASPOSE_CHANNELS.requestReplay,
      ASPOSE_CHANNELS.tokenLockout,
    ])
      expect(kinds).toContain(k);
    const all = needles(issued);
    for (const [name, message] of seen) {
      const texts = [inspect(message, { depth: 10, showHidden: true }), inspect(message, { depth: 10 }), JSON.stringify(message)];
      const error = (message as { error?: Error }).error;
      if (error) texts.push(error.message, error.stack ?? '', inspect(error.cause, { showHidden: true }));
      for (const text of texts) {
        const found = all.find((n) => text.includes(n));
        if (found) throw new Error(`${name} leaks ${found === SECRET ? 'the client secret' : 'a secret fragment or token'}:\n${text}`);
      }
    }
  });
});
