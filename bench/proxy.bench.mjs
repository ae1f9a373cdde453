// Proxy benchmark: requests per second through asposeProxy (Express) against
// a direct undici call to the same stand-in carrying a fixed Bearer header,
// same concurrency, interleaved rounds in one run. Three processes: the
// stand-in, the proxy app, and this load generator. Loopback only.
//
// A third arm goes through a hand-rolled forwarder in the same app (undici
// stream(), fixed header, no checks): the proxy hop's own price, so the
// table separates what the extra hop costs from what asposeProxy adds.
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { startServerProcess, timed, median, table } from './lib.mjs';

const CALLS = Number(process.env.BENCH_PROXY_CALLS ?? 3000);
const ROUNDS = Number(process.env.BENCH_PROXY_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_PROXY_CONCURRENCY ?? 16);
const BIG = 256 * 1024;
const BIG_CALLS = Math.max(100, Math.round(CALLS / 6));

/** Forks bench/proxy-app.mjs and waits for its URL. */
async function startProxyProcess(env) {
  const child = fork(fileURLToPath(new URL('./proxy-app.mjs', import.meta.url)), { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  child.on('message', (m) => {
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  const next = (id) => new Promise((resolve) => waiting.set(id, resolve));
  const ready = await next('ready');
  return {
    url: ready.url,
    async call(cmd) {
      const p = next(cmd);
      child.send(cmd);
      return p;
    },
    async close() {
      child.send('close');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

const server = await startServerProcess();
const proxy = await startProxyProcess({ STAND_IN_URL: server.url, CLIENT_ID: server.clientId, CLIENT_SECRET: server.clientSecret });
const agent = new Agent();
const token = (
  await (
    await request(`${server.url}/connect/token`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: server.clientId, client_secret: server.clientSecret }).toString(),
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
const payloads = [
  {
    name: 'Words document info (JSON, ≈0.4 KB)',
    calls: CALLS,
    arms: {
      direct: call(`${server.url}/v4.0/words/report.docx`, direct),
      handRolled: call(`${proxy.url}/hand-rolled/v4.0/words/report.docx`, viaProxy),
      proxy: call(`${proxy.url}/aspose/v4.0/words/report.docx`, viaProxy),
    },
  },
  {
    name: `binary download (${BIG / 1024} KiB)`,
    calls: BIG_CALLS,
    arms: {
      direct: call(`${server.url}/__stand-in/bytes/${BIG}`, direct),
      handRolled: call(`${proxy.url}/hand-rolled/__stand-in/bytes/${BIG}`, viaProxy),
      proxy: call(`${proxy.url}/aspose/__stand-in/bytes/${BIG}`, viaProxy),
    },
  },
];

const rows = [];
for (const p of payloads) {
  const rps = { direct: [], handRolled: [], proxy: [] };
  for (const fn of Object.values(p.arms)) await timed(fn, Math.min(1000, p.calls), CONCURRENCY); // warm-up: sockets, JIT, the proxy's token
  for (let round = 0; round < ROUNDS; round++) {
    for (const [arm, fn] of Object.entries(p.arms)) rps[arm].push((p.calls * 1000) / (await timed(fn, p.calls, CONCURRENCY)));
  }
  const [d, h, x] = [median(rps.direct), median(rps.handRolled), median(rps.proxy)];
  const n = (v) => Math.round(v).toLocaleString('en-US');
  const pct = (a, b) => `${((a / b) * 100).toFixed(0)}%`;
  rows.push([p.name, n(d), n(h), n(x), pct(x, d), pct(x, h)]);
}
const stats = await proxy.call('stats');

console.log(`## Proxy throughput: asposeProxy (Express 5) vs direct undici with a fixed Bearer header\n`);
console.log(`${CALLS} calls per round for JSON (${BIG_CALLS} for the download) × ${ROUNDS} interleaved rounds, concurrency ${CONCURRENCY}, median round; stand-in, proxy app and load generator in three processes on loopback; the proxy app fetched ${stats.requests} token(s).\n`);
table(['request', 'direct undici (req/s)', 'hand-rolled forwarder (req/s)', 'asposeProxy (req/s)', 'asposeProxy / direct', 'asposeProxy / hand-rolled'], rows);
console.log(`Target: asposeProxy ≥ 80% of direct. On a ${os.cpus().length}-core machine the proxied arms run an extra HTTP server and client per request (a third process), so "direct" is a ceiling a proxy cannot reach there; the last column isolates the proxy's own checks.\n`);

await agent.close();
await proxy.close();
await server.close();
