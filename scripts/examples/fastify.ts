// The Fastify examples (`<!-- context: fastify -->` before the block): a
// Fastify app, its shared client, and Fastify's flavour of the names the
// default context gives Express's.
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { AsposeClient } from 'aspose-cloud-auth';

export { default as Fastify } from 'fastify';
export { asposeAuth, asposeProxy } from 'aspose-cloud-auth/fastify';

/** The Fastify application. */
export declare const app: FastifyInstance;
/** The application's one shared client. */
export declare const client: AsposeClient;
/** The application's own authentication, as a Fastify hook. */
export declare const requireUser: onRequestHookHandler;
