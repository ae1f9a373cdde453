// Token-endpoint lockout benchmark: how many token requests a client sends in
// 10 minutes of steady calls (a) with refused credentials and (b) while Aspose
// has the credential pair locked out (429, Retry-After: 600), AsposeClient
// against asposewordscloud 24.12, side by side in one run against the same
// stand-in, which models Aspose's rule (per pair, 429 for 10 minutes past 5
// failed requests).
//
// Ten minutes of real time per arm would make a slow benchmark, so time is
// scaled 1:SCALE (default 50): the stand-in's lockout, our refusal backoff
// and retry delays are all divided by SCALE, and callers make 10 calls per
// simulated second (one every 2 real ms at 1:50). At 1:100 the official SDK's
// own CPU cost starts to hold back how many calls it gets to make on a 2-core
// machine; at 1:50 both arms make every call.
import wordsSdk from 'asposewordscloud';
import { AsposeClient } from '../dist/esm/index.js';
import { startServerProcess, table } from './lib.mjs';

const { WordsApi, GetDocumentRequest } = wordsSdk;
const SCALE = Number(process.env.BENCH_LOCKOUT_SCALE ?? 50);
const SIM_WINDOW_MS = 10 * 60_000; // 10 simulated minutes
const CALLS_PER_SIM_SECOND = 10;
const REAL_MS = SIM_WINDOW_MS / SCALE;
const scaled = (ms) => Math.max(1, Math.round(ms / SCALE));

const server = await startServerProcess({ LOCKOUT_SEC: String(600 / SCALE) });
const base = { clientId: server.clientId, baseUrl: server.url };

// Our defaults, scaled: refusal backoff 10 s doubling to 5 min, at most 5 refused requests in 10 min;
// transient retries 250 ms doubling to 5 s; a Retry-After over 30 s fails calls at once.
const ourOptions = {
  refusalBackoff: { initialDelayMs: scaled(10_000), maxDelayMs: scaled(300_000), maxRequests: 5, windowMs: scaled(600_000) },
  retry: { minDelayMs: scaled(250), maxDelayMs: scaled(5_000), maxRetryAfterMs: scaled(30_000) },
};

const arms = {
  'aspose-cloud-auth `AsposeClient`': {
    make: (clientSecret) => new AsposeClient({ ...base, clientSecret, ...ourOptions }),
    call: (c) => c.get('/v4.0/words/report.docx'),
    close: (c) => c.close(),
  },
  'asposewordscloud 24.12 `WordsApi`': {
    make: (clientSecret) => new WordsApi(base.clientId, clientSecret, base.baseUrl),
    call: (api) => api.getDocument(new GetDocumentRequest({ documentName: 'report.docx' })),
    close: () => {},
  },
};

/**
 * Calls at a steady rate for REAL_MS, without waiting for answers (a server's
 * callers do not queue behind each other). The stand-in counts token requests
 * over the same REAL_MS by its own clock.
 */
async function stream(arm, clientSecret, lockout) {
  const target = arm.make(clientSecret);
  await server.call({ cmd: 'window', ms: REAL_MS, lockout });
  const perRealMs = (CALLS_PER_SIM_SECOND * SCALE) / 1000;
  const calls = [];
  const t0 = performance.now();
  let made = 0;
  for (;;) {
    const elapsed = performance.now() - t0;
    if (elapsed >= REAL_MS) break;
    const due = Math.floor(elapsed * perRealMs) + 1;
    for (; made < due; made++)
      calls.push(
        arm.call(target).then(
          () => 'ok',
          () => 'failed',
        ),
      );
    await new Promise((r) => setTimeout(r, 5));
  }
  const stats = await server.call('window-stats');
  const outcomes = await Promise.all(calls);
  await arm.close(target);
  return { stats, calls: outcomes.length, ok: outcomes.filter((o) => o === 'ok').length };
}

const rows = [];
for (const [name, arm] of Object.entries(arms)) {
  const refused = await stream(arm, 'not-the-secret', false);
  const locked = await stream(arm, server.clientSecret, true);
  rows.push([
    name,
    `${refused.calls} / ${locked.calls}`,
    `${refused.stats.tokenRequests}`,
    `${refused.stats.tokenFailures} / ${refused.stats.tokenRateLimited}`,
    `${locked.stats.tokenRequests}`,
    `${locked.stats.tokenRateLimited}`,
    `${locked.ok} of ${locked.calls}`,
  ]);
}

console.log(`## Token requests in 10 minutes of steady calls: refused credentials, and a 429 lockout\n`);
console.log(
  `Simulated time, scaled 1:${SCALE}: 10 minutes ran in ${REAL_MS / 1000} s. The stand-in's lockout (600 s → ${600 / SCALE} s, \`Retry-After: ${600 / SCALE}\`), ` +
    `\`AsposeClient\`'s refusal backoff (10 s doubling to 5 min, at most 5 refused requests in 10 min) and retry delays are divided by ${SCALE} alike; ` +
    `callers make ${CALLS_PER_SIM_SECOND} calls per simulated second (${(CALLS_PER_SIM_SECOND * SCALE) / 1000} per real ms), without waiting for each other. ` +
    `In the lockout columns the pair is locked out when the 10 minutes start, and the secret is right. ` +
    `Token requests are those the stand-in received within the 10 minutes; calls still waiting then are let finish.\n`,
);
table(
  [
    'client',
    'calls made (refused / lockout)',
    'refused credentials: token requests',
    'answered 400 / 429',
    '429 lockout: token requests',
    'answered 429',
    'calls that succeeded (lockout)',
  ],
  rows,
);

await server.close();
