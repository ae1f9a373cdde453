import { channel, type Channel } from 'node:diagnostics_channel';
import { ASPOSE_CHANNELS, type AsposeProxyEvent } from '../diagnostics/channels.js';

export type { AsposeProxyEvent };

/** The diagnostics channel on which every {@link AsposeProxyEvent} is published. */
export const PROXY_CHANNEL_NAME: typeof ASPOSE_CHANNELS.proxy = ASPOSE_CHANNELS.proxy;

/**
 * The channel itself. `diagnostics_channel.channel()` returns the same object
 * for the same name in every copy of this package (CommonJS and ESM), so
 * subscribers see the events of both.
 *
 * @internal
 */
export const proxyChannel: Channel = channel(PROXY_CHANNEL_NAME);
