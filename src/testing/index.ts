/**
 * Test helpers: a local Aspose Cloud stand-in with a real token endpoint and
 * switchable faults. Import from `aspose-cloud-auth/testing`.
 *
 * @packageDocumentation
 */
export {
  AsposeStandIn,
  startAsposeStandIn,
  type AsposeStandInOptions,
  type AsposeStandInRateLimit,
  type StandInPairState,
  type TokenFault,
  type StandInRequestRecord,
} from './stand-in.js';
