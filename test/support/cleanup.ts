/**
 * Per-test cleanup. Whatever a test opens (a server, a client, an undici
 * Agent) is registered with {@link track}, and {@link cleanup}, which a test
 * file calls from `afterEach`, closes it all, newest first: a client closes
 * before the server it talks to.
 *
 * Suites that open things in `beforeAll` close them in `afterAll` themselves
 * (`listen()` in ./http.ts hands back a `close()` for that).
 */
const closers: (() => unknown)[] = [];

/** Closes everything tracked since the last call, newest first. */
export async function cleanup(): Promise<void> {
  while (closers.length > 0) await closers.pop()!();
}

/** Registers `thing` to be closed by {@link cleanup}, and returns it. */
export function track<T>(thing: T, close: (t: T) => unknown): T {
  closers.push(() => close(thing));
  return thing;
}
