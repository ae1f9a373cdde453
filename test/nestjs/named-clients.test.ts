import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import { AsposeClient, TokenService } from 'aspose-cloud-auth';
import {
  AsposeAuthModule,
  AsposeHttpService,
  InjectAsposeClient,
  InjectAsposeHttpService,
  InjectTokenService,
  getAsposeClientToken,
  getAsposeHttpServiceToken,
  getTokenServiceToken,
} from 'aspose-cloud-auth/nestjs';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { asposeVariables, useEnv } from '../support/env';

/**
 * Two products, two accounts: Words on one stand-in with one pair of
 * credentials, OCR on another with different ones. Each stand-in accepts only
 * its own credentials and only the tokens it issued itself.
 */
let words: AsposeStandIn;
let ocr: AsposeStandIn;
let moduleRef: TestingModule | undefined;
const setEnv = useEnv();

beforeAll(async () => {
  words = await startAsposeStandIn({ documents: 'any', clientId: 'words-id', clientSecret: 'words-secret-9a1' });
  ocr = await startAsposeStandIn({ documents: 'any', clientId: 'ocr-id', clientSecret: 'ocr-secret-4b2' });
});
afterAll(async () => {
  await words.close();
  await ocr.close();
});
beforeEach(() => {
  words.resetCounters();
  ocr.resetCounters();
  setEnv(asposeVariables());
});
afterEach(async () => {
  await moduleRef?.close();
  moduleRef = undefined;
});

@Injectable()
class Documents {
  constructor(
    readonly words: AsposeClient,
    @InjectAsposeClient('ocr') readonly ocr: AsposeClient,
    @InjectTokenService('ocr') readonly ocrTokens: TokenService,
    @InjectAsposeHttpService('ocr') readonly ocrHttp: AsposeHttpService,
  ) {}

  async recognize(image: Buffer): Promise<string> {
    const res = await this.ocr.request({ method: 'POST', path: '/v5.0/ocr/RecognizeImage', body: image });
    if (res.statusCode !== 200) throw new Error(`OCR answered ${res.statusCode}`);
    const id = await res.body.text();
    const result = await firstValueFrom(this.ocrHttp.getData<{ results: { data: string }[] }>('/v5.0/ocr/RecognizeImage', { query: { id } }));
    return Buffer.from(result.results[0].data, 'base64').toString('utf8');
  }
}

function expectIndependent(app: TestingModule): void {
  const d = app.get(Documents);
  expect(d.ocr).not.toBe(d.words);
  expect(d.ocrTokens).not.toBe(d.words.tokens);
  expect(d.ocrTokens).toBe(d.ocr.tokens);
  expect(d.ocrHttp.client).toBe(d.ocr);
  expect(app.get(getAsposeClientToken('ocr'))).toBe(d.ocr);
  expect(app.get(getTokenServiceToken('ocr'))).toBe(d.ocrTokens);
  expect(app.get(getAsposeHttpServiceToken('ocr'))).toBe(d.ocrHttp);
}

async function useBoth(app: TestingModule): Promise<void> {
  const d = app.get(Documents);
  const [info, text] = await Promise.all([d.words.get<{ Document: { FileName: string } }>('/v4.0/words/contract.docx'), d.recognize(Buffer.alloc(2048))]);
  expect(info.Document.FileName).toBe('contract.docx');
  expect(text).toBe('Recognized 2048 bytes of image');
  // Each stand-in saw one token request and no call it could not authenticate:
  // no token (and no secret) crossed from one client to the other.
  expect({ words: words.tokenRequests, ocr: ocr.tokenRequests }).toEqual({ words: 1, ocr: 1 });
  expect({ words: words.unauthorized, ocr: ocr.unauthorized }).toEqual({ words: 0, ocr: 0 });
  expect({ words: words.apiRequests, ocr: ocr.apiRequests }).toEqual({ words: 1, ocr: 2 });
}

test('forRootAsync() twice: the default client from ASPOSE_*, the "ocr" client from ASPOSE_OCR_*', async () => {
  setEnv({
    ASPOSE_CLIENT_ID: words.clientId,
    ASPOSE_CLIENT_SECRET: words.clientSecret,
    ASPOSE_BASE_URL: words.url,
    ASPOSE_OCR_CLIENT_ID: ocr.clientId,
    ASPOSE_OCR_CLIENT_SECRET: ocr.clientSecret,
    ASPOSE_OCR_BASE_URL: ocr.url,
  });
  moduleRef = await Test.createTestingModule({
    imports: [AsposeAuthModule.forRootAsync(), AsposeAuthModule.forRootAsync({ name: 'ocr' })],
    providers: [Documents],
  }).compile();
  await moduleRef.init();
  expectIndependent(moduleRef);
  expect(moduleRef.get(AsposeClient).baseUrl).toBe(words.url);
  expect(moduleRef.get(getAsposeClientToken('ocr')).baseUrl).toBe(ocr.url);
  await useBoth(moduleRef);
});

test('forRoot() and forRootAsync() mixed: a named forRoot beside a default from a factory', async () => {
  moduleRef = await Test.createTestingModule({
    imports: [
      AsposeAuthModule.forRootAsync({ useFactory: () => ({ clientId: words.clientId, clientSecret: words.clientSecret, baseUrl: words.url }) }),
      AsposeAuthModule.forRoot({ name: 'ocr', clientId: ocr.clientId, clientSecret: ocr.clientSecret, baseUrl: ocr.url }),
    ],
    providers: [Documents],
  }).compile();
  await moduleRef.init();
  expectIndependent(moduleRef);
  await useBoth(moduleRef);
});

test('closing the app closes both clients', async () => {
  moduleRef = await Test.createTestingModule({
    imports: [
      AsposeAuthModule.forRoot({ clientId: words.clientId, clientSecret: words.clientSecret, baseUrl: words.url }),
      AsposeAuthModule.forRoot({ name: 'ocr', clientId: ocr.clientId, clientSecret: ocr.clientSecret, baseUrl: ocr.url }),
    ],
    providers: [Documents],
  }).compile();
  await moduleRef.init();
  const d = moduleRef.get(Documents);
  await moduleRef.close();
  moduleRef = undefined;
  expect(d.words.tokens.closed).toBe(true);
  expect(d.ocr.tokens.closed).toBe(true);
});

test('a named client is not injectable by class, and an empty name is refused', () => {
  expect(getAsposeClientToken('ocr')).not.toBe(AsposeClient);
  expect(getAsposeClientToken()).toBe(AsposeClient);
  expect(getTokenServiceToken()).toBe(TokenService);
  expect(getAsposeHttpServiceToken()).toBe(AsposeHttpService);
  expect(() => AsposeAuthModule.forRoot({ name: '', clientId: 'a', clientSecret: 'b' })).toThrow(/non-empty string/);
});
