import { loadAsposeConfig } from '../config/env.js';
import { AsposeClient, type AsposeClientOptions } from '../http/aspose-client.js';

/**
 * The one client an `asposeAuth()` middleware hands to every request: the
 * client passed in, or one built now from options, or from the `ASPOSE_*`
 * environment variables when there are none. Built once, when the middleware
 * is created, so every request shares its token and its sockets.
 *
 * @internal
 */
export function sharedClient(clientOrOptions: AsposeClient | AsposeClientOptions | undefined): AsposeClient {
  if (clientOrOptions === undefined) return new AsposeClient(loadAsposeConfig());
  if (isAsposeClient(clientOrOptions)) return clientOrOptions;
  return new AsposeClient(clientOrOptions);
}

/**
 * True for an {@link AsposeClient}, including one from the other module
 * format of this package (an ESM app with a CommonJS adapter, say), where
 * `instanceof` would say no.
 *
 * @internal
 */
export function isAsposeClient(value: unknown): value is AsposeClient {
  if (value instanceof AsposeClient) return true;
  const v = value as Partial<AsposeClient> | null;
  return (
    typeof v === 'object' && v !== null && typeof v.request === 'function' && typeof v.close === 'function' && typeof v.tokens === 'object' && v.tokens !== null
  );
}
