import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { send } from './stand-in-http.js';

/**
 * A product whose error body the stand-in writes. The casing differs by
 * product, as it does on Aspose Cloud (see each function).
 *
 * @internal
 */
export type StandInProduct = 'words' | 'cells' | 'pdf' | 'slides' | 'barcode' | 'ocr';

/** The product a path belongs to (`/v4.0/words/…` → words), Words when it names none the stand-in knows. @internal */
export function productOf(path: string): StandInProduct {
  // `/vN.N/{product}/…`: the product is the second segment.
  const start = path.indexOf('/', 1);
  if (start === -1) return 'words';
  const end = path.indexOf('/', start + 1);
  const segment = path.slice(start + 1, end === -1 ? path.length : end).toLowerCase();
  return segment === 'cells' || segment === 'pdf' || segment === 'slides' || segment === 'barcode' || segment === 'ocr' ? segment : 'words';
}

/**
 * Answers `status` with an error body in `product`'s shape:
 * - Words, Cells, Slides: `{"RequestId":…,"Error":{"Code","Message","Description","DateTime"}}` (the Words SDK's `WordsApiErrorResponse`);
 * - PDF: `{"Code":status,"Message","Description","InnerError":{"RequestId","Date"}}`;
 * - BarCode v4, OCR: `{"requestId":…,"error":{"code","message","description","dateTime"}}`.
 *
 * @internal
 */
export function sendProductError(
  res: ServerResponse,
  product: StandInProduct,
  status: number,
  code: string,
  message: string,
  description = 'Operation Failed.',
): number {
  const requestId = randomUUID();
  const now = new Date().toISOString();
  if (product === 'barcode' || product === 'ocr') {
    return send(res, status, { requestId, error: { code, message, description, dateTime: now } });
  }
  if (product === 'pdf') {
    return send(res, status, { Code: status, Message: message, Description: description, InnerError: { RequestId: requestId, Date: now } });
  }
  return send(res, status, { RequestId: requestId, Error: { Code: code, Message: message, Description: description, DateTime: now } });
}

/** 404 for a file not in storage, in `product`'s shape, worded as Aspose words it. @internal */
export function sendFileNotFound(res: ServerResponse, product: StandInProduct, path: string): number {
  return sendProductError(
    res,
    product,
    404,
    'ErrorItemNotFound',
    `Error while loading file '${path}' from storage: AmazonS3 Storage exception: The specified key does not exist.`,
    'Operation Failed. Item Not Found.',
  );
}
