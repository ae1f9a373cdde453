/**
 * fixtures/products.d.ts is what `openapi-typescript` makes of
 * fixtures/products.openapi.yaml, byte for byte: regenerated here with the
 * same command as `npm run openapi:types`, so the types the type tests and
 * the runtime tests use cannot drift from the description (or from the
 * installed openapi-typescript).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from '../support/package';

const run = promisify(execFile);

test('regenerating the paths type from the test description gives the committed products.d.ts', async () => {
  const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['openapi:types'];
  expect(script).toBe('openapi-typescript test/openapi/fixtures/products.openapi.yaml -o test/openapi/fixtures/products.d.ts');
  const dir = mkdtempSync(join(tmpdir(), 'aspose-openapi-'));
  try {
    const out = join(dir, 'products.d.ts');
    const cli = join(root, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    await run(process.execPath, [cli, 'test/openapi/fixtures/products.openapi.yaml', '-o', out], { cwd: root, timeout: 60_000 });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(root, 'test/openapi/fixtures/products.d.ts'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
