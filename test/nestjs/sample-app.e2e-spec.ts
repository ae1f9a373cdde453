import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TokenService } from 'aspose-cloud-auth';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { AppModule } from '../../sample/nestjs/src/app.module';
import { runDemo } from '../../sample/nestjs/src/demo';
import { asposeVariables, useEnv } from '../support/env';

/**
 * The sample app `npm start` runs (sample/nestjs), booted here from its own
 * AppModule against the stand-in, so that the sample cannot rot unnoticed.
 */
let standIn: AsposeStandIn;
let app: INestApplication;
const setEnv = useEnv();

beforeAll(async () => {
  standIn = await startAsposeStandIn({ documents: 'any' });
});
afterAll(() => standIn.close());
beforeEach(async () => {
  standIn.resetCounters();
  setEnv({
    ...asposeVariables(),
    ASPOSE_CLIENT_ID: standIn.clientId,
    ASPOSE_CLIENT_SECRET: standIn.clientSecret,
    ASPOSE_BASE_URL: standIn.url,
    SAMPLE_DOCUMENT: undefined,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
});
afterEach(() => app.close());

test('the demo run calls both routes, passes the 404 on, and reports one token for every call', async () => {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    await runDemo(await app.getUrl(), app.get(TokenService), standIn);
  } finally {
    log.mockRestore();
  }
  const out = lines.join('\n');
  expect(out).toMatch(/200 GET \/documents\/report\.docx\n.*AsposeClient\n.*"name":"report\.docx","format":"Docx"/);
  expect(out).toMatch(/200 GET \/barcodes\/QR\?text=Hello%20from%20NestJS\n.*AsposeHttpService\n\s+\d+ bytes of image\/svg\+xml/);
  expect(out).toMatch(/404 GET \/documents\/missing-file\.docx\n.*\n.*"code":"ERR_ASPOSE_API","asposeCode":"ErrorItemNotFound","asposeRequestId":"/);
  expect(out).toMatch(/200 GET \/health\n.*\n.*"status":"ok","info":\{"aspose":\{"auth":"client_credentials","tokenExpiresAt":"[^"]+","status":"up"\}\}/);
  expect(out).toContain('statuses: 12 × 200');
  expect(out).toContain('Tokens: 1 token served all 15 Aspose API calls (token endpoint requests: 1,');
  expect(out).toContain('Stand-in saw: 1 token request, 15 API calls, 0 answered 401.');
  expect(standIn.tokenRequests).toBe(1);
  expect(out).not.toContain(standIn.clientSecret);
});

test('a BarCode error from Aspose keeps its status and body through the AsposeHttpService route', async () => {
  standIn.failApi(503, { requestId: 'r-1', error: { code: 'ServiceBusy', message: 'try again later' } });
  const url = await app.getUrl();
  const res = await fetch(`${url}/barcodes/QR?text=busy`, { headers: { connection: 'close' } });
  expect(res.status).toBe(503);
  expect(await res.json()).toMatchObject({ error: { code: 'ServiceBusy' } });
  const empty = await fetch(`${url}/barcodes/QR?text=`, { headers: { connection: 'close' } });
  expect(empty.status).toBe(400);
});
