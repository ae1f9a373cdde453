import type { Middleware, Next, ParameterizedContext } from 'koa';
import { createAsposeProxy, type AsposeProxyOptions } from '../proxy/aspose-proxy.js';

/**
 * Koa middleware that forwards allowed requests under `prefix` to the Aspose
 * API with the server's token, so a browser or mobile app can call Aspose
 * without ever holding the client secret. Other requests go to the next
 * middleware.
 *
 * ```ts
 * app.use(requireUser);
 * app.use(asposeProxy({ client, prefix: '/aspose', allow: ['GET /v4.0/words/'] }));
 * ```
 *
 * Mount it **behind your own authentication** and **before any body parser**
 * (koa-bodyparser reads the body the proxy must stream). It sets
 * `ctx.respond = false` and writes the answer itself, streaming both ways.
 * For a cross-origin front end, mount `@koa/cors` in front of it. With
 * `delegateErrors: true`, refusals and failures are thrown as
 * `AsposeProxyError`s (with `status`, `expose` and `headers`, which
 * `ctx.onerror` uses), with `ctx.respond` back on, instead of answered as
 * JSON.
 *
 * @throws {AsposeConfigError} at once, naming every malformed option or `allow` entry.
 */
export function asposeProxy(options: AsposeProxyOptions): Middleware {
  const proxy = createAsposeProxy(options);
  const client = options.client;
  if (options.delegateErrors === true) {
    return function asposeProxy(ctx: ParameterizedContext, next: Next): Promise<unknown> {
      const target = proxy.match(ctx.req.url);
      if (target === undefined) return next();
      ctx.respond = false;
      return proxy.handle(ctx.req, ctx.res, target, client ?? ctx.state.aspose).then((err) => {
        if (err === undefined) return;
        // Nothing was written: Koa (or your error middleware, which then sets the body) answers.
        ctx.respond = true;
        throw err;
      });
    };
  }
  return function asposeProxy(ctx: ParameterizedContext, next: Next): Promise<unknown> {
    const target = proxy.match(ctx.req.url);
    if (target === undefined) return next();
    ctx.respond = false;
    return proxy.handle(ctx.req, ctx.res, target, client ?? ctx.state.aspose);
  };
}
