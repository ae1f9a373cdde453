// The Koa examples (`<!-- context: koa -->` before the block): a Koa app, its
// shared client, and Koa's flavour of the names the default context gives
// Express's.
import type Koa from 'koa';
import type { AsposeClient } from 'aspose-cloud-auth';

export { asposeAuth, asposeProxy } from 'aspose-cloud-auth/koa';

/** The Koa application. */
export declare const app: Koa;
/** The application's one shared client. */
export declare const client: AsposeClient;
/** The application's own authentication, as Koa middleware. */
export declare const requireUser: Koa.Middleware;
