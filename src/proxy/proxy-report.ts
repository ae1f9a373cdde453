import { channel, type Channel } from 'node:diagnostics_channel';

/**
 * What `asposeProxy` reports about each request it handled: to its
 * `onForward` hook and on the diagnostics channel
 * {@link PROXY_CHANNEL_NAME} (`aspose-cloud-auth:proxy`), for audit logs and
 * per-user accounting. Never holds a token, a secret, a header or a query
 * string.
 */
export interface AsposeProxyEvent {
  /**
   * - `forwarded`: the request went upstream and the Aspose API's answer was
   *   passed on in full (whatever its status);
   * - `refused`: the proxy answered it itself without forwarding it (a 4xx,
   *   or 204 to a CORS preflight);
   * - `failed`: the proxy answered 5xx itself, or the exchange broke off
   *   (an upstream failure cut a started answer, or the caller went away).
   */
  outcome: 'forwarded' | 'refused' | 'failed';
  /** The request method, upper-case. */
  method: string;
  /** The target path (after the proxy's prefix), without the query string. */
  path: string;
  /** The caller's key, from `rateLimit.key`, when it was computed (refusals before the limit is checked have none). */
  userKey?: string;
  /** The status the caller got: the API's, the proxy's own, or 499 when the caller went away before any answer. */
  status: number;
  /** The proxy's error code (the `code` of its JSON answer), or the failure's code, when there was one. */
  code?: string;
  /** Request body bytes forwarded upstream (0 when none was). */
  requestBytes: number;
  /** Response body bytes written to the caller (the proxy's own JSON answer included). */
  responseBytes: number;
  /** From the proxy receiving the request to the answer's end, in ms. */
  durationMs: number;
}

/** The diagnostics channel on which every {@link AsposeProxyEvent} is published. */
export const PROXY_CHANNEL_NAME = 'aspose-cloud-auth:proxy';

/**
 * The channel itself. `diagnostics_channel.channel()` returns the same object
 * for the same name in every copy of this package (CommonJS and ESM), so
 * subscribers see the events of both.
 *
 * @internal
 */
export const proxyChannel: Channel = channel(PROXY_CHANNEL_NAME);
