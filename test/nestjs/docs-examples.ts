/**
 * Every code example in docs/nestjs.md, so that `npm run typecheck` proves
 * they compile. This file is type-checked, not run. Keep the two in step: each
 * block below names its section.
 */
import { Controller, Get, Injectable, Module, Param } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { lastValueFrom, timeout, type Observable } from 'rxjs';
import { AsposeClient, AsposePresets, TokenService } from 'aspose-cloud-auth';
import {
  AsposeAuthModule,
  AsposeHttpService,
  InjectAsposeClient,
  InjectTokenService,
  getAsposeClientToken,
  type AsposeAuthModuleOptions,
  type AsposeAuthOptionsFactory,
} from 'aspose-cloud-auth/nestjs';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';

// --- Quick start (README.md: Quick start: NestJS, with the same code) ----------
export namespace QuickStart {
  @Module({
    imports: [AsposeAuthModule.forRootAsync()], // reads ASPOSE_CLIENT_ID and ASPOSE_CLIENT_SECRET
  })
  export class AppModule {}

  @Injectable()
  export class ReportsService {
    constructor(private readonly aspose: AsposeClient) {}

    async format(name: string): Promise<string> {
      const info = await this.aspose.get<{ Document: { SourceFormat: string } }>(`/v4.0/words/${encodeURIComponent(name)}`);
      return info.Document.SourceFormat;
    }
  }
}

// --- Configuration from .env and validation ---------------------------------
export namespace WithConfigModule {
  @Module({
    imports: [ConfigModule.forRoot({ isGlobal: true }), AsposeAuthModule.forRootAsync()],
  })
  export class AppModule {}
}

// --- Options from code: forRoot and forRootAsync ------------------------------
export namespace FromCode {
  export const fixed = AsposeAuthModule.forRoot({
    clientId: 'your-client-id',
    clientSecret: 'your-client-secret',
    timeoutMs: 30_000,
  });

  export const fromFactory = AsposeAuthModule.forRootAsync({
    imports: [ConfigModule],
    inject: [ConfigService],
    useFactory: (config: ConfigService): AsposeAuthModuleOptions => ({
      ...AsposePresets.asposeId, // the token endpoint the BarCode SDKs use
      clientId: config.getOrThrow('BARCODE_CLIENT_ID'),
      clientSecret: config.getOrThrow('BARCODE_CLIENT_SECRET'),
      prefetchToken: true,
    }),
  });

  /** Your secret store, for instance. */
  @Injectable()
  export class Vault {
    async read(key: string): Promise<string> {
      return key;
    }
  }

  @Injectable()
  export class AsposeOptions implements AsposeAuthOptionsFactory {
    constructor(private readonly vault: Vault) {}

    async createAsposeAuthOptions(): Promise<AsposeAuthModuleOptions> {
      return { clientId: await this.vault.read('aspose/id'), clientSecret: await this.vault.read('aspose/secret') };
    }
  }

  @Module({ providers: [Vault], exports: [Vault] })
  export class VaultModule {}

  export const fromClass = AsposeAuthModule.forRootAsync({ imports: [VaultModule], useClass: AsposeOptions });
}

// --- Named clients -------------------------------------------------------------
export namespace NamedClients {
  @Module({
    imports: [
      AsposeAuthModule.forRootAsync(), // the default client: ASPOSE_*
      AsposeAuthModule.forRootAsync({ name: 'ocr' }), // ASPOSE_OCR_CLIENT_ID, ASPOSE_OCR_CLIENT_SECRET…
    ],
  })
  export class AppModule {}

  @Injectable()
  export class ScanService {
    constructor(
      private readonly words: AsposeClient, // the default client, by class
      @InjectAsposeClient('ocr') private readonly ocr: AsposeClient,
      @InjectTokenService('ocr') private readonly ocrTokens: TokenService,
    ) {}

    async recognize(image: Buffer): Promise<string> {
      const res = await this.ocr.request({ method: 'POST', path: '/v5.0/ocr/RecognizeImage', body: image });
      return res.body.text(); // the task id
    }

    ocrTokenRequests(): number {
      return this.ocrTokens.stats.requests;
    }

    wordsBaseUrl(): string {
      return this.words.baseUrl;
    }
  }

  /** In a factory provider, or with moduleRef.get(): */
  export const ocrGateway = {
    provide: 'OCR_GATEWAY',
    useFactory: (ocr: AsposeClient) => ({ recognize: (image: Buffer) => ocr.request({ method: 'POST', path: '/v5.0/ocr/RecognizeImage', body: image }) }),
    inject: [getAsposeClientToken('ocr')],
  };
}

// --- AsposeHttpService ---------------------------------------------------------
export namespace HttpService {
  @Controller('documents')
  export class DocumentsController {
    constructor(private readonly http: AsposeHttpService) {}

    @Get(':name')
    info(@Param('name') name: string): Observable<{ Document: { FileName: string } }> {
      // timeout() unsubscribes, and unsubscribing aborts the call to Aspose.
      return this.http.get<{ Document: { FileName: string } }>(`/v4.0/words/${encodeURIComponent(name)}`).pipe(timeout(10_000));
    }
  }

  export async function barcodeSvg(http: AsposeHttpService): Promise<string> {
    const res = await lastValueFrom(http.request({ path: '/v4.0/barcode/generate/QR', query: { data: 'Hello', imageFormat: 'Svg' } }));
    return res.body.text();
  }
}

// --- prefetchToken -------------------------------------------------------------
export namespace Prefetch {
  @Module({ imports: [AsposeAuthModule.forRootAsync({ prefetchToken: true })] })
  export class AppModule {}

  export async function bootstrap(): Promise<void> {
    const app = await NestFactory.create(AppModule);
    app.enableShutdownHooks(); // SIGTERM closes the app, and with it the Aspose client
    await app.listen(3000); // with wrong credentials this rejects, before the port opens
  }
}

// --- Testing your app against the stand-in -----------------------------------
export namespace Testing {
  export async function example(): Promise<void> {
    const standIn = await startAsposeStandIn();
    const moduleRef = await Test.createTestingModule({
      imports: [AsposeAuthModule.forRoot({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url })],
      providers: [QuickStart.ReportsService],
    }).compile();
    const reports = moduleRef.get(QuickStart.ReportsService);
    console.log(await reports.format('report.docx'), standIn.tokenRequests); // Docx 1
    await moduleRef.close();
    await standIn.close();
  }
}

// --- Testing a Nest 12 app with vitest (and jest): the spec --------------------
// Wrapped in a function so that type-checking this file registers no tests.
export namespace Nest12Spec {
  const ReportsService = QuickStart.ReportsService;

  export function spec(): void {
    describe('ReportsService', () => {
      let standIn: AsposeStandIn;
      let moduleRef: TestingModule;

      beforeEach(async () => {
        standIn = await startAsposeStandIn();
        moduleRef = await Test.createTestingModule({
          imports: [AsposeAuthModule.forRoot({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url })],
          providers: [ReportsService],
        }).compile();
      });

      afterEach(async () => {
        await moduleRef.close(); // closes the client: nothing left open
        await standIn.close();
      });

      it('reads the document format, all calls on one token', async () => {
        const reports = moduleRef.get(ReportsService);
        expect(await Promise.all([reports.format('a.docx'), reports.format('b.doc')])).toEqual(['Docx', 'Doc']);
        expect(standIn.tokenRequests).toBe(1);
      });
    });
  }
}
