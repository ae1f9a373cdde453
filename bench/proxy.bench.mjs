// Proxy benchmark: requests per second through asposeProxy (Express) against
// a direct undici call to the same stand-in carrying a fixed Bearer header,
// same concurrency, interleaved rounds in one run. Three processes: the
// stand-in, the proxy app (bench/proxy-app.mjs), and this load generator.
// Loopback only.
//
// A third arm goes through a hand-rolled forwarder in the same app (undici
// stream(), fixed header, no checks): the proxy hop's own price, so the
// table separates what the extra hop costs from what asposeProxy adds.
//
// Two kinds of rows:
// - the stand-in answering at once: a stress test of the hop itself, where
//   every arm is CPU-bound and the proxied arms do an extra HTTP server and
//   client per request;
// - the stand-in taking 20 ms per call, like a quick real API call: at a fixed
//   concurrency, throughput is then bound by latency and the proxy's cost
//   shows as the latency it adds.
import os from 'node:os';
import { Agent, request } from 'undici';
import { startChildProcess, startServerProcess, timed, median, table } from './lib.mjs';

const CALLS = Number(process.env.BENCH_PROXY_CALLS ?? 3000);
const ROUNDS = Number(process.env.BENCH_PROXY_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_PROXY_CONCURRENCY ?? 16);
const BIG = 256 * 1024;
const LATENCY_MS = 20;
const LATENCY_CONCURRENCY = 32;

const server = await startServerProcess();
const proxy = await startChildProcess('./proxy-app.mjs', { STAND_IN_URL: server.url, CLIENT_ID: server.clientId, CLIENT_SECRET: server.clientSecret });
const agent = new Agent();
const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: server.clientId, client_secret: server.clientSecret });
const token = (
  await (
    await request(`${server.url}/connect/token`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    })
  ).body.json()
).access_token;
const direct = { authorization: `Bearer ${token}`, accept: 'application/json' };
const viaProxy = { 'x-user': 'bench', accept: 'application/json' };

const call = (url, headers) => async () => {
  const res = await request(url, { dispatcher: agent, headers });
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
  await res.body.dump({ limit: 64 * 1024 * 1024 }); // read it all: dump() stops and drops the socket after `limit` bytes (128 KiB by default)
};
const arms = (path) => ({
  direct: call(`${server.url}${path}`, direct),
  handRolled: call(`${proxy.url}/hand-rolled${path}`, viaProxy),
  proxy: call(`${proxy.url}/aspose${path}`, viaProxy),
});
const rows = [
  { name: 'Words document info (≈0.4 KB JSON), instant answer', calls: CALLS, concurrency: CONCURRENCY, arms: arms('/v4.0/words/report.docx') },
  {
    name: `binary download (${BIG / 1024} KiB), instant answer`,
    calls: Math.max(100, Math.round(CALLS / 6)),
    concurrency: CONCURRENCY,
    arms: arms(`/__stand-in/bytes/${BIG}`),
  },
  {
    name: 'Words document info, instant answer, one call at a time',
    calls: Math.max(100, Math.round(CALLS / 6)),
    concurrency: 1,
    arms: arms('/v4.0/words/report.docx'),
  },
  {
    name: `JSON call, upstream takes ${LATENCY_MS} ms`,
    calls: Math.max(200, Math.round(CALLS / 2)),
    concurrency: LATENCY_CONCURRENCY,
    arms: arms(`/__stand-in/slow/${LATENCY_MS}`),
  },
];

const out = [];
for (const row of rows) {
  const rps = { direct: [], handRolled: [], proxy: [] };
  for (const fn of Object.values(row.arms)) await timed(fn, Math.min(1000, row.calls), row.concurrency); // warm-up: sockets, JIT, the proxy's token
  for (let round = 0; round < ROUNDS; round++) {
    for (const [arm, fn] of Object.entries(row.arms)) rps[arm].push((row.calls * 1000) / (await timed(fn, row.calls, row.concurrency)));
  }
  const [d, h, x] = [median(rps.direct), median(rps.handRolled), median(rps.proxy)];
  const n = (v) => Math.round(v).toLocaleString('en-US');
  const pct = (a, b) => `${((a / b) * 100).toFixed(0)}%`;
  const perCall =
    row.concurrency === 1 ? ` (ms per call: ${(1000 / d).toFixed(2)} direct, ${(1000 / h).toFixed(2)} hand-rolled, ${(1000 / x).toFixed(2)} asposeProxy)` : '';
  out.push([row.name + perCall, `${row.calls} × ${row.concurrency}`, n(d), n(h), n(x), pct(x, d), pct(x, h)]);
}
const stats = await proxy.call('stats');

console.log(`## Proxy throughput: asposeProxy (Express 5) vs direct undici with a fixed Bearer header\n`);
console.log(
  `Median of ${ROUNDS} interleaved rounds per row; stand-in, proxy app and load generator in three processes on loopback, ${os.cpus().length} CPU cores; the proxy app fetched ${stats.requests} token(s) in all.\n`,
);
table(
  [
    'request',
    'calls × concurrency',
    'direct undici (req/s)',
    'hand-rolled forwarder (req/s)',
    'asposeProxy (req/s)',
    'asposeProxy / direct',
    'asposeProxy / hand-rolled',
  ],
  out,
);
console.log(
  'Target: asposeProxy ≥ 80% of direct. With an instant answer every arm is CPU-bound and the proxied arms run an extra HTTP server and client per request, so there a proxy cannot come near direct on a small machine; the last column isolates what asposeProxy adds to the hop. With upstream latency, the proxy costs only the latency it adds.\n',
);

await agent.close();
await proxy.close();
await server.close();
