import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AsposeClient, AsposeClientOptions } from '../http/aspose-client.js';
import { sharedClient } from '../http/shared-client.js';

declare global {
  namespace Express {
    interface Request {
      /**
       * The app's one shared {@link AsposeClient}, put here by `asposeAuth()`.
       * Every request gets the same instance, so they share one token.
       */
      aspose: AsposeClient;
    }
  }
}

/** The middleware `asposeAuth()` returns, with the client it hands out. */
export interface AsposeAuthMiddleware extends RequestHandler {
  /** The shared client, for use outside requests and for `await client.close()` at shutdown. */
  readonly client: AsposeClient;
}

/**
 * Express middleware that puts one shared {@link AsposeClient} at
 * `req.aspose`.
 *
 * ```ts
 * app.use(asposeAuth({ clientId, clientSecret }));
 * app.get('/documents/:name', async (req, res) => {
 *   res.json(await req.aspose.get(`/v4.0/words/${encodeURIComponent(req.params.name)}`));
 * });
 * ```
 *
 * The client is built once, here, and not per request: every request shares
 * its cached token, its single-flight refresh and its sockets. Pass an
 * existing client to share it with the rest of the app, options to build
 * one, or nothing to read the `ASPOSE_*` environment variables. Close it at
 * shutdown with `await middleware.client.close()` (a client you passed in
 * stays yours to close).
 *
 * @throws {AsposeConfigError} at once, naming every missing or malformed option.
 */
export function asposeAuth(clientOrOptions?: AsposeClient | AsposeClientOptions): AsposeAuthMiddleware {
  const client = sharedClient(clientOrOptions);
  const middleware = function asposeAuth(req: Request, _res: Response, next: NextFunction): void {
    req.aspose = client;
    next();
  };
  return Object.defineProperty(middleware, 'client', { value: client, enumerable: true }) as AsposeAuthMiddleware;
}
