/**
 * Express adapter: `asposeAuth()` puts one shared client at `req.aspose`;
 * `asposeProxy()` is a backend-for-frontend proxy to the Aspose API.
 * Import from `aspose-cloud-auth/express`. Works with Express 4.18+ and 5.
 *
 * @packageDocumentation
 */
export { asposeAuth, type AsposeAuthMiddleware } from './aspose-auth.middleware.js';
export { asposeProxy } from './aspose-proxy.middleware.js';
export type { AsposeProxyOptions, AsposeProxyForwardInfo } from '../proxy/aspose-proxy.js';
export type { AsposeProxyRateLimit } from '../proxy/rate-limit.js';
export { PROXY_CHANNEL_NAME, type AsposeProxyEvent } from '../proxy/proxy-report.js';
export type { AsposeProxyErrorBody, AsposeProxyErrorCode } from '../proxy/proxy-errors.js';
export { asposeProxyListener, type AsposeProxyListenerOptions } from '../node/aspose-proxy-listener.js';
