/**
 * The ways the proxy is mounted, each proxy suite (test/proxy) running once per
 * mounting: the Express, Koa and Fastify adapters, and `asposeProxyListener`
 * in front of an Express app on the `node:http` server ('express-fast').
 */
export type Framework = MiddlewareFramework | 'fastify' | 'express-fast';

export const FRAMEWORKS: Framework[] = ['express', 'koa', 'fastify', 'express-fast'];

/** The frameworks whose adapters are middleware (test/adapters); Fastify's plugins have their own suite in test/fastify. */
export type MiddlewareFramework = 'express' | 'koa';

export const MIDDLEWARE_FRAMEWORKS: MiddlewareFramework[] = ['express', 'koa'];
