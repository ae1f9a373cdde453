/**
 * A `@nestjs/terminus` health indicator for Aspose clients. Its own entry
 * point, so that `aspose-cloud-auth/nestjs` never loads `@nestjs/terminus`,
 * an optional peer: import from `aspose-cloud-auth/nestjs/terminus`.
 *
 * ```ts
 * import { AsposeHealthIndicator } from 'aspose-cloud-auth/nestjs/terminus';
 * ```
 *
 * @packageDocumentation
 */
export {
  AsposeHealthIndicator,
  type AsposeHealthCheckOptions,
  type AsposeHealthDownReason,
  type AsposeHealthUpDetails,
  type AsposeHealthDownDetails,
} from './aspose-health.indicator.js';
