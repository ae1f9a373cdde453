/**
 * Keeps Node's own `fetch` working after this library is imported.
 *
 * Importing the undici package runs its `lib/global.js`, which installs the
 * package's `Agent` as the process-wide dispatcher under
 * `Symbol.for('undici.globalDispatcher.1')` when that slot is still empty.
 * Node's bundled `fetch` reads the same slot, so from then on every `fetch()`
 * in the process, including the application's unrelated ones, goes through
 * the imported undici, whose stricter checks refuse requests the bundled
 * `fetch` builds (a caller-set `Content-Length` fails with
 * `UND_ERR_INVALID_ARG invalid content-length header` on Node 20 and 22;
 * nodejs/undici#5500, #5502).
 *
 * Before undici is imported, this module lets Node's bundled undici take the
 * slot first, by touching one of the globals Node loads it for. The process
 * is then in the state it would be in had the application called `fetch`
 * once before importing us: `fetch` keeps its own agent.
 *
 * Only when it matters: the slot is empty, and Node's bundled undici is older
 * than 8 (undici 8, bundled from Node 26, keeps its own dispatcher under
 * `undici.globalDispatcher.2` and is not affected). This library never uses
 * the global dispatcher itself: every request it makes names its dispatcher.
 *
 * It must be evaluated before the undici package: `./undici.ts` imports it
 * first, and no other module of the library imports undici's values directly.
 *
 * @internal
 */
const LEGACY_SLOT = Symbol.for('undici.globalDispatcher.1');
const bundledMajor = Number.parseInt(process.versions.undici ?? '', 10);

if ((globalThis as Record<symbol, unknown>)[LEGACY_SLOT] === undefined && bundledMajor < 8 && typeof globalThis.fetch === 'function') {
  // Reading a lazy global such as `Headers` loads Node's bundled undici, whose
  // own global.js then claims the empty slot for the agent `fetch` uses.
  void (globalThis as { Headers?: unknown }).Headers;
}

export {};
