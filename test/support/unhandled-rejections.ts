/**
 * Whether a scenario leaves an unhandled rejection behind, asked where the
 * answer can be "yes".
 *
 * Under Jest a `process.on('unhandledRejection')` listener never hears of
 * anything: Jest takes the event for itself and fails whichever test is
 * running, or loses it between tests. So a check made with such a listener
 * always passes. Instead, each scenario runs in a child of
 * `process.execPath` (./unhandled-rejections.child.cjs) against the built
 * package, where a real listener records every rejection nobody handled, and
 * the test asserts on that list and on what the scenario returned. The
 * scenarios are plain CommonJS modules exporting `async (helpers, arg) => result`.
 *
 * Needs `npm run build` first (`npm test` does).
 */
import { join } from 'node:path';
import { node, requireBuild } from './package';

const RUNNER = join(__dirname, 'unhandled-rejections.child.cjs');

/** A rejection nobody handled, as the child saw it. */
export interface Unhandled {
  name?: string;
  code?: string;
  message?: string;
}

export interface ScenarioOutcome<T> {
  /** Every rejection nobody handled, in order. */
  unhandled: Unhandled[];
  /** What the scenario returned (JSON). */
  result: T;
}

/** Runs `name` from the scenarios module `file` in a child process; see the file comment. */
export async function runScenario<T = any>(file: string, name: string, arg?: unknown): Promise<ScenarioOutcome<T>> {
  requireBuild();
  return JSON.parse(await node([RUNNER, file, name, ...(arg === undefined ? [] : [JSON.stringify(arg)])])) as ScenarioOutcome<T>;
}
