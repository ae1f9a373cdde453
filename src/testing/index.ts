/**
 * Test helpers: a local Aspose Cloud stand-in with a real token endpoint and
 * switchable faults, in-memory storage, and strict routes: what it does not
 * model answers 404. Import from `aspose-cloud-auth/testing`.
 *
 * @packageDocumentation
 */
export { AsposeStandIn, startAsposeStandIn, type AsposeStandInOptions, type StandInRequestRecord } from './stand-in.js';
export type { AsposeStandInRateLimit, StandInPairState } from './stand-in-rate-limit.js';
export type { TokenFault } from './stand-in-token.js';
export { StandInStorage, type StandInDocumentFacts, type StandInPutOptions, type StandInStorageLocation, type StandInStoredFile } from './stand-in-storage.js';
export { StandInBarcode, type StandInRecognizedBarcode } from './stand-in-barcode.js';
export type { StandInAnswer, StandInRequest, StandInRoute } from './stand-in-custom-routes.js';
