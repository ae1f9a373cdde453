/**
 * `npm run sample:express` and `npm run sample:koa`, run as the README says
 * (the same script, against the built package in dist/), so that neither
 * sample can rot unnoticed. Needs `npm run build` first, as `npm test` does.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../support/package';

function runSample(which: 'express' | 'koa'): Promise<{ code: number | null; out: string }> {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('ASPOSE_')) delete env[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'scripts', 'sample-express-koa.mjs'), which], { cwd: root, env, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe.each([
  ['express', 'Express', 'req.aspose'],
  ['koa', 'Koa', 'ctx.state.aspose'],
] as const)('npm run sample:%s', (which, name, clientOn) => {
  test('runs against the local stand-in: own route, proxied calls, every refusal, one token', async () => {
    const { code, out } = await runSample(which);
    expect(out).toContain(`${name} sample on http://127.0.0.1:`);
    expect(out).toMatch(
      new RegExp(
        `^200 +GET +/api/documents/report\\.docx +\\(own route using ${clientOn.replace(/\./g, '\\.')}\\)\\n +\\{"name":"report\\.docx","format":"Docx"\\}`,
        'm',
      ),
    );
    expect(out).toMatch(/^200 +GET +\/aspose\/v4\.0\/words\/report\.docx +\(proxied Words call\)/m);
    expect(out).toMatch(/^200 +GET +\/aspose\/v4\.0\/barcode\/generate\/QR\?.*\n +\d+ bytes of image\/png/m);
    expect(out).toMatch(/^401 +GET +\/aspose\/v4\.0\/words\/report\.docx +\(proxied call, not signed in\)/m);
    expect(out).toMatch(/^403 +GET +\/aspose\/v4\.0\/cells\/book\.xlsx[^\n]*\n[^\n]*ERR_ASPOSE_PROXY_FORBIDDEN/m);
    expect(out).toMatch(/^403 +POST +\/aspose\/connect\/token[^\n]*\n[^\n]*ERR_ASPOSE_PROXY_TOKEN_ENDPOINT/m);
    expect(out).toMatch(/^400 +GET +\/aspose\/v4\.0\/words\/\.\.%2f[^\n]*\n[^\n]*ERR_ASPOSE_PROXY_BAD_PATH/m);
    expect(out).toContain('(requests to the token endpoint: 1)');
    expect(out).not.toContain('stand-in-client-secret');
    expect(code).toBe(0);
  }, 120_000);
});
