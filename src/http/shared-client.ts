import { loadAsposeConfig } from '../config/env.js';
import { AsposeClient, type AsposeClientOptions } from './aspose-client.js';

/**
 * The one client an `asposeAuth()` middleware hands to every request: the
 * client passed in, or one built now from options, or from the `ASPOSE_*`
 * environment variables when there are none. Built once, when the middleware
 * is created, so every request shares its token and its sockets.
 *
 * A client from the other module format of this package (an ESM app with a
 * CommonJS adapter, say) is recognised too: `instanceof AsposeClient` checks
 * a `Symbol.for` brand.
 *
 * @internal
 */
export function sharedClient(clientOrOptions: AsposeClient | AsposeClientOptions | undefined): AsposeClient {
  if (clientOrOptions === undefined) return new AsposeClient(loadAsposeConfig());
  if (clientOrOptions instanceof AsposeClient) return clientOrOptions;
  return new AsposeClient(clientOrOptions);
}
