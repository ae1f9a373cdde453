/**
 * Waiting in tests: for an event ({@link waitFor}), or for a while so that
 * something that must not happen has had its chance ({@link sleep}).
 */

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `condition` every 5 ms until it holds, or fails after `limitMs`
 * saying what it waited for. It bounds a wait for an event; it is never a
 * statement about speed. It reads `performance.now()`, not `Date.now()`, so
 * that it still times out in tests that pin or simulate `Date.now`.
 */
export async function waitFor(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const end = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
