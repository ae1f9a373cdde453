// Proxy benchmark: asposeProxy on each framework and each mounting, beside a
// bare node:http forwarder and the proxies users would otherwise pick
// (@fastify/http-proxy, http-proxy-middleware), measured in one run.
// Each proxy runs in its own process (bench/proxy-app.mjs); the stand-in and
// this load generator in two more. Loopback only.
//
// Two measures, each the median of interleaved rounds:
// - CPU per request: what the proxy's process spent (process.cpuUsage(), user
//   + system) per call while serving calls that the stand-in answers at once
//   (Words document info, ≈0.4 KB JSON). That is the cost of the hop, free
//   of the load generator and the stand-in, and steadier on a shared machine
//   than throughput, which moves with whatever else the cores do.
// - Throughput with the stand-in taking 20 ms per call, like a quick real API
//   call, at a fixed concurrency, against calling the stand-in directly with
//   the token: with latency, a proxy costs the latency it adds.
import os from 'node:os';
import { Agent, request } from 'undici';
import { fetchRawToken, startChildProcess, startServerProcess, timed, median, table } from './lib.mjs';

const CALLS = Number(process.env.BENCH_PROXY_CALLS ?? 3000);
const ROUNDS = Number(process.env.BENCH_PROXY_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_PROXY_CONCURRENCY ?? 16);
const LATENCY_MS = 20;
const LATENCY_CONCURRENCY = 32;
const LATENCY_CALLS = Math.max(200, Math.round(CALLS / 2));

/** The arms, in the order of the table: [ARM of bench/proxy-app.mjs, what the table calls it]. */
const ARMS = [
  ['bare', 'bare `node:http` forwarder (undici `stream()`, fixed header, no checks)'],
  ['koa', 'asposeProxy, Koa 3'],
  ['fastify', 'asposeProxy, Fastify 5'],
  ['express-fast', 'asposeProxyListener in front of Express 5 (fast path)'],
  ['express', 'asposeProxy, Express 5 (`app.use`)'],
  ['express-hand-rolled', 'the bare forwarder inside Express 5'],
  ['fastify-hand-rolled', 'the bare forwarder in a Fastify 5 route'],
  ['fastify-http-proxy', '`@fastify/http-proxy` 11, Fastify 5'],
  ['http-proxy-middleware', '`http-proxy-middleware` 3, Express 5, keep-alive agent'],
];

// BENCH_PROXY_ARMS=bare,fastify runs some arms only (the bare forwarder always runs: it is the floor).
const only = process.env.BENCH_PROXY_ARMS?.split(',');
if (only) ARMS.splice(0, ARMS.length, ...ARMS.filter(([arm]) => arm === 'bare' || only.includes(arm)));

const server = await startServerProcess();
const env = { STAND_IN_URL: server.url, CLIENT_ID: server.clientId, CLIENT_SECRET: server.clientSecret };
const apps = new Map();
for (const [arm] of ARMS) apps.set(arm, await startChildProcess('./proxy-app.mjs', { ...env, ARM: arm }));

const agent = new Agent();
const token = await fetchRawToken(server.url, server, agent);
const directHeaders = { authorization: `Bearer ${token}`, accept: 'application/json' };
const proxyHeaders = { 'x-user': 'bench', accept: 'application/json' };

const call = (url, headers) => async () => {
  const res = await request(url, { dispatcher: agent, headers });
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
  await res.body.dump({ limit: 64 * 1024 * 1024 }); // read it all: dump() stops and drops the socket after `limit` bytes (128 KiB by default)
};
const cpuMicros = async (app) => {
  const { user, system } = await app.call('cpu');
  return user + system;
};

const JSON_PATH = '/v4.0/words/report.docx';
const SLOW_PATH = `/__stand-in/slow/${LATENCY_MS}`;
const cpu = new Map(ARMS.map(([arm]) => [arm, []]));
const rps = new Map([['direct', []], ...ARMS.map(([arm]) => [arm, []])]);

// Warm-up: sockets, JIT, each proxy's token.
for (const [arm, app] of apps) {
  await timed(call(`${app.url}/aspose${JSON_PATH}`, proxyHeaders), Math.min(1000, CALLS), CONCURRENCY);
  await timed(call(`${app.url}/aspose${SLOW_PATH}`, proxyHeaders), 100, LATENCY_CONCURRENCY);
  void arm;
}
await timed(call(`${server.url}${SLOW_PATH}`, directHeaders), 100, LATENCY_CONCURRENCY);

for (let round = 0; round < ROUNDS; round++) {
  for (const [arm, app] of apps) {
    const before = await cpuMicros(app);
    await timed(call(`${app.url}/aspose${JSON_PATH}`, proxyHeaders), CALLS, CONCURRENCY);
    cpu.get(arm).push((await cpuMicros(app)) - before);
  }
  rps.get('direct').push((LATENCY_CALLS * 1000) / (await timed(call(`${server.url}${SLOW_PATH}`, directHeaders), LATENCY_CALLS, LATENCY_CONCURRENCY)));
  for (const [arm, app] of apps) {
    rps.get(arm).push((LATENCY_CALLS * 1000) / (await timed(call(`${app.url}/aspose${SLOW_PATH}`, proxyHeaders), LATENCY_CALLS, LATENCY_CONCURRENCY)));
  }
}

const perCall = (arm) => median(cpu.get(arm)) / CALLS;
const spread = (arm) => {
  const xs = cpu.get(arm).map((c) => c / CALLS);
  return `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
};
// The best round of each arm beside the bare forwarder's best: other tenants of the machine only ever add CPU time.
const bestRatio = (arm) => (Math.min(...cpu.get(arm)) / Math.min(...cpu.get('bare'))).toFixed(2);
const floor = perCall('bare');
const direct = median(rps.get('direct'));
const rows = ARMS.map(([arm, name]) => [
  name,
  Math.round(perCall(arm)).toString(),
  spread(arm),
  `${(perCall(arm) / floor).toFixed(2)}× (best rounds: ${bestRatio(arm)}×)`,
  Math.round(median(rps.get(arm))).toLocaleString('en-US'),
  (median(rps.get(arm)) / direct).toFixed(2),
]);
const tokens = await Promise.all(['koa', 'fastify', 'express-fast', 'express'].filter((arm) => apps.has(arm)).map((arm) => apps.get(arm).call('stats')));

console.log(`## Proxy cost: asposeProxy on each framework and mounting, beside a bare forwarder and other proxies\n`);
console.log(
  `Median of ${ROUNDS} interleaved rounds; each proxy in its own process, with the stand-in and the load generator in two more, on loopback, ${os.cpus().length} CPU cores. ` +
    `CPU: the proxy process's user + system time over ${CALLS} calls × ${CONCURRENCY} concurrent, answered at once (Words document info, ≈0.4 KB JSON). ` +
    `Throughput: ${LATENCY_CALLS} calls × ${LATENCY_CONCURRENCY} concurrent, the stand-in taking ${LATENCY_MS} ms per call; direct (undici to the stand-in with the token) made ${Math.round(direct).toLocaleString('en-US')} req/s. ` +
    `The asposeProxy arms fetched ${tokens.map((t) => t.requests).join(', ')} token(s) in all.\n`,
);
table(['proxy', 'CPU µs per request', 'range over rounds', 'vs bare forwarder', `req/s, ${LATENCY_MS} ms upstream`, 'vs direct'], rows);
console.log(`Targets (issue 12): CPU within 1.10× of the bare forwarder on every adapter; at least 0.90 of direct with a ${LATENCY_MS} ms upstream.\n`);

await agent.close();
for (const app of apps.values()) await app.close();
await server.close();
