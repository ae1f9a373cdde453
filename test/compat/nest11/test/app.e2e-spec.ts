import { get } from 'node:http';
import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TokenService } from 'aspose-cloud-auth';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { AppModule } from '../src/app.module';

/** GET over a fresh connection (no keep-alive), so nothing outlives the test. */
function fetchText(url: string): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }));
    }).on('error', reject);
  });
}

let standIn: AsposeStandIn;
let app: INestApplication;
let url: string;

beforeAll(async () => {
  standIn = await startAsposeStandIn({ documents: 'any' }); // these apps read arbitrary document names: any but missing… answers
  process.env.ASPOSE_CLIENT_ID = standIn.clientId;
  process.env.ASPOSE_CLIENT_SECRET = standIn.clientSecret;
  process.env.ASPOSE_BASE_URL = standIn.url;
  app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  url = await app.getUrl();
});

afterAll(async () => {
  await app?.close();
  await standIn?.close();
});

test('this is a Nest 11 app loading the CommonJS build', () => {
  const core = JSON.parse(readFileSync(require.resolve('@nestjs/core/package.json'), 'utf8')) as { version: string };
  expect(core.version).toMatch(/^11\./);
  expect(require.resolve('aspose-cloud-auth/nestjs')).toMatch(/[\\/]aspose-cloud-auth[\\/]dist[\\/]cjs[\\/]nestjs[\\/]index\.js$/);
  expect(require.resolve('aspose-cloud-auth/nestjs/terminus')).toMatch(/[\\/]aspose-cloud-auth[\\/]dist[\\/]cjs[\\/]nestjs[\\/]terminus[\\/]index\.js$/);
  const terminus = JSON.parse(readFileSync(require.resolve('@nestjs/terminus/package.json'), 'utf8')) as { version: string };
  expect(terminus.version).toMatch(/^11\./);
});

test('prefetchToken took the token during bootstrap', () => {
  expect(standIn.tokenRequests).toBe(1);
  expect(app.get(TokenService).stats.tokensIssued).toBe(1);
});

test('the AsposeClient route and the AsposeHttpService route both reach the stand-in on one token', async () => {
  const [doc, barcode, missing] = await Promise.all([
    fetchText(`${url}/documents/nest11.docx`),
    fetchText(`${url}/barcodes/QR?data=nest11`),
    fetchText(`${url}/documents/missing.docx`),
  ]);
  expect(doc).toMatchObject({ status: 200, text: JSON.stringify({ fileName: 'nest11.docx' }) });
  expect(barcode.status).toBe(200);
  expect(barcode.type).toMatch(/^image\/svg\+xml/);
  expect(barcode.text).toContain('<title>QR: nest11</title>');
  expect(standIn.tokenRequests).toBe(1);
  expect(standIn.unauthorized).toBe(0);
  // AsposeExceptionFilter: Aspose's 404 reaches the caller as a 404 with Aspose's code.
  expect(missing.status).toBe(404);
  expect(JSON.parse(missing.text)).toMatchObject({ statusCode: 404, code: 'ERR_ASPOSE_API', asposeCode: 'ErrorItemNotFound' });
});

test('Terminus /health reports the Aspose token up, without calling a product API', async () => {
  const calls = standIn.apiRequests;
  const health = await fetchText(`${url}/health`);
  expect(health.status).toBe(200);
  expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', info: { aspose: { status: 'up', auth: 'client_credentials' } } });
  expect(standIn.apiRequests).toBe(calls);
  expect(standIn.tokenRequests).toBe(1);
});

test('Terminus /health reports a lockout down, with when it ends', async () => {
  // A fresh token is needed for the check to consult the token endpoint.
  app.get(TokenService).invalidate();
  standIn.lockOut();
  const health = await fetchText(`${url}/health`);
  expect(health.status).toBe(503);
  expect(JSON.parse(health.text)).toMatchObject({ error: { aspose: { status: 'down', reason: 'rate-limited', code: 'ERR_ASPOSE_AUTH_RATE_LIMITED' } } });
  const locked = await fetchText(`${url}/documents/after-lockout.docx`);
  expect(locked.status).toBe(503);
  expect(JSON.parse(locked.text)).toMatchObject({ code: 'ERR_ASPOSE_AUTH_RATE_LIMITED' });
});
