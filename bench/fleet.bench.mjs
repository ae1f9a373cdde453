// Fleet mode: a cold fleet of 8 processes (test/fleet/fleet-worker.cjs, each an AsposeClient from
// the built package) starting together, each making 200 concurrent first calls, with and without a
// shared token store on a real redis-server (Debian's package) on loopback. Counts the token
// requests the stand-in received and times each process's first successful call. Then a warm
// fleet: one process has its token, 7 new ones join (an autoscaler adding pods).
// The token endpoint is given a latency (TOKEN_LATENCY_MS, default 0 and 200) to stand for a
// real network round trip to Aspose; the stand-in runs in its own process.
import { spawn, spawnSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { median, startServerProcess, table } from './lib.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const LATENCIES = (process.env.TOKEN_LATENCY_MS ?? '0,200').split(',').map(Number);
const FLEET = 8;
const WORKER = fileURLToPath(new URL('../test/fleet/fleet-worker.cjs', import.meta.url));

const bin = spawnSync('sh', ['-c', 'command -v redis-server || command -v valkey-server'], { encoding: 'utf8' }).stdout.trim();
if (!bin) {
  console.log('## Fleet mode\n\nSkipped: redis-server is not installed (apt-get install -y redis-server).\n');
  process.exit(0);
}

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'aspose-bench-redis-'));
const redisProcess = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve) => redisProcess.stdout.on('data', (c) => String(c).includes('Ready to accept') && resolve()));
redisProcess.stdout.resume();
const redisUrl = `redis://127.0.0.1:${port}`;
const admin = await createClient({ url: redisUrl }).connect();
const server = await startServerProcess();

function startWorker(lib) {
  const child = fork(WORKER, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      FLEET_REDIS_LIB: lib,
      FLEET_REDIS_URL: redisUrl,
      FLEET_BASE_URL: server.url,
      FLEET_CLIENT_ID: server.clientId,
      FLEET_CLIENT_SECRET: server.clientSecret,
      FLEET_PATH: '/v4.0/words/report.docx', // the document bench/server.mjs stores
    },
  });
  let next = 0;
  const waiting = new Map();
  const ready = new Promise((resolve) => {
    child.on('message', (m) => {
      if (m.ready) resolve();
      else waiting.get(m.id)?.(m);
    });
  });
  const ask = (cmd, args = {}) => {
    const id = next++;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      child.send({ id, cmd, ...args });
    });
  };
  return { ready, ask, close: () => ask('exit').then(() => new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r()))) };
}

/** One cold start: `joiners` processes calling at once (after `warm` processes took a token first). Returns token requests and first-call times. */
async function round(lib, latency, warm) {
  await admin.flushAll();
  await server.call('reset');
  if (latency > 0) await server.call({ cmd: 'token-latency', ms: latency, times: FLEET });
  const all = [];
  if (warm) {
    const first = startWorker(lib);
    all.push(first);
    await first.ready;
    await first.ask('call', { n: 1 });
  }
  const joiners = Array.from({ length: warm ? FLEET - 1 : FLEET }, () => startWorker(lib));
  all.push(...joiners);
  await Promise.all(joiners.map((w) => w.ready));
  const before = (await server.call('stats')).tokenRequests;
  // The first call alone, timed: what a new process waits for before it can serve. Then the burst.
  const outcomes = await Promise.all(joiners.map((w) => w.ask('call', { n: 1 })));
  const burst = await Promise.all(joiners.map((w) => w.ask('call', { n: 200 })));
  const { tokenRequests } = await server.call('stats');
  outcomes.push(...burst.map((b) => ({ ...b, ms: undefined })));
  await Promise.all(all.map((w) => w.close()));
  const failed = outcomes.reduce((n, o) => n + o.failed, 0);
  if (failed) throw new Error(`${failed} calls failed (${JSON.stringify(outcomes[0].codes)})`);
  const firsts = outcomes
    .filter((o) => o.ms !== undefined)
    .map((o) => o.ms)
    .sort((a, b) => a - b);
  return { requests: tokenRequests - before, median: median(firsts), max: firsts[firsts.length - 1] };
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(`## Fleet mode: ${FLEET} processes\n`);
console.log(
  `Median over ${ROUNDS} interleaved rounds; a fresh set of processes and an empty Redis each round. All processes of a fleet make their first call at the same moment (timed: from the call to its answer, the token fetch or store read included; median and slowest process), then 200 concurrent calls each. Token requests: those the stand-in received from the processes measured, for all of it.\n`,
);
for (const warm of [false, true]) {
  const rows = [];
  for (const latency of LATENCIES) {
    const results = { none: [], redis: [], ioredis: [] };
    for (let r = 0; r < ROUNDS; r++) for (const lib of Object.keys(results)) results[lib].push(await round(lib, latency, warm));
    for (const [lib, rs] of Object.entries(results)) {
      rows.push([
        lib === 'none' ? 'no store (each process alone)' : `\`redisTokenStore\` on ${lib === 'redis' ? 'node-redis' : 'ioredis'}`,
        `${latency} ms`,
        String(median(rs.map((x) => x.requests))),
        fmt(median(rs.map((x) => x.median))),
        fmt(median(rs.map((x) => x.max))),
      ]);
    }
  }
  console.log(
    warm ? `### 7 processes joining a warm fleet (one process has the token already)\n` : `### A cold fleet of ${FLEET} processes starting together\n`,
  );
  table(['Arm', 'Token endpoint latency', 'Token requests', 'First call, median process', 'First call, slowest process'], rows);
}

await admin.quit();
await server.close();
redisProcess.kill('SIGKILL');
rmSync(dir, { recursive: true, force: true });
