/**
 * Test helpers: a local Aspose Cloud stand-in with a real token endpoint and
 * switchable faults. Import from `aspose-cloud-auth/testing`.
 *
 * @packageDocumentation
 */
export { AsposeStandIn, startAsposeStandIn, type AsposeStandInOptions, type StandInRequestRecord } from './stand-in.js';
export type { AsposeStandInRateLimit, StandInPairState } from './stand-in-rate-limit.js';
export type { TokenFault } from './stand-in-token.js';
