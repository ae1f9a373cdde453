/**
 * Typed calls from OpenAPI descriptions: `createAsposeApi<paths>(client)`
 * over an `AsposeClient`, for a `paths` type that `openapi-typescript`
 * generated from an Aspose product's description. Types and a URL, nothing
 * more: every call is an `AsposeClient` call, with its token handling and
 * its 401 replay. Import from `aspose-cloud-auth/openapi`; see docs/openapi.md.
 *
 * @packageDocumentation
 */
export { createAsposeApi, type AsposeApi, type AsposeApiOptions } from './aspose-api.js';
export type {
  AsposeApiCall,
  AsposeApiMethod,
  AsposeApiResult,
  AsposeBodyOf,
  AsposeCallArgs,
  AsposeCallInit,
  AsposeCallOptions,
  AsposeDataOf,
  AsposeOperationParams,
  AsposeParseAs,
  AsposeRawBody,
  OperationOf,
  PathsWithMethod,
} from './operation-types.js';
