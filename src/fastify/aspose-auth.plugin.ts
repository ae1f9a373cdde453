import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import { AsposeConfigError } from '../errors/errors.js';
import { AsposeClient, type AsposeClientOptions } from '../http/aspose-client.js';
import { sharedClient } from '../http/shared-client.js';
import { fastifyPlugin } from './plugin-meta.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The app's one shared {@link AsposeClient}, put here by
     * `app.register(asposeAuth, …)`. Every request gets the same instance, so
     * they share one token.
     */
    readonly aspose: AsposeClient;
  }
  interface FastifyInstance {
    /**
     * The shared {@link AsposeClient} that `asposeAuth` registered, for use
     * outside requests (a startup check, a background job).
     */
    readonly aspose: AsposeClient;
  }
}

/**
 * Options of the `asposeAuth` Fastify plugin: `{ client }` to share a client
 * you built (it stays yours to close), or the client's options to build one
 * (closed with the app), or nothing to build one from the `ASPOSE_*`
 * environment variables.
 */
export type AsposeAuthPluginOptions = AsposeClientOptions | { client: AsposeClient };

/** Options Fastify itself reads from `register()`'s second argument: never client options. */
const REGISTER_OPTIONS = new Set(['prefix', 'logLevel', 'logSerializers']);

/** The client the plugin shares, and whether it built it (and so closes it with the app). */
function clientFrom(options: unknown): { client: AsposeClient; owned: boolean } {
  if (options instanceof AsposeClient) return { client: options, owned: false };
  if (options === null || typeof options !== 'object') {
    throw new AsposeConfigError([{ option: 'options', problem: 'must be an object: { client }, the client options, or nothing' }], {
      source: 'asposeAuth (Fastify) options',
    });
  }
  const own = Object.keys(options).filter((k) => !REGISTER_OPTIONS.has(k));
  if (own.includes('client')) {
    const { client } = options as { client: unknown };
    const issues = [];
    if (!(client instanceof AsposeClient)) issues.push({ option: 'client', problem: 'must be an AsposeClient' });
    if (own.length > 1)
      issues.push({ option: 'client', problem: `comes with client options (${own.filter((k) => k !== 'client').join(', ')}): pass one or the other` });
    if (issues.length > 0) throw new AsposeConfigError(issues, { source: 'asposeAuth (Fastify) options' });
    return { client: client as AsposeClient, owned: false };
  }
  if (own.length === 0) return { client: sharedClient(undefined), owned: true };
  const clientOptions: Record<string, unknown> = {};
  for (const key of own) clientOptions[key] = options[key as keyof typeof options];
  return { client: sharedClient(clientOptions), owned: true };
}

/**
 * Fastify plugin that puts one shared {@link AsposeClient} at
 * `request.aspose` (and at `app.aspose`).
 *
 * ```ts
 * await app.register(asposeAuth, { clientId, clientSecret });
 * app.get('/documents/:name', (request) => request.aspose.get(`/v4.0/words/${encodeURIComponent(request.params.name)}`));
 * ```
 *
 * Registered without encapsulation (as `fastify-plugin` would), so the
 * decoration reaches the scope that registers it and everything in it. The
 * client is built once, at registration, and not per request: every request
 * shares its cached token, its single-flight refresh and its sockets. A client
 * the plugin built is closed when the app closes; one passed as `{ client }`
 * stays yours to close. Reading `request.aspose` costs a getter call: no
 * hook runs per request.
 *
 * @throws {AsposeConfigError} at registration (from `register()`, `ready()`
 *   or `listen()`), naming every missing or malformed option.
 */
export const asposeAuth: FastifyPluginCallback<AsposeAuthPluginOptions> = fastifyPlugin(
  function asposeAuth(fastify: FastifyInstance, options: AsposeAuthPluginOptions, done: (err?: Error) => void): void {
    let shared: { client: AsposeClient; owned: boolean };
    try {
      shared = clientFrom(options);
    } catch (err) {
      done(err as Error);
      return;
    }
    const { client, owned } = shared;
    fastify.decorate('aspose', { getter: () => client });
    fastify.decorateRequest('aspose', { getter: () => client });
    if (owned) fastify.addHook('onClose', () => client.close());
    done();
  },
  'aspose-cloud-auth/asposeAuth',
  { skipOverride: true },
);
