import type { IncomingMessage, ServerResponse } from 'node:http';
import { routePattern, type RouteParams, type RoutePattern } from './stand-in-route-pattern.js';
import type { StandInBarcode } from './stand-in-barcode.js';
import type { StandInStorage } from './stand-in-storage.js';

/**
 * What API routes read and count on the stand-in: its base URL, byte
 * counters, storage and settings (the `AsposeStandIn` itself fits).
 *
 * @internal
 */
export interface StandInRouteHost {
  readonly url: string;
  uploadedBytes: number;
  streamedBytes: number;
  readonly storage: StandInStorage;
  readonly barcode: StandInBarcode;
  /** `stored`: document routes answer for stored files only; `any`: for any name but `missing…`. */
  readonly documents: 'stored' | 'any';
  /** Largest request body a route reads (413 past it). */
  readonly maxBodyBytes: number;
}

/** One API request, as a route handler gets it (already authorised). @internal */
export interface StandInCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly method: string;
  /** What the route's pattern captured. */
  readonly params: RouteParams;
  readonly host: StandInRouteHost;
  /** The OCR v5 tasks of this stand-in: id → the text its result carries. */
  readonly ocrTasks: Map<string, string>;
}

/** Serves one request and returns (or resolves to) the status it answered, for the request log. @internal */
export type StandInRouteHandler = (call: StandInCall) => number | Promise<number>;

/** One row of the table: the methods it takes (all when absent), its path pattern, its handler. @internal */
export interface StandInRouteRow {
  readonly methods?: readonly string[];
  readonly pattern: RoutePattern;
  readonly handler: StandInRouteHandler;
}

/** A row of the table (see {@link StandInRouteRow}); `'*'` takes every method. @internal */
export function route(
  methods: readonly string[] | '*',
  path: string,
  handler: StandInRouteHandler,
  checks?: Record<string, (value: string) => boolean>,
): StandInRouteRow {
  return { methods: methods === '*' ? undefined : methods, pattern: routePattern(path, checks), handler };
}
