import { readFileSync } from 'node:fs';
import { INestApplication } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import request from 'supertest';
import { App } from 'supertest/types.js';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { AppModule } from './../src/app.module.js';

// The template's e2e test, with the app's AsposeAuthModule.forRootAsync() reading
// the stand-in's credentials from the environment through @nestjs/config 12.
describe('AppController (e2e)', () => {
  let standIn: AsposeStandIn;
  let app: INestApplication<App>;

  beforeEach(async () => {
    standIn = await startAsposeStandIn({ documents: 'any' }); // these apps read arbitrary document names: any but missing… answers
    process.env.ASPOSE_CLIENT_ID = standIn.clientId;
    process.env.ASPOSE_CLIENT_SECRET = standIn.clientSecret;
    process.env.ASPOSE_BASE_URL = standIn.url;
    const moduleFixture: TestingModule = await Test.createTestingModule({
      imports: [AppModule],
    }).compile();

    app = moduleFixture.createNestApplication({ logger: ['error', 'warn'] });
    await app.init();
  });

  it('is a Nest 12 app, ES modules only, loading the ESM build', () => {
    const core = JSON.parse(readFileSync(new URL('../node_modules/@nestjs/core/package.json', import.meta.url), 'utf8')) as { version: string; type?: string };
    expect(core.version).toMatch(/^12\./);
    expect(core.type).toBe('module');
    expect(import.meta.resolve('aspose-cloud-auth/nestjs')).toMatch(/\/aspose-cloud-auth\/dist\/esm\/nestjs\/index\.js$/);
  });

  it('took the token at bootstrap (prefetchToken) and serves every route on it', async () => {
    expect(standIn.tokenRequests).toBe(1);
    await request(app.getHttpServer()).get('/reports/report.docx/format').expect(200).expect({ format: 'Docx' });
    await request(app.getHttpServer()).get('/reports/old.doc/format').expect(200).expect({ format: 'Doc' });
    expect(standIn.tokenRequests).toBe(1);
  });

  it('passes an Aspose 404 on as a 404 with Aspose’s code (AsposeExceptionFilter)', async () => {
    const res = await request(app.getHttpServer()).get('/reports/missing.docx/format').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'ERR_ASPOSE_API', asposeCode: 'ErrorItemNotFound' });
  });

  it('reports the Aspose token up on Terminus /health, without a product API call', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { aspose: { status: 'up', auth: 'client_credentials' } } });
    expect(standIn.apiRequests).toBe(0);
    expect(standIn.tokenRequests).toBe(1);
  });

  afterEach(async () => {
    await app?.close();
    await standIn?.close();
  });
});
