'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script: it loads the CommonJS build */
/**
 * One process of a fleet (fleet-mode.test.ts and bench/fleet.bench.mjs start
 * several): an AsposeClient from the built package, sharing its token store
 * through a real Redis with a client of the library named by FLEET_REDIS_LIB
 * (`redis`, `ioredis`, `iovalkey`, or `none` for no store). It answers the
 * parent's IPC messages:
 * - { cmd: 'call', n }: n concurrent calls at once → { ok, failed, codes, ms } (ms: until the first success);
 * - { cmd: 'loop', concurrency }: calls without pause until { cmd: 'stop' } → { ok, failed, codes };
 * - { cmd: 'stats' } → the token service's stats and status;
 * - { cmd: 'exit' }: closes everything and exits.
 */
const { AsposeClient } = require('aspose-cloud-auth');
const { redisTokenStore } = require('aspose-cloud-auth/redis');

const env = process.env;
const lib = env.FLEET_REDIS_LIB;
const path = env.FLEET_PATH || '/v4.0/words/fleet.docx';

async function connect() {
  if (lib === 'none') return undefined;
  if (lib === 'redis') {
    const { createClient } = require('redis');
    const c = createClient({ url: env.FLEET_REDIS_URL, socket: { reconnectStrategy: () => 100, connectTimeout: 1000 } });
    c.on('error', () => {}); // reconnects by itself; the store treats a client not ready as down
    await c.connect();
    return { client: c, close: () => c.destroy() };
  }
  const Client = lib === 'iovalkey' ? require('iovalkey').default : require('ioredis').default;
  const c = new Client(env.FLEET_REDIS_URL, { retryStrategy: () => 100, maxRetriesPerRequest: 1, lazyConnect: true });
  c.on('error', () => {});
  await c.connect();
  return { client: c, close: () => c.disconnect() };
}

function record(out, err) {
  out.failed++;
  const code = (err && err.code) || String(err);
  out.codes[code] = (out.codes[code] || 0) + 1;
  if (!out.firstError) out.firstError = String(err && err.message).slice(0, 300);
}

async function main() {
  const redis = await connect();
  const logs = [];
  const logger = { warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`), log: (m) => logs.push(`log ${m}`) };
  const extra = env.FLEET_OPTIONS ? JSON.parse(env.FLEET_OPTIONS) : {};
  const options = {
    clientId: env.FLEET_CLIENT_ID,
    clientSecret: env.FLEET_CLIENT_SECRET,
    baseUrl: env.FLEET_BASE_URL,
    tokenTimeoutMs: Number(env.FLEET_TOKEN_TIMEOUT_MS || 10000),
    logger,
    ...extra,
    store: redis ? redisTokenStore(redis.client, { commandTimeoutMs: Number(env.FLEET_COMMAND_TIMEOUT_MS || 250) }) : undefined,
  };
  const client = new AsposeClient(options);
  const tokens = client.tokens;
  let looping;

  process.on('message', async (msg) => {
    if (msg.cmd === 'call') {
      const out = { ok: 0, failed: 0, codes: {}, ms: undefined };
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: msg.n }, () =>
          client.get(path).then(
            () => {
              out.ok++;
              out.ms ??= performance.now() - t0;
            },
            (err) => record(out, err),
          ),
        ),
      );
      process.send({ id: msg.id, ...out });
    } else if (msg.cmd === 'loop') {
      const out = { ok: 0, failed: 0, codes: {} };
      let stop = false;
      const lanes = Array.from({ length: msg.concurrency || 4 }, async () => {
        while (!stop) {
          const ok = await client.get(path).then(
            () => (out.ok++, true),
            (err) => (record(out, err), false),
          );
          // Calls failed at once (held back) settle without I/O: yield, or IPC messages would wait forever.
          if (!ok) await new Promise((resolve) => setImmediate(resolve));
        }
      });
      looping = async () => {
        stop = true;
        await Promise.all(lanes);
        return out;
      };
      process.send({ id: msg.id, started: true });
    } else if (msg.cmd === 'progress') {
      process.send({ id: msg.id, running: Boolean(looping) });
    } else if (msg.cmd === 'stop') {
      const out = looping ? await looping() : undefined;
      looping = undefined;
      process.send({ id: msg.id, ...out });
    } else if (msg.cmd === 'stats') {
      process.send({ id: msg.id, stats: tokens.stats, store: tokens.status.store, logs });
    } else if (msg.cmd === 'exit') {
      await client.close();
      if (redis) await redis.close();
      process.send({ id: msg.id, closed: true }, () => process.exit(0));
    }
  });
  process.send({ ready: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
