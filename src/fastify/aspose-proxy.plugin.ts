import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { AsposeConfigError } from '../errors/errors.js';
import { createAsposeProxy, type AsposeProxyOptions } from '../proxy/aspose-proxy.js';
import { fastifyPlugin } from './plugin-meta.js';

/** A body parser that reads nothing: the proxy streams `request.raw` upstream itself. */
function leaveBodyUnread(_request: FastifyRequest, _payload: unknown, done: (err: Error | null, body?: unknown) => void): void {
  done(null);
}

/**
 * Fastify plugin that forwards allowed requests under its prefix to the
 * Aspose API with the server's token, so a browser or mobile app can call
 * Aspose without ever holding the client secret.
 *
 * ```ts
 * await app.register(asposeAuth, { client });
 * await app.register(async (scope) => {
 *   scope.addHook('onRequest', requireUser); // your authentication, in front of the proxy
 *   await scope.register(asposeProxy, { prefix: '/aspose', allow: ['GET /v4.0/words/', 'POST /v4.0/barcode/generate'] });
 * });
 * ```
 *
 * It serves `{prefix}` and `{prefix}/*` for every method Fastify routes,
 * in its own encapsulated scope, with the same rules as the Express and Koa
 * proxies on the same framework-neutral core: the target is cut from the
 * **raw** URL (not Fastify's decoded one), so the path guard sees what the
 * caller sent. Every hook of the scopes around it runs first (`onRequest`,
 * `preParsing`, `preValidation`, `preHandler`): put your authentication in
 * any of them. In its own scope, a body parser that reads nothing replaces
 * every parser, so the body is streamed upstream as it arrives, never
 * buffered; the reply is hijacked and written by the proxy, streaming too.
 * Refusals and failures are its own JSON answers (see
 * {@link AsposeProxyOptions}), never Fastify's error handler, unless
 * `delegateErrors` is set: then those that come before the answer starts
 * are thrown to Fastify's error handler (`setErrorHandler`, or Fastify's
 * default, which uses their `statusCode` and `headers`).
 *
 * The client is `client` if given, else the one `asposeAuth` put on the
 * request. `prefix` is Fastify's own register prefix, combined with the
 * prefixes of the scopes around it; it must be literal (no `:param`).
 *
 * @throws {AsposeConfigError} at registration (from `register()`, `ready()`
 *   or `listen()`), naming every malformed option or `allow` entry.
 */
export const asposeProxy: FastifyPluginCallback<AsposeProxyOptions> = fastifyPlugin(
  function asposeProxy(fastify: FastifyInstance, options: AsposeProxyOptions, done: (err?: Error) => void): void {
    // The full prefix: Fastify's own, the scopes' around it included. The proxy matches it on the raw URL.
    const prefix = fastify.prefix;
    if (/[:*]/.test(prefix)) {
      done(
        new AsposeConfigError(
          [
            {
              option: 'prefix',
              problem: `(${JSON.stringify(prefix)} with the prefixes of the scopes around it) must be a literal path: the proxy matches it on the raw URL, so it cannot hold route parameters or wildcards`,
            },
          ],
          { source: 'asposeProxy (Fastify) options' },
        ),
      );
      return;
    }
    let proxy: ReturnType<typeof createAsposeProxy>;
    try {
      proxy = createAsposeProxy({ ...options, prefix: prefix === '' ? undefined : prefix });
    } catch (err) {
      done(err as Error);
      return;
    }
    const client = options.client;

    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', leaveBodyUnread);

    /**
     * Headers that hooks in front set on the reply (`@fastify/cors` in its
     * `onRequest` hook, say) live on the reply, not on Node's response the
     * proxy writes: carry them over, so that the proxy's answer keeps them as
     * the Express and Koa proxies keep what `cors()` set.
     */
    function carryReplyHeaders(reply: FastifyReply): void {
      const headers = reply.getHeaders();
      for (const name in headers) {
        const value = headers[name];
        if (value !== undefined) reply.raw.setHeader(name, value);
      }
    }

    // Synchronous on purpose: an async handler would cost a promise per request. handle() never rejects.
    function handler(request: FastifyRequest, reply: FastifyReply): void {
      const target = proxy.match(request.raw.url);
      // Fastify routed it here, but the raw URL is not under the prefix (a case-insensitive router, say).
      if (target === undefined) {
        reply.callNotFound();
        return;
      }
      carryReplyHeaders(reply);
      reply.hijack();
      void proxy.handle(request.raw, reply.raw, target, client ?? (request as { aspose?: FastifyRequest['aspose'] }).aspose);
    }
    // With delegateErrors: the reply stays Fastify's until the proxy has either answered (then it is hijacked, so
    // Fastify sends nothing more) or handed back an error, which is thrown to Fastify's error handling.
    function delegatingHandler(request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
      const target = proxy.match(request.raw.url);
      if (target === undefined) {
        reply.callNotFound();
        return undefined;
      }
      carryReplyHeaders(reply);
      return proxy.handle(request.raw, reply.raw, target, client ?? (request as { aspose?: FastifyRequest['aspose'] }).aspose).then((error) => {
        if (error !== undefined) throw error;
        reply.hijack();
      });
    }
    const route = options.delegateErrors === true ? delegatingHandler : handler;
    fastify.all('/', route);
    fastify.all('/*', route);
    done();
  },
  'aspose-cloud-auth/asposeProxy',
  { skipOverride: false },
);
