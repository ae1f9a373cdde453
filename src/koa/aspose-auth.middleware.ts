import type { Middleware, Next, ParameterizedContext } from 'koa';
import type { AsposeClient, AsposeClientOptions } from '../http/aspose-client.js';
import { sharedClient } from '../http/shared-client.js';

declare module 'koa' {
  interface DefaultState {
    /**
     * The app's one shared {@link AsposeClient}, put here by `asposeAuth()`.
     * Every request gets the same instance, so they share one token.
     */
    aspose: AsposeClient;
  }
}

/** The middleware `asposeAuth()` returns, with the client it hands out. */
export interface AsposeAuthMiddleware extends Middleware {
  /** The shared client, for use outside requests and for `await client.close()` at shutdown. */
  readonly client: AsposeClient;
}

/**
 * Koa middleware that puts one shared {@link AsposeClient} at
 * `ctx.state.aspose`.
 *
 * ```ts
 * app.use(asposeAuth(client));
 * app.use(async (ctx) => {
 *   ctx.body = await ctx.state.aspose.get('/v4.0/words/report.docx');
 * });
 * ```
 *
 * The client is built once, here, and not per request: every request shares
 * its cached token, its single-flight refresh and its sockets. Pass an
 * existing client, options to build one, or nothing to read the `ASPOSE_*`
 * environment variables. Close it at shutdown with
 * `await middleware.client.close()` (a client you passed in stays yours to close).
 *
 * @throws {AsposeConfigError} at once, naming every missing or malformed option.
 */
export function asposeAuth(clientOrOptions?: AsposeClient | AsposeClientOptions): AsposeAuthMiddleware {
  const client = sharedClient(clientOrOptions);
  const middleware = function asposeAuth(ctx: ParameterizedContext, next: Next): Promise<unknown> {
    ctx.state.aspose = client;
    return next();
  };
  return Object.defineProperty(middleware, 'client', { value: client, enumerable: true }) as AsposeAuthMiddleware;
}
