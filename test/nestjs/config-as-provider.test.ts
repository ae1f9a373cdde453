import { ConfigModule, registerAs } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { AsposeClient } from 'aspose-cloud-auth';
import { AsposeAuthModule, getAsposeClientToken, type AsposeAuthModuleOptions } from 'aspose-cloud-auth/nestjs';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { asposeVariables, useEnv } from '../support/env';

/**
 * `forRootAsync(asposeConfig.asProvider())`: a `registerAs` namespace of
 * `@nestjs/config`, whose `asProvider()` is `{ imports: [ConfigModule.forFeature(…)],
 * useFactory, inject }`, dropped straight into the module.
 */
let standIn: AsposeStandIn;
const setEnv = useEnv();

beforeAll(async () => {
  standIn = await startAsposeStandIn({ documents: 'any', clientId: 'ns-id', clientSecret: 'ns-secret-8c0e' });
});
afterAll(() => standIn.close());
beforeEach(() => {
  standIn.resetCounters();
  setEnv({ ...asposeVariables(), WORDS_ID: standIn.clientId, WORDS_SECRET: standIn.clientSecret, WORDS_URL: standIn.url });
});

/** The namespace an app would declare in its config folder, read when Nest evaluates it (after the test set the variables). */
const asposeConfig = registerAs('aspose', (): AsposeAuthModuleOptions => ({
  clientId: process.env.WORDS_ID,
  clientSecret: process.env.WORDS_SECRET,
  baseUrl: process.env.WORDS_URL,
  prefetchToken: true,
  logger: false,
}));

test.each([
  ['on its own', []],
  ['beside the app’s ConfigModule.forRoot()', [ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true })]],
])('asProvider() registers the default client, %s', async (_where, imports) => {
  const moduleRef = await Test.createTestingModule({ imports: [...imports, AsposeAuthModule.forRootAsync(asposeConfig.asProvider())] }).compile();
  try {
    await moduleRef.init();
    // prefetchToken came through the namespace: the token was taken at init.
    expect(standIn.tokenRequests).toBe(1);
    const info = await moduleRef.get(AsposeClient).get<{ Document: { FileName: string } }>('/v4.0/words/ns.docx');
    expect(info.Document.FileName).toBe('ns.docx');
    expect(standIn.tokenRequests).toBe(1);
  } finally {
    await moduleRef.close();
  }
});

test('asProvider() with a name and isGlobal: a named client from its own namespace', async () => {
  const ocrConfig = registerAs('aspose-ocr', (): AsposeAuthModuleOptions => ({
    clientId: process.env.WORDS_ID,
    clientSecret: process.env.WORDS_SECRET,
    baseUrl: process.env.WORDS_URL,
    logger: false,
  }));
  const moduleRef = await Test.createTestingModule({
    imports: [
      AsposeAuthModule.forRootAsync(asposeConfig.asProvider()),
      AsposeAuthModule.forRootAsync({ ...ocrConfig.asProvider(), name: 'ocr', isGlobal: true }),
    ],
  }).compile();
  try {
    const ocr = moduleRef.get<AsposeClient>(getAsposeClientToken('ocr'));
    expect(ocr).not.toBe(moduleRef.get(AsposeClient));
    await ocr.get('/v4.0/words/ocr.docx');
    expect(standIn.log.at(-1)).toMatchObject({ path: '/v4.0/words/ocr.docx', authorized: true });
  } finally {
    await moduleRef.close();
  }
});

test('a namespace with a bad value fails the start with one AsposeConfigError naming it', async () => {
  const broken = registerAs('aspose', (): AsposeAuthModuleOptions => ({ clientId: process.env.WORDS_ID, clientSecret: '', baseUrl: 'ftp://nowhere' }));
  const compiled = Test.createTestingModule({ imports: [AsposeAuthModule.forRootAsync(broken.asProvider())] }).compile();
  await expect(compiled).rejects.toMatchObject({ code: 'ERR_ASPOSE_CONFIG', message: expect.stringMatching(/clientSecret[\s\S]*baseUrl/) });
  expect(standIn.tokenRequests).toBe(0);
});
