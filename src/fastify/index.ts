/**
 * Fastify adapter: the `asposeAuth` plugin puts one shared client at
 * `request.aspose`; the `asposeProxy` plugin is a backend-for-frontend proxy
 * to the Aspose API. Import from `aspose-cloud-auth/fastify`. Works with
 * Fastify 5.
 *
 * @packageDocumentation
 */
export { asposeAuth, type AsposeAuthPluginOptions } from './aspose-auth.plugin.js';
export { asposeProxy } from './aspose-proxy.plugin.js';
export type { AsposeProxyOptions } from '../proxy/aspose-proxy.js';
export type { AsposeProxyErrorBody, AsposeProxyErrorCode } from '../proxy/proxy-errors.js';
