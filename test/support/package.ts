/**
 * The built package as users load it: its root, its entry points by name,
 * and Node child processes (of `process.execPath`, so on whatever Node runs
 * jest) started in the package root, where `require('aspose-cloud-auth')`
 * and `import 'aspose-cloud-auth'` resolve to dist/ through the package's own
 * `exports`. Needs `npm run build` first (`npm test` does).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The package's root folder. */
export const root = join(__dirname, '..', '..');

/** package.json's `exports` map. */
export const packageExports = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports;

/** Every entry point by the name an app imports it by: 'aspose-cloud-auth', 'aspose-cloud-auth/nestjs', … */
export const entryPoints = Object.keys(packageExports)
  .filter((k) => k !== './package.json')
  .map((k) => k.replace(/^\./, 'aspose-cloud-auth'));

/** Fails with what to do when dist/ has not been built. */
export function requireBuild(): void {
  if (!existsSync(join(root, 'dist/cjs/index.js')) || !existsSync(join(root, 'dist/esm/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  }
}

/** Runs `node …args` in the package root (30 s at most) and resolves its trimmed standard output. */
export async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: root, timeout: 30_000 });
  return stdout.trim();
}
