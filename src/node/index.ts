/**
 * The proxy for any `node:http` server: `asposeProxyListener()` serves a
 * backend-for-frontend proxy to the Aspose API under a prefix, in front of
 * the app's own request listener (an Express app, Koa's `app.callback()`).
 * Import from `aspose-cloud-auth/node`; needs no framework.
 *
 * @packageDocumentation
 */
export { asposeProxyListener, type AsposeProxyListenerOptions } from './aspose-proxy-listener.js';
export type { AsposeProxyOptions } from '../proxy/aspose-proxy.js';
export type { AsposeProxyErrorBody, AsposeProxyErrorCode } from '../proxy/proxy-errors.js';
