'use strict';
/**
 * Scenarios where a failure has nobody waiting for it (a background refresh
 * that fails, a token fetch that outlives the callers who gave up on it, a
 * service closed mid-fetch, a logger that throws). Each runs in a child
 * process with a real `unhandledRejection` listener (test/support/
 * unhandled-rejections.child.cjs) and returns what the jest test asserts on:
 * no-unhandled.test.ts, interceptor.test.ts and throwing-logger.test.ts.
 */

/** Calls `fn` with a fresh stand-in and closes it (and whatever `fn` registered) afterwards. */
async function withStandIn({ testing }, options, fn) {
  const server = await testing.startAsposeStandIn({ documents: 'any', ...options });
  const closers = [];
  try {
    return await fn(server, (thing) => (closers.push(thing), thing));
  } finally {
    for (const c of closers.reverse()) await c.close();
    await server.close();
  }
}

module.exports = {
  /** getToken({ signal }) with a signal already aborted: the fetch it started (which fails) and an auth 'none' service's failure have nobody waiting. */
  async 'a getToken with a signal already aborted'(h) {
    return withStandIn(h, {}, async (server, closes) => {
      server.failToken({ kind: 'status', status: 503 });
      const tokens = closes(new h.lib.TokenService({ ...h.credentials(server), retry: { retries: 0 } }));
      const first = await tokens.getToken({ signal: AbortSignal.abort() }).then(
        () => 'resolved',
        (err) => [err.constructor.name, err.code],
      );
      await h.until(() => tokens.stats.failures === 1, 'the fetch it started to fail');
      const none = closes(new h.lib.TokenService({ auth: 'none', baseUrl: server.url }));
      const second = await none.getToken({ signal: AbortSignal.abort() }).then(
        () => 'resolved',
        (err) => [err.constructor.name, err.code],
      );
      return { first, second, tokenRequests: server.tokenRequests };
    });
  },

  /** The control: a token request nobody awaits, refused by the token endpoint, is an unhandled rejection. */
  async 'a token request nobody awaits'(h) {
    return withStandIn(h, {}, async (server, closes) => {
      const tokens = closes(new h.lib.TokenService({ ...h.credentials(server), clientSecret: 'wrong-secret' }));
      void tokens.getToken(); // dropped on purpose
      await h.until(() => tokens.stats.failures === 1, 'the refusal');
      return { tokenRequests: server.tokenRequests };
    });
  },

  /** `fault`: how the token endpoint fails the refresh ahead of expiry. */
  async 'a background refresh that fails'(h, fault) {
    return withStandIn(h, {}, async (server, closes) => {
      const tokens = closes(new h.lib.TokenService({ ...h.credentials(server), tokenTimeoutMs: 200, retry: { retries: 1, minDelayMs: 5, maxDelayMs: 20 } }));
      const first = await tokens.getToken();
      server.failToken(fault, 10);
      h.pinClock(first.expiresAt - 60_000); // inside the refresh window
      const starting = (await tokens.getToken()).value === first.value;
      await h.until(() => tokens.stats.failures === 1, 'the background refresh to fail');
      // Still inside the window: the old token still serves, and the failed refresh is not retried on every call.
      const requests = tokens.stats.requests;
      let served = 0;
      for (let i = 0; i < 100; i++) if ((await tokens.getToken()).value === first.value) served++;
      return { starting, served, requestsSince: tokens.stats.requests - requests, refreshesAhead: tokens.stats.refreshesAhead };
    });
  },

  async 'a failed background refresh tried again later'(h) {
    return withStandIn(h, {}, async (server, closes) => {
      const tokens = closes(new h.lib.TokenService({ ...h.credentials(server), retry: { retries: 0 } }));
      const first = await tokens.getToken();
      server.failToken({ kind: 'status', status: 503 });
      const now = first.expiresAt - 60_000;
      h.pinClock(now);
      await tokens.getToken();
      await h.until(() => tokens.stats.failures === 1, 'the background refresh to fail');
      h.pinClock(now + 10_000); // past the background retry pause, still before expiry
      const whileRetrying = (await tokens.getToken()).value === first.value;
      await h.until(() => tokens.stats.tokensIssued === 2, 'the retried refresh');
      const replaced = (await tokens.getToken()).value !== first.value;
      return { whileRetrying, replaced, refreshesAhead: tokens.stats.refreshesAhead };
    });
  },

  async 'the token endpoint failing after a 401'(h) {
    return withStandIn(h, {}, async (server, closes) => {
      const aspose = closes(new h.lib.AsposeClient(h.credentials(server)));
      await aspose.get('/v4.0/words/a.docx');
      server.revoke();
      server.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client' } });
      const errors = await Promise.all(Array.from({ length: 20 }, () => h.rejectionOf(aspose.get('/v4.0/words/a.docx'))));
      return { codes: [...new Set(errors.map((e) => e.code))], tokenRequests: server.tokenRequests };
    });
  },

  async 'an abort while waiting for a token after a 401'(h) {
    return withStandIn(h, {}, async (server, closes) => {
      const aspose = closes(new h.lib.AsposeClient(h.credentials(server)));
      await aspose.get('/v4.0/words/a.docx');
      server.revoke();
      server.failToken({ kind: 'delay', ms: 500 });
      const controller = new AbortController();
      const pending = h.rejectionOf(aspose.request({ method: 'POST', path: '/v4.0/echo', body: 'x', signal: controller.signal }));
      await h.until(() => server.unauthorized === 1, 'the 401');
      await h.sleep(30);
      controller.abort();
      const code = (await pending).code;
      await h.until(() => server.tokensIssued === 2, 'the new token');
      await h.sleep(30);
      return { code, apiRequests: server.apiRequests };
    });
  },

  async 'closing the token service mid-fetch'(h) {
    return withStandIn(h, {}, async (server, closes) => {
      server.failToken({ kind: 'hang' });
      const tokens = closes(new h.lib.TokenService(h.credentials(server)));
      const waiting = Array.from({ length: 5 }, () => h.rejectionOf(tokens.getToken()));
      await h.until(() => server.tokenRequests === 1, 'the token request');
      await tokens.close();
      const codes = (await Promise.all(waiting)).map((e) => e.code);
      const later = (await h.rejectionOf(tokens.getToken())).code;
      return { codes, later, tokenRequests: server.tokenRequests };
    });
  },

  async 'closing the client with force while requests wait for a token'(h) {
    return withStandIn(h, {}, async (server, closes) => {
      server.failToken({ kind: 'hang' });
      const aspose = closes(new h.lib.AsposeClient(h.credentials(server)));
      const waiting = Array.from({ length: 5 }, () => h.rejectionOf(aspose.get('/v4.0/words/a.docx')));
      await h.until(() => server.tokenRequests === 1, 'the token request');
      await aspose.close({ force: true });
      const codes = (await Promise.all(waiting)).map((e) => e.code);
      return { codes, apiRequests: server.apiRequests };
    });
  },

  async 'a refresh ahead still running when the service closes'(h) {
    return withStandIn(h, {}, async (server, closes) => {
      const tokens = closes(new h.lib.TokenService(h.credentials(server)));
      const first = await tokens.getToken();
      server.failToken({ kind: 'hang' });
      h.pinClock(first.expiresAt - 60_000);
      await tokens.getToken();
      await h.until(() => server.tokenRequests === 2, 'the refresh to reach the stand-in');
      await tokens.close();
      await h.sleep(50);
      return { failures: tokens.stats.failures };
    });
  },

  /** From interceptor.test.ts: the caller gives up on a slow token; the shared fetch goes on for another caller. */
  async 'an abort before the token arrives'(h) {
    return withStandIn(h, {}, async (server, closes) => {
      server.failToken({ kind: 'delay', ms: 700 });
      const aspose = closes(new h.lib.AsposeClient(h.credentials(server)));
      const controller = new AbortController();
      const pending = h.rejectionOf(aspose.request({ path: '/v4.0/words/a.docx', signal: controller.signal }));
      const other = aspose.get('/v4.0/words/b.docx');
      await h.sleep(100);
      controller.abort();
      const code = (await pending).code;
      const tokensIssuedAtAbort = server.tokensIssued;
      const otherFileName = (await other).Document.FileName;
      await h.sleep(50);
      return { code, tokensIssuedAtAbort, otherFileName, apiRequests: server.apiRequests };
    });
  },

  /** From interceptor.test.ts: the caller gives up on a token that is then refused. */
  async 'an abort while waiting for a token that then fails'(h) {
    return withStandIn(h, {}, async (server, closes) => {
      server.failToken({ kind: 'delay', ms: 300 });
      const aspose = closes(new h.lib.AsposeClient({ ...h.credentials(server), clientSecret: 'wrong' }));
      const controller = new AbortController();
      const pending = h.rejectionOf(aspose.request({ path: '/v4.0/words/a.docx', signal: controller.signal }));
      await h.sleep(50);
      controller.abort();
      const code = (await pending).code;
      await h.sleep(400);
      return { code, tokenRequests: server.tokenRequests };
    });
  },

  /** From throwing-logger.test.ts: a refresh ahead of expiry whose every log line throws. */
  async 'a background refresh with a throwing logger'(h) {
    return withStandIn(h, { tokenLifetimeSec: 1 }, async (server, closes) => {
      const thrower = (level) => () => {
        throw new Error(`logger.${level} is broken`);
      };
      const logger = { debug: thrower('debug'), log: thrower('log'), warn: thrower('warn'), error: thrower('error') };
      const tokens = closes(new h.lib.TokenService({ ...h.credentials(server), logger }));
      const first = await tokens.getToken();
      // Inside the refresh window (the last 20% of 1 s) and before the last 5%, where callers would wait:
      // the clock is pinned there, rather than slept into a 150 ms window a loaded machine can overshoot.
      h.pinClock(first.obtainedAt + 850);
      const peekedFirst = tokens.peekAuthorization() === first.authorization;
      await h.until(() => tokens.stats.tokensIssued >= 2, 'the next token', 5_000);
      return { peekedFirst, tokensIssued: tokens.stats.tokensIssued };
    });
  },
};
