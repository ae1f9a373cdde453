// rate-limiter-flexible's own types describe its index only; the proxy imports
// the in-memory limiter's own file, which loads in about 3 ms where the index
// (every store: Redis, Mongo, SQL, cluster, …) takes about 20.
declare module 'rate-limiter-flexible/lib/RateLimiterMemory.js' {
  import { RateLimiterMemory } from 'rate-limiter-flexible';
  export default RateLimiterMemory;
}
