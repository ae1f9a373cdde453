// Shared bench helpers: a stand-in in a child process, interleaved timing rounds, markdown tables.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

/** Starts bench/server.mjs and returns { url, clientId, clientSecret, call(cmd), close() }. */
export function startServerProcess(env = {}) {
  return startChildProcess('./server.mjs', env);
}

/**
 * Forks a bench helper (`script`, relative to bench/) that answers IPC commands by id, and waits
 * for its `ready` message. Returns what that message holds, with `call(cmd)` (a string, or an
 * object with a `cmd` string; resolves the answer to it) and `close()`.
 */
export async function startChildProcess(script, env = {}) {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map();
  child.on('message', (m) => {
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  const next = (id) => new Promise((resolve) => waiting.set(id, resolve));
  const ready = await next('ready');
  return {
    ...ready,
    async call(cmd) {
      const p = next(typeof cmd === 'string' ? cmd : cmd.cmd);
      child.send(cmd);
      return p;
    },
    async close() {
      child.send('close');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Runs `n` calls of `fn` with `concurrency` workers; returns elapsed ms. */
export async function timed(fn, n, concurrency) {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) await fn();
    }),
  );
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * Times the arms (`name → async fn`) side by side: a warm-up of 500 calls each (sockets, JIT, the
 * token), then `rounds` rounds of `calls` calls at `concurrency` per arm. The arm order rotates every
 * round, so no arm always runs after the same one (the garbage-heavy SDK, say) or first after a pause.
 * `prepare(name)` runs before each arm's warm-up and turn. Returns, per name, the µs per call of each
 * round: `wall` (wall clock) and `cpu` (this process's own user + system time).
 */
export async function interleavedRounds(arms, { rounds, calls, concurrency, prepare = () => {} }) {
  const names = Object.keys(arms);
  const wall = Object.fromEntries(names.map((k) => [k, []]));
  const cpu = Object.fromEntries(names.map((k) => [k, []]));
  for (const name of names) {
    prepare(name);
    await timed(arms[name], 500, concurrency);
  }
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      prepare(name);
      const before = process.cpuUsage();
      wall[name].push(((await timed(arms[name], calls, concurrency)) * 1000) / calls);
      const used = process.cpuUsage(before);
      cpu[name].push((used.user + used.system) / calls);
    }
  }
  return { names, wall, cpu };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** Prints a markdown table. */
export function table(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  console.log(line(headers));
  console.log(line(headers.map(() => '---')));
  for (const r of rows) console.log(line(r));
  console.log();
}

/**
 * A token fetched by hand from the stand-in at `origin`, with no library in the way: what the raw-undici and
 * hand-written arms send as their fixed `Authorization`.
 */
export async function fetchRawToken(origin, { clientId, clientSecret }, dispatcher) {
  const res = await request(`${origin}/connect/token`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
  });
  return (await res.body.json()).access_token;
}
