/**
 * Every core code example in README.md, so that `npm run typecheck` proves
 * they compile. (The NestJS and Express/Koa examples live beside their tests.)
 * This file is type-checked, not run.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fetch, request, Agent, interceptors } from 'undici';
import {
  AsposeApiError,
  AsposeAuthRateLimitedError,
  AsposeAuthRefusedError,
  AsposeClient,
  AsposePresets,
  AsposeTimeoutError,
  TokenService,
  asposeAuthInterceptor,
  loadAsposeConfig,
} from 'aspose-cloud-auth';
import { startAsposeStandIn } from 'aspose-cloud-auth/testing';

export async function quickStart(): Promise<void> {
  // README: Quick start: plain Node.js
  const aspose = new AsposeClient({
    clientId: process.env.ASPOSE_CLIENT_ID,
    clientSecret: process.env.ASPOSE_CLIENT_SECRET,
  });

  const info = await aspose.get<{ Document: { FileName: string } }>('/v4.0/words/report.docx', {
    query: { folder: 'reports', storage: 'MyStorage' },
  });
  console.log(info.Document.FileName);

  // Binary answers: request() gives undici's response and never throws on status.
  const res = await aspose.request({ method: 'GET', path: '/v4.0/barcode/generate', query: { barcodeType: 'QR', data: 'hello' } });
  const png = Buffer.from(await res.body.arrayBuffer());
  console.log(res.statusCode, png.length);

  await aspose.close();
}

export async function fromEnvironment(): Promise<void> {
  // README: Configuration from the environment
  const aspose = new AsposeClient(loadAsposeConfig()); // throws one AsposeConfigError naming every bad ASPOSE_* variable
  const ocr = new AsposeClient(loadAsposeConfig(process.env, { prefix: 'ASPOSE_OCR_' }));
  await Promise.all([aspose.close(), ocr.close()]);
}

export function presetsAndModes(): AsposeClient[] {
  // README: Endpoints and modes
  const groupdocs = new AsposeClient({ ...AsposePresets.groupdocs, clientId: 'id', clientSecret: 'secret' });
  const barcode = new AsposeClient({ ...AsposePresets.asposeId, clientId: 'id', clientSecret: 'secret' });
  const container = new AsposeClient({ auth: 'none', baseUrl: 'http://localhost:8080' });
  const fixed = new AsposeClient({ accessToken: process.env.ASPOSE_ACCESS_TOKEN });
  return [groupdocs, barcode, container, fixed];
}

export async function uploads(aspose: AsposeClient): Promise<void> {
  // README: Request bodies and the 401 replay
  await aspose.request({
    method: 'PUT',
    path: '/v4.0/words/storage/file/in/report.docx',
    body: () => createReadStream('report.docx'), // a factory: replayable after a 401
  });

  const form = new FormData();
  form.append('file', new Blob([await readFile('scan.png')]), 'scan.png');
  await aspose.request({ method: 'PUT', path: '/v4.0/words/storage/file/in/scan.png', body: form });
}

/** Stands for any secret store: HashiCorp Vault, AWS Secrets Manager, a mounted file… */
declare const vault: { read(path: string): Promise<string> };

export async function credentialsFromVault(): Promise<void> {
  // README: Credentials from a vault
  const aspose = new AsposeClient({
    clientId: process.env.ASPOSE_CLIENT_ID,
    clientSecret: () => vault.read('aspose/client-secret'), // called before each token request
  });

  // After rotating the secret in the vault, a new token uses it at once:
  await aspose.tokens.getToken({ forceRefresh: true });
  await aspose.close();
}

export async function errors(aspose: AsposeClient): Promise<void> {
  // README: Errors
  try {
    await aspose.get('/v4.0/words/missing.docx');
  } catch (err) {
    if (err instanceof AsposeApiError && err.status === 404) {
      console.log(err.apiCode, err.requestId); // 'ErrorItemNotFound', Aspose's request id
    } else if (err instanceof AsposeAuthRefusedError) {
      console.log(err.oauthError); // 'invalid_client': check the dashboard credentials
    } else if (err instanceof AsposeAuthRateLimitedError) {
      console.log(`no token before ${new Date(err.retryAt!).toISOString()}`); // Retry-After, e.g. Aspose's 10-minute lockout
    } else if (err instanceof AsposeTimeoutError) {
      console.log('slow operation: raise timeoutMs');
    } else {
      throw err;
    }
  }
}

export async function withUndici(): Promise<void> {
  // README: Using undici directly
  const tokens = new TokenService({ clientId: 'id', clientSecret: 'secret' });
  const dispatcher = new Agent().compose(
    asposeAuthInterceptor({ tokens }), // inner: checks the origin on every hop
    interceptors.redirect({ maxRedirections: 3 }), // outer
  );
  const res = await request('https://api.aspose.cloud/v4.0/words/report.docx', { dispatcher });
  console.log(await res.body.json());
  const viaFetch = await fetch('https://api.aspose.cloud/v3.0/pdf/storage/exist/a.pdf', { dispatcher });
  console.log(viaFetch.status);

  const token = await tokens.getToken(); // AccessToken: .value, .tokenType, .expiresAt
  console.log(token.expiresAt, tokens.stats.requests);
  tokens.invalidate(token); // only if still current
  await tokens.close(); // cancels a token request under way, closes its own connections
}

export async function shutdown(aspose: AsposeClient): Promise<void> {
  // README: Timeouts, connections and shutdown
  await aspose.close({ timeoutMs: 10_000 }); // calls still under way after 10 s are aborted (ERR_ASPOSE_ABORTED)
  await aspose.close({ force: true }); // abort them at once
}

export async function testing(): Promise<void> {
  // README: Testing your code
  const standIn = await startAsposeStandIn({ tokenLifetimeSec: 2 });
  const aspose = new AsposeClient({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url });
  await aspose.get('/v4.0/words/a.docx');
  standIn.revoke(); // every issued token now answers 401
  standIn.failToken({ kind: 'status', status: 503, headers: { 'retry-after': '1' } });
  console.log(standIn.tokenRequests, standIn.unauthorized);
  await aspose.close();
  await standIn.close();

  // README: Testing your code, the rate-limit model
  const limited = await startAsposeStandIn({ rateLimit: { maxFailures: 2, lockoutSec: 1 } }); // or rateLimit: false
  limited.lockOut(); // lock the accepted pair out now
  console.log(limited.rateLimitState(), limited.tokenFailures, limited.tokenRateLimited, limited.lockouts);
  await limited.close();
}
