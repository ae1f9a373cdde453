/**
 * BarCode v4 (`/v4.0/barcode/…`), in the shapes of the v4 SDK's models:
 * generate by GET (`generate/{barcodeType}`), JSON body (`generate-body`,
 * `GenerateParams`) and form (`generate-multipart`), answering a real PNG or
 * SVG as `imageFormat` asks (Png by default, as the API); recognize and scan
 * by GET, JSON body and form, answering the `BarcodeResponseList` a test set
 * with `standIn.barcode.setRecognized`. Errors are 400 in the v4 error shape.
 */
import type { ServerResponse } from 'node:http';
import { drain, readBodyWithin, send, sendBytes } from './stand-in-http.js';
import { sendProductError } from './stand-in-errors.js';
import { barcodePng, barcodeSvg } from './stand-in-images.js';
import type { FormPart } from './stand-in-multipart.js';
import { route, type StandInCall, type StandInRouteHandler, type StandInRouteRow } from './stand-in-route-types.js';
import { readUpload } from './stand-in-upload.js';

function badRequest(res: ServerResponse, message: string): number {
  return sendProductError(res, 'barcode', 400, 'BadRequest', message);
}

/** What a generate request asks for, however it came. */
interface GenerateInput {
  barcodeType?: string;
  data?: string;
  imageFormat?: string;
}

/** Draws the barcode, or answers 400 for what the API would refuse or the stand-in does not draw. */
function generate(res: ServerResponse, input: GenerateInput): number {
  if (!input.barcodeType) return badRequest(res, "The 'barcodeType' parameter is required");
  if (input.data === undefined || input.data === '') return badRequest(res, "The 'data' parameter is required");
  const format = (input.imageFormat ?? 'Png').toLowerCase();
  if (format === 'png') return sendBytes(res, 200, 'image/png', barcodePng(input.barcodeType, input.data));
  if (format === 'svg') return sendBytes(res, 200, 'image/svg+xml', barcodeSvg(input.barcodeType, input.data));
  if (format === 'jpeg' || format === 'tiff' || format === 'gif') {
    return badRequest(res, `The Aspose stand-in does not draw imageFormat=${input.imageFormat}: it draws Png and Svg`);
  }
  return badRequest(res, `'${input.imageFormat}' is not a valid imageFormat (Png, Jpeg, Svg, Tiff, Gif)`);
}

/** `GET /v4.0/barcode/generate/{barcodeType}?data=…&imageFormat=…`. */
const generateGet: StandInRouteHandler = async ({ req, res, url, params }) => {
  await drain(req);
  let barcodeType: string;
  try {
    barcodeType = decodeURIComponent(params.barcodeType);
  } catch {
    return badRequest(res, 'The barcode type is not valid percent-encoding');
  }
  return generate(res, { barcodeType, data: url.searchParams.get('data') ?? undefined, imageFormat: url.searchParams.get('imageFormat') ?? undefined });
};

/** A JSON object body, or undefined with a 400 (or 413) sent. */
async function readJsonObject(call: StandInCall): Promise<Record<string, unknown> | undefined> {
  const raw = await readBodyWithin(call.req, call.host.maxBodyBytes);
  if (raw === undefined) {
    sendProductError(call.res, 'barcode', 413, 'RequestEntityTooLarge', `The body is larger than the stand-in's ${call.host.maxBodyBytes} bytes`);
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  badRequest(call.res, 'The body is not a JSON object');
  return undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `POST /v4.0/barcode/generate-body`: `{ barcodeType, encodeData: { dataType?, data }, barcodeImageParams?: { imageFormat?, … } }`. */
const generateBody: StandInRouteHandler = async (call) => {
  const body = await readJsonObject(call);
  if (!body) return call.res.statusCode;
  return generate(call.res, {
    barcodeType: stringOf(body.barcodeType),
    data: stringOf(objectOf(body.encodeData).data),
    imageFormat: stringOf(objectOf(body.barcodeImageParams).imageFormat),
  });
};

/** A form's text field. */
function field(parts: readonly FormPart[] | undefined, name: string): string | undefined {
  return parts?.find((p) => p.name === name && p.filename === undefined)?.data.toString('utf8');
}

/** Reads a form, or answers 400/413 and resolves undefined. */
async function readForm(call: StandInCall): Promise<readonly FormPart[] | undefined> {
  const got = await readUpload(call.req, call.host);
  if (got.kind === 'too-large') {
    sendProductError(call.res, 'barcode', 413, 'RequestEntityTooLarge', `The body is larger than the stand-in's ${call.host.maxBodyBytes} bytes`);
    return undefined;
  }
  if (got.kind === 'malformed' || !got.parts) {
    badRequest(call.res, got.kind === 'malformed' ? got.reason : 'The body is not a multipart form');
    return undefined;
  }
  return got.parts;
}

/** `POST /v4.0/barcode/generate-multipart`: form fields `barcodeType`, `data`, `imageFormat`, …. */
const generateMultipart: StandInRouteHandler = async (call) => {
  const parts = await readForm(call);
  if (!parts) return call.res.statusCode;
  return generate(call.res, { barcodeType: field(parts, 'barcodeType'), data: field(parts, 'data'), imageFormat: field(parts, 'imageFormat') });
};

/** The recognized list, after noting the image (if any). */
function recognized(call: StandInCall, image?: Buffer): number {
  if (image) {
    call.host.barcode.imagesReceived++;
    call.host.barcode.lastImage = image;
  }
  return send(call.res, 200, call.host.barcode.responseList());
}

/** `GET /v4.0/barcode/recognize?barcodeType=…&fileUrl=…` and `GET /v4.0/barcode/scan?fileUrl=…`. */
function byUrl(needsType: boolean): StandInRouteHandler {
  return async (call) => {
    await drain(call.req);
    if (needsType && !call.url.searchParams.get('barcodeType')) return badRequest(call.res, "The 'barcodeType' parameter is required");
    if (!call.url.searchParams.get('fileUrl')) return badRequest(call.res, "The 'fileUrl' parameter is required");
    return recognized(call);
  };
}

/** `POST /v4.0/barcode/recognize-body` (`{ barcodeTypes, fileBase64, … }`) and `scan-body` (`{ fileBase64 }`). */
function byBody(needsTypes: boolean): StandInRouteHandler {
  return async (call) => {
    const body = await readJsonObject(call);
    if (!body) return call.res.statusCode;
    if (needsTypes && (!Array.isArray(body.barcodeTypes) || body.barcodeTypes.length === 0))
      return badRequest(call.res, "The 'barcodeTypes' field is required");
    const base64 = stringOf(body.fileBase64);
    if (!base64) return badRequest(call.res, "The 'fileBase64' field is required");
    return recognized(call, Buffer.from(base64, 'base64'));
  };
}

/** `POST /v4.0/barcode/recognize-multipart` (`barcodeType` and a `file`) and `scan-multipart` (a `file`). */
function byForm(needsType: boolean): StandInRouteHandler {
  return async (call) => {
    const parts = await readForm(call);
    if (!parts) return call.res.statusCode;
    if (needsType && !field(parts, 'barcodeType')) return badRequest(call.res, "The 'barcodeType' field is required");
    const file = parts.find((p) => p.filename !== undefined);
    if (!file || file.data.length === 0) return badRequest(call.res, "The 'file' part is required");
    return recognized(call, file.data);
  };
}

/** @internal */
export const BARCODE_ROUTES: readonly StandInRouteRow[] = [
  route(['GET'], '/v4.0/barcode/generate/:barcodeType', generateGet),
  route(['POST'], '/v4.0/barcode/generate-body', generateBody),
  route(['POST'], '/v4.0/barcode/generate-multipart', generateMultipart),
  route(['GET'], '/v4.0/barcode/recognize', byUrl(true)),
  route(['POST'], '/v4.0/barcode/recognize-body', byBody(true)),
  route(['POST'], '/v4.0/barcode/recognize-multipart', byForm(true)),
  route(['GET'], '/v4.0/barcode/scan', byUrl(false)),
  route(['POST'], '/v4.0/barcode/scan-body', byBody(false)),
  route(['POST'], '/v4.0/barcode/scan-multipart', byForm(false)),
];
