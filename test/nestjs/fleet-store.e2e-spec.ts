/**
 * Fleet mode in Nest: the store configured through `forRootAsync`, injecting
 * the application's own Redis client (node-redis or ioredis), as docs/fleet.md
 * shows. Two Nest applications stand for two processes sharing a real Redis.
 */
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { AsposeClient } from 'aspose-cloud-auth';
import { AsposeAuthModule } from 'aspose-cloud-auth/nestjs';
import { redisTokenStore, type RedisLikeClient } from 'aspose-cloud-auth/redis';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { REDIS_SERVER, RedisServer } from '../support/redis-server';

const REDIS = Symbol('REDIS');
const describeRedis = REDIS_SERVER ? describe : describe.skip;

/** The application's Redis module, as an app would have it: one connected client, closed on shutdown. */
function redisModule(lib: 'redis' | 'ioredis', url: string) {
  @Global()
  @Module({
    providers: [
      {
        provide: REDIS,
        useFactory: async (): Promise<RedisLikeClient & { close(): unknown }> => {
          if (lib === 'redis') {
            const c = await createClient({ url }).connect();
            return Object.assign(c, { close: () => c.destroy() });
          }
          const c = new Redis(url, { lazyConnect: true });
          await c.connect();
          return Object.assign(c, { close: () => c.disconnect() });
        },
      },
    ],
    exports: [REDIS],
  })
  class RedisModule implements OnApplicationShutdown {
    constructor(@Inject(REDIS) private readonly redis: { close(): unknown }) {}
    onApplicationShutdown() {
      this.redis.close();
    }
  }
  return RedisModule;
}

describeRedis('AsposeAuthModule.forRootAsync with a store on the injected Redis client', () => {
  let redis: RedisServer;
  let standIn: AsposeStandIn;
  beforeAll(async () => {
    redis = await RedisServer.start();
    standIn = await startAsposeStandIn();
    standIn.storage.put('a.docx', 'a');
    standIn.storage.put('b.docx', 'b');
  });
  afterAll(async () => {
    await standIn.close();
    await redis.close();
  });
  beforeEach(() => standIn.resetCounters());

  test.each(['redis', 'ioredis'] as const)('two Nest apps sharing Redis through %s take one token between them', async (lib) => {
    const app = () =>
      Test.createTestingModule({
        imports: [
          redisModule(lib, redis.url),
          AsposeAuthModule.forRootAsync({
            inject: [REDIS],
            useFactory: (client: RedisLikeClient) => ({
              clientId: standIn.clientId,
              clientSecret: standIn.clientSecret,
              baseUrl: standIn.url,
              prefetchToken: true,
              logger: false,
              store: redisTokenStore(client, { keyPrefix: `nest-${lib}:` }),
            }),
          }),
        ],
      }).compile();
    const [a, b] = await Promise.all([app(), app()]);
    try {
      await a.init();
      await b.init();
      expect(standIn.tokenRequests).toBe(1);
      const [x, y] = await Promise.all([a.get(AsposeClient).get('/v4.0/words/a.docx'), b.get(AsposeClient).get('/v4.0/words/b.docx')]);
      expect([x, y]).toEqual([expect.objectContaining({}), expect.objectContaining({})]);
      expect(standIn.tokenRequests).toBe(1);
      expect(b.get(AsposeClient).tokens.stats.fromStore).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
