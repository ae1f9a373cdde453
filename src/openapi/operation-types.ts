/**
 * Types only: what a typed call takes and resolves, read from a `paths` type
 * that `openapi-typescript` 7 generated from an OpenAPI 3 description. Each
 * `paths[P][method]` there is an operation with `parameters: { query?,
 * header?, path?, cookie? }`, an optional `requestBody: { content: { [media
 * type]: T } }` and `responses: { [status]: { content?: { [media type]: R } } }`;
 * a method the path does not have is `method?: never`.
 *
 * Nothing here exists at run time.
 *
 * @packageDocumentation
 */
import type { AsposeBody, AsposeResponse } from '../http/aspose-client.js';

/** The HTTP methods of an OpenAPI path item that the typed layer calls, in `openapi-typescript`'s lower case. */
export type AsposeApiMethod = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';

/** The paths of `Paths` that have an operation for `method` (`get?: never` means they do not). */
export type PathsWithMethod<Paths, Method extends AsposeApiMethod> = {
  [P in keyof Paths]: Paths[P] extends { [M in Method]: unknown } ? P : never;
}[keyof Paths] &
  string;

/** The operation of `Paths[P]` for `method`. */
export type OperationOf<Paths, P extends keyof Paths, Method extends AsposeApiMethod> = Paths[P] extends { [M in Method]: infer Op } ? Op : never;

/** `T` without `undefined` (an optional property's type, as it is declared). */
type Defined<T> = Exclude<T, undefined>;

/** The operation's `parameters`, or none. */
type ParametersOf<Op> = Op extends { parameters: infer P } ? P : Record<never, never>;

/**
 * The `params` of a call: the operation's `path`, `query` and `header`
 * parameters, each only when the operation has some (`query?: never` drops
 * the key), required or optional as the description says. `cookie`
 * parameters are not sent: Aspose's APIs have none.
 */
export type AsposeOperationParams<Op> = {
  [
    K in keyof ParametersOf<Op> as K extends 'path' | 'query' | 'header' ? ([Defined<ParametersOf<Op>[K]>] extends [never] ? never : K) : never
  ]: ParametersOf<Op>[K];
};

/** Media types whose body is JSON: `application/json`, `text/json`, `application/problem+json`, `application/json; charset=utf-8`… */
type JsonMediaType = `${string}json${string}`;

/**
 * A request body sent as it is: a string, bytes, a stream, or a function
 * returning a fresh one for each attempt (what a stream needs to survive a
 * 401 replay). What the typed layer takes for a media type that is not JSON
 * or multipart (`application/octet-stream`, say).
 */
export type AsposeRawBody = Exclude<AsposeBody, null | undefined>;

/**
 * The body a call passes for a request body's `content`: the JSON type for a
 * JSON media type, a `FormData` for `multipart/form-data` (its fields are
 * not checked: `openapi-typescript` types a file field as `string`), an
 * {@link AsposeRawBody} for any other media type. A union when the operation
 * takes several.
 */
export type AsposeBodyOf<Content> = {
  [M in keyof Content]: M extends JsonMediaType ? Content[M] : M extends 'multipart/form-data' ? FormData : AsposeRawBody;
}[keyof Content];

/** The body a call passes for an operation's `requestBody`. */
type RequestBodyOf<RB> = RB extends { content: infer C } ? AsposeBodyOf<C> : never;

/**
 * `{ body }`: required, optional or absent as the operation's `requestBody`
 * is (`requestBody?: never`, or none, is absent).
 */
type BodyInit<Op> = Op extends { requestBody: infer RB }
  ? { body: RequestBodyOf<RB> }
  : Op extends { requestBody?: infer RB }
    ? [Defined<RB>] extends [never]
      ? { body?: never }
      : { body?: RequestBodyOf<Defined<RB>> }
    : { body?: never };

/**
 * How the body of a 2xx answer is read:
 * - `json` (the default): parsed; `undefined` for an empty answer (a 204, a HEAD);
 * - `text`: decoded as UTF-8;
 * - `buffer`: the bytes, as a `Buffer`;
 * - `stream`: undici's body stream, unread: consume it (or `dump()` it).
 */
export type AsposeParseAs = 'json' | 'text' | 'buffer' | 'stream';

/** The 2xx statuses `openapi-typescript` writes as keys of `responses`. */
type OkStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206 | 207 | 208 | 226 | '2XX';

/** The operation's 2xx responses, as a union. */
type OkResponses<Op> = Op extends { responses: infer R } ? { [S in keyof R]: S extends OkStatus ? R[S] : never }[keyof R] : never;

/** The JSON type of a response's `content` (never when it has no JSON media type). */
type JsonContent<C> = { [M in keyof C]: M extends JsonMediaType ? C[M] : never }[keyof C];

/** What a 2xx response parses to as JSON (distributes over a union of responses): its JSON type, `undefined` with no content. */
type JsonData<R> = R extends { content: infer C } ? JsonContent<C> : undefined;

/** True when a 2xx response has content but none of it JSON: parsing it as JSON would fail. */
type NotJson<R> = R extends { content: infer C } ? ([JsonContent<C>] extends [never] ? true : false) : false;

/** The `data` of a call that reads the answer `As`. */
export type AsposeDataOf<Op, As extends AsposeParseAs> = As extends 'text'
  ? string
  : As extends 'buffer'
    ? Buffer
    : As extends 'stream'
      ? AsposeResponse['body']
      : JsonData<OkResponses<Op>>;

/**
 * `{ parseAs }`: optional (default `json`) unless a 2xx answer of the
 * operation has content that is not JSON (a file download): then it must be
 * given, and cannot be `json`.
 */
type ParseAsInit<Op, As extends AsposeParseAs> = true extends NotJson<OkResponses<Op>> ? { parseAs: Exclude<As, 'json'> } : { parseAs?: As };

/** Per-call options that do not come from the description. */
export interface AsposeCallOptions {
  /** More request headers, over the `header` parameters and the client's `headers` option. */
  headers?: Record<string, string | string[] | undefined>;
  /** Abort the call. */
  signal?: AbortSignal;
  /** Override the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

/**
 * `{ params }`, required when one of the operation's parameter groups is
 * required (a path with parameters always is); for an operation without
 * parameters, only an empty `params` is allowed.
 */
type ParamsInit<Op> = [keyof AsposeOperationParams<Op>] extends [never]
  ? { params?: Record<string, never> }
  : Record<never, never> extends AsposeOperationParams<Op>
    ? { params?: AsposeOperationParams<Op> }
    : { params: AsposeOperationParams<Op> };

/** The second argument of a typed call: `params`, `body`, `parseAs` and the {@link AsposeCallOptions}. */
export type AsposeCallInit<Op, As extends AsposeParseAs = 'json'> = ParamsInit<Op> & BodyInit<Op> & ParseAsInit<Op, As> & AsposeCallOptions;

/** The second argument as a rest tuple: optional when nothing in it is required. */
export type AsposeCallArgs<Op, As extends AsposeParseAs> =
  Record<never, never> extends AsposeCallInit<Op, As> ? [init?: AsposeCallInit<Op, As>] : [init: AsposeCallInit<Op, As>];

/**
 * What a typed call resolves: the body (parsed as `parseAs` says) with the
 * answer's status and headers; the same shape as `AsposeClient.requestJson()`
 * resolves. Only for a 2xx: any other status is thrown as an `AsposeApiError`.
 */
export interface AsposeApiResult<T> {
  /** The body, read as `parseAs` asked; `undefined` for an empty JSON answer (a 204, a HEAD). */
  data: T;
  /** The HTTP status, 2xx. */
  status: number;
  /** The response headers, names lower-cased, as undici gives them. */
  headers: AsposeResponse['headers'];
}

/** One method of an {@link AsposeApi}: a path of `Paths` that has `Method`, and that operation's init. */
export type AsposeApiCall<Paths, Method extends AsposeApiMethod> = <P extends PathsWithMethod<Paths, Method>, As extends AsposeParseAs = 'json'>(
  path: P,
  ...init: AsposeCallArgs<OperationOf<Paths, P, Method>, As>
) => Promise<AsposeApiResult<AsposeDataOf<OperationOf<Paths, P, Method>, As>>>;
