import { Inject, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import { request } from 'undici';
import { AsposeClient, TokenService } from 'aspose-cloud-auth';
import {
  AsposeAuthModule,
  AsposeHttpService,
  InjectAsposeClient,
  InjectAsposeHttpService,
  InjectTokenService,
  getAsposeClientToken,
  type AsposeAuthModuleOptions,
  type AsposeAuthOptionsFactory,
} from 'aspose-cloud-auth/nestjs';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { asposeVariables, useEnv } from '../support/env';
import { sleep } from '../support/polling';

interface DocumentInfo {
  Document: { FileName: string };
}

let standIn: AsposeStandIn;
let moduleRef: TestingModule | undefined;
const setEnv = useEnv();

beforeAll(async () => {
  standIn = await startAsposeStandIn({ documents: 'any', clientId: 'module-client', clientSecret: 'module-secret-1f7c' });
});
afterAll(() => standIn.close());
beforeEach(() => {
  standIn.resetCounters();
  setEnv(asposeVariables());
});
afterEach(async () => {
  await moduleRef?.close();
  moduleRef = undefined;
});

async function compile(imports: unknown[], providers: unknown[] = []): Promise<TestingModule> {
  moduleRef = await Test.createTestingModule({ imports: imports as never[], providers: providers as never[] }).compile();
  await moduleRef.init();
  return moduleRef;
}

function standInEnv(): Record<string, string> {
  return { ASPOSE_CLIENT_ID: standIn.clientId, ASPOSE_CLIENT_SECRET: standIn.clientSecret, ASPOSE_BASE_URL: standIn.url };
}

/** A consumer that takes every provider, both by class and through the decorators. */
@Injectable()
class Consumer {
  constructor(
    readonly client: AsposeClient,
    readonly tokens: TokenService,
    readonly http: AsposeHttpService,
    @InjectAsposeClient() readonly clientByDecorator: AsposeClient,
    @InjectTokenService() readonly tokensByDecorator: TokenService,
    @InjectAsposeHttpService() readonly httpByDecorator: AsposeHttpService,
  ) {}
}

describe('forRootAsync() with no factory reads ASPOSE_* through ConfigService', () => {
  test('the app boots from environment variables alone and calls the API', async () => {
    setEnv(standInEnv());
    const app = await compile([AsposeAuthModule.forRootAsync()]);
    const info = await app.get(AsposeClient).get<DocumentInfo>('/v4.0/words/from-env.docx');
    expect(info.Document.FileName).toBe('from-env.docx');
    expect(standIn.tokenRequests).toBe(1);
  });

  test('values loaded by ConfigModule.forRoot({ load }) are seen, not only process.env', async () => {
    const config = () => standInEnv();
    const app = await compile([ConfigModule.forRoot({ ignoreEnvFile: true, load: [config] }), AsposeAuthModule.forRootAsync()]);
    expect(process.env.ASPOSE_CLIENT_ID).toBeUndefined();
    const info = await app.get(AsposeClient).get<DocumentInfo>('/v4.0/words/from-load.docx');
    expect(info.Document.FileName).toBe('from-load.docx');
  });

  test('envPrefix selects another set of variables', async () => {
    setEnv({ BILLING_ASPOSE_CLIENT_ID: standIn.clientId, BILLING_ASPOSE_CLIENT_SECRET: standIn.clientSecret, BILLING_ASPOSE_BASE_URL: standIn.url });
    const app = await compile([AsposeAuthModule.forRootAsync({ envPrefix: 'BILLING_ASPOSE_' })]);
    expect(app.get(AsposeClient).baseUrl).toBe(standIn.url);
    await app.get(AsposeClient).get('/v4.0/words/prefixed.docx');
    expect(standIn.tokenRequests).toBe(1);
  });
});

describe('every provider is injectable, and all of them share one TokenService', () => {
  test('by class and by decorator, the client, token service and HTTP service are the same objects', async () => {
    setEnv(standInEnv());
    const app = await compile([AsposeAuthModule.forRootAsync()], [Consumer]);
    const c = app.get(Consumer);
    expect(c.client).toBeInstanceOf(AsposeClient);
    expect(c.tokens).toBeInstanceOf(TokenService);
    expect(c.http).toBeInstanceOf(AsposeHttpService);
    expect(c.clientByDecorator).toBe(c.client);
    expect(c.tokensByDecorator).toBe(c.tokens);
    expect(c.httpByDecorator).toBe(c.http);
    expect(c.client.tokens).toBe(c.tokens);
    expect(c.http.client).toBe(c.client);
    expect(app.get(getAsposeClientToken())).toBe(c.client);
  });

  test('calls through the client, the HTTP service and the dispatcher all ride one token', async () => {
    setEnv(standInEnv());
    const app = await compile([AsposeAuthModule.forRootAsync()], [Consumer]);
    const c = app.get(Consumer);
    const viaDispatcher = async (i: number) => {
      const res = await request(`${standIn.url}/v4.0/words/d${i}.docx`, { dispatcher: c.client.dispatcher });
      return (await res.body.json()) as DocumentInfo;
    };
    const results = await Promise.all([
      ...[1, 2, 3].map((i) => c.client.get<DocumentInfo>(`/v4.0/words/c${i}.docx`)),
      ...[1, 2, 3].map((i) => firstValueFrom(c.http.getData<DocumentInfo>(`/v4.0/words/h${i}.docx`))),
      ...[1, 2, 3].map(viaDispatcher),
    ]);
    expect(results.map((r) => r.Document.FileName)).toEqual(['c1', 'c2', 'c3', 'h1', 'h2', 'h3', 'd1', 'd2', 'd3'].map((n) => `${n}.docx`));
    const token = await c.tokens.getToken();
    expect(token.value.split('.')).toHaveLength(3);
    expect(standIn.tokenRequests).toBe(1);
    expect(standIn.apiRequests).toBe(9);
    expect(standIn.unauthorized).toBe(0);
    expect(c.tokens.stats).toMatchObject({ requests: 1, tokensIssued: 1 });
  });
});

describe('forRootAsync() with a factory', () => {
  @Injectable()
  class AsposeOptions implements AsposeAuthOptionsFactory {
    static created = 0;
    constructor() {
      AsposeOptions.created++;
    }
    createAsposeAuthOptions(): AsposeAuthModuleOptions {
      return { clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url };
    }
  }

  @Module({ providers: [AsposeOptions], exports: [AsposeOptions] })
  class OptionsModule {}

  test('useFactory gets its inject list from its imports', async () => {
    const app = await compile([
      AsposeAuthModule.forRootAsync({
        imports: [
          ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ aspose: { id: standIn.clientId, secret: standIn.clientSecret, url: standIn.url } })] }),
        ],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          clientId: config.getOrThrow<string>('aspose.id'),
          clientSecret: config.getOrThrow<string>('aspose.secret'),
          baseUrl: config.getOrThrow<string>('aspose.url'),
        }),
      }),
    ]);
    expect((await app.get(AsposeClient).get<DocumentInfo>('/v4.0/words/factory.docx')).Document.FileName).toBe('factory.docx');
  });

  test('an async useFactory is awaited before the client is built', async () => {
    const app = await compile([
      AsposeAuthModule.forRootAsync({
        useFactory: async () => {
          await sleep(20);
          return { clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url };
        },
      }),
    ]);
    expect(app.get(AsposeClient).baseUrl).toBe(standIn.url);
  });

  test('useClass instantiates the factory class inside the module', async () => {
    AsposeOptions.created = 0;
    const app = await compile([AsposeAuthModule.forRootAsync({ useClass: AsposeOptions })]);
    expect(AsposeOptions.created).toBe(1);
    await app.get(AsposeClient).get('/v4.0/words/use-class.docx');
    expect(standIn.tokenRequests).toBe(1);
  });

  test('useExisting reuses a factory provider from an imported module', async () => {
    AsposeOptions.created = 0;
    const app = await compile([AsposeAuthModule.forRootAsync({ imports: [OptionsModule], useExisting: AsposeOptions })]);
    expect(AsposeOptions.created).toBe(1);
    expect(app.get(AsposeClient).baseUrl).toBe(standIn.url);
    await app.get(AsposeClient).get('/v4.0/words/use-existing.docx');
    expect(standIn.tokenRequests).toBe(1);
  });

  test('envPrefix or prefetchToken next to a factory is refused: the factory owns the options', () => {
    const useFactory = () => ({});
    expect(() => AsposeAuthModule.forRootAsync({ useFactory, envPrefix: 'X_' })).toThrow(/envPrefix applies only without useFactory/);
    expect(() => AsposeAuthModule.forRootAsync({ useClass: AsposeOptions, prefetchToken: true })).toThrow(
      /set prefetchToken in the options the factory returns/,
    );
  });
});

describe('forRoot() and isGlobal', () => {
  test('forRoot(options) registers a client from options known up front', async () => {
    const app = await compile([AsposeAuthModule.forRoot({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url })]);
    expect((await app.get(AsposeClient).get<DocumentInfo>('/v4.0/words/static.docx')).Document.FileName).toBe('static.docx');
  });

  test('isGlobal lets a feature module inject the client without importing the module', async () => {
    @Injectable()
    class Feature {
      constructor(@Inject(AsposeClient) readonly client: AsposeClient) {}
    }
    @Module({ providers: [Feature], exports: [Feature] })
    class FeatureModule {}

    const opts = { clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url };
    const app = await compile([AsposeAuthModule.forRoot({ ...opts, isGlobal: true }), FeatureModule]);
    expect(app.get(Feature).client).toBe(app.get(AsposeClient));

    await moduleRef!.close();
    moduleRef = undefined;
    await expect(Test.createTestingModule({ imports: [AsposeAuthModule.forRoot(opts), FeatureModule] }).compile()).rejects.toThrow(
      /can't resolve dependencies of the Feature/i,
    );
  });
});
