import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createAsposeProxy, type AsposeProxyOptions } from '../proxy/aspose-proxy.js';

/**
 * Express middleware that forwards allowed requests to the Aspose API with
 * the server's token, so a browser or mobile app can call Aspose without
 * ever holding the client secret.
 *
 * ```ts
 * app.use('/aspose', requireUser, asposeProxy({ client, allow: ['GET /v4.0/words/', 'POST /v4.0/barcode/generate'] }));
 * ```
 *
 * Mount it **behind your own authentication**: otherwise anyone can spend
 * your account's credits through it. Mount it **before any body parser**
 * (`express.json()` and friends), or scope those to other routes: it streams
 * the body upstream and cannot forward one that was already read.
 *
 * The target is the URL after the mount path (or after `prefix`). What is
 * refused, what is stripped and how failures map to 4xx/5xx is described on
 * {@link AsposeProxyOptions} and in docs/express-koa.md. For a cross-origin
 * front end, mount `cors()` in front of it (and of your authentication, so
 * that it answers preflights). With `delegateErrors: true`, refusals and
 * failures are passed to `next(err)` as `AsposeProxyError`s (with `status`,
 * `statusCode`, `expose` and `headers`) instead of answered as JSON.
 *
 * @throws {AsposeConfigError} at once, naming every malformed option or `allow` entry.
 */
export function asposeProxy(options: AsposeProxyOptions): RequestHandler {
  const proxy = createAsposeProxy(options);
  const client = options.client;
  if (options.delegateErrors === true) {
    // Refusals and failures go to Express's error handling (your error middleware, else finalhandler).
    return function asposeProxy(req: Request, res: Response, next: NextFunction): void {
      const target = proxy.match(req.url);
      if (target === undefined) return next();
      void proxy.handle(req, res, target, client ?? req.aspose).then((err) => {
        if (err !== undefined) next(err);
      });
    };
  }
  return function asposeProxy(req: Request, res: Response, next: NextFunction): void {
    const target = proxy.match(req.url);
    if (target === undefined) return next();
    void proxy.handle(req, res, target, client ?? req.aspose);
  };
}
