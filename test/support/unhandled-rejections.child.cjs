'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script: it loads the CommonJS build */
/**
 * Runs one scenario, in a process of its own, against the built package
 * (dist/cjs, through the package's own name), with a real
 * `process.on('unhandledRejection')` listener, and prints
 * `{ unhandled, result }` as JSON: every rejection nobody handled while the
 * scenario ran and for 50 ms after, and what the scenario returned.
 *
 * Usage: node unhandled-rejections.child.cjs <scenarios module> <scenario name> [JSON argument]
 * Driven by ./unhandled-rejections.ts.
 */
const unhandled = [];
process.on('unhandledRejection', (reason) => {
  const r = reason !== null && typeof reason === 'object' ? reason : { message: String(reason) };
  unhandled.push({ name: r.name, code: r.code, message: r.message });
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const realNow = Date.now;

/** What a scenario is given: the package's entry points, and the few helpers the jest suites have. */
const helpers = {
  lib: require('aspose-cloud-auth'),
  testing: require('aspose-cloud-auth/testing'),
  sleep,
  /** Polls `condition` until it holds; throws after `limitMs`. */
  async until(condition, what = 'a condition', limitMs = 10_000) {
    const end = performance.now() + limitMs;
    while (!condition()) {
      if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(5);
    }
  },
  /** Settles a promise into its rejection reason; throws if it resolves. */
  async rejectionOf(p) {
    try {
      await p;
    } catch (err) {
      return err;
    }
    throw new Error('expected the promise to reject, but it resolved');
  },
  /** Stops `Date.now` at `at` (the stand-in reads it too), as the jest suites do with jest.spyOn. */
  pinClock(at) {
    Date.now = () => at;
  },
  restoreClock() {
    Date.now = realNow;
  },
  /** Client options for a stand-in: its credentials and URL, fast retries. */
  credentials(server) {
    return { clientId: server.clientId, clientSecret: server.clientSecret, baseUrl: server.url, retry: { minDelayMs: 5, maxDelayMs: 20 } };
  },
};

const [file, name, arg] = process.argv.slice(2);

(async () => {
  const scenario = require(file)[name];
  if (typeof scenario !== 'function') throw new Error(`no scenario named ${JSON.stringify(name)} in ${file}`);
  const result = await scenario(helpers, arg === undefined ? undefined : JSON.parse(arg));
  helpers.restoreClock();
  // Give a stray rejection its chance to surface before counting.
  await sleep(50);
  process.stdout.write(JSON.stringify({ unhandled, result: result ?? null }), () => process.exit(0));
})().catch((err) => {
  process.stderr.write(`scenario ${JSON.stringify(name)} failed: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
