/**
 * Fleet mode on Redis or Valkey: `redisTokenStore(client)` for the `store`
 * option, over a connected `redis`, `ioredis` or `iovalkey` client.
 *
 * @packageDocumentation
 */
export { redisTokenStore, type RedisTokenStoreOptions, type RedisLikeClient } from './redis-token-store.js';
