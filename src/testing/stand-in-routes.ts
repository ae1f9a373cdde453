import { matchRoute, type RouteParams } from './stand-in-route-pattern.js';
import { BARCODE_ROUTES } from './stand-in-barcode-routes.js';
import { DOCUMENT_ROUTES } from './stand-in-document-routes.js';
import { OCR_ROUTES } from './stand-in-ocr-routes.js';
import type { StandInRouteHandler, StandInRouteRow } from './stand-in-route-types.js';
import { STORAGE_ROUTES } from './stand-in-storage-routes.js';
import { TEST_ROUTES } from './stand-in-test-routes.js';

/**
 * The stand-in's built-in API routes (everything but the token endpoint),
 * first match wins: its own test routes under `/__stand-in/`, then storage,
 * documents, BarCode and OCR. What none takes is not modelled (404, or the
 * echo with `unknownRoutes: 'echo'`).
 *
 * @internal
 */
export const STAND_IN_ROUTES: readonly StandInRouteRow[] = [...TEST_ROUTES, ...STORAGE_ROUTES, ...DOCUMENT_ROUTES, ...BARCODE_ROUTES, ...OCR_ROUTES];

/**
 * The row of `rows` for `method` and `path` with what its pattern captured,
 * or undefined. Linear in the path length per row: each is one pass of
 * {@link matchRoute}.
 *
 * @internal
 */
export function findRoute(rows: readonly StandInRouteRow[], method: string, path: string): { handler: StandInRouteHandler; params: RouteParams } | undefined {
  for (const row of rows) {
    if (row.methods && !row.methods.includes(method)) continue;
    const params = matchRoute(row.pattern, path);
    if (params) return { handler: row.handler, params };
  }
  return undefined;
}
