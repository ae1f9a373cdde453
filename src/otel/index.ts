/**
 * OpenTelemetry for aspose-cloud-auth: one call, {@link instrumentAsposeAuth},
 * turns the library's diagnostics channels into metrics and spans. Import from
 * `aspose-cloud-auth/otel`; needs `@opentelemetry/api` (an optional peer
 * dependency, which only this entry point loads).
 *
 * @packageDocumentation
 */
export { instrumentAsposeAuth, asposeResendAttributes, type InstrumentAsposeAuthOptions } from './aspose-auth-instrumentation.js';
