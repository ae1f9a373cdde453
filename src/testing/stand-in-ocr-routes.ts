/** OCR v5, asynchronous: a POST starts a task and answers its id; a GET with `?id=` answers its result. */
import { randomUUID } from 'node:crypto';
import { readBodyWithin, send } from './stand-in-http.js';
import { sendProductError } from './stand-in-errors.js';
import { route, type StandInRouteHandler, type StandInRouteRow } from './stand-in-route-types.js';

/** `POST /v5.0/ocr/RecognizeImage`: starts a task and answers its id, as OCR v5 does. */
const ocrSubmit: StandInRouteHandler = async ({ req, res, ocrTasks, host }) => {
  const raw = await readBodyWithin(req, host.maxBodyBytes);
  if (raw === undefined) return sendProductError(res, 'ocr', 413, 'RequestEntityTooLarge', `The image is larger than ${host.maxBodyBytes} bytes`);
  const id = randomUUID();
  ocrTasks.set(id, `Recognized ${raw.length} bytes of image`);
  res.writeHead(200, { 'content-type': 'text/plain' }).end(id);
  return 200;
};

/** `GET /v5.0/ocr/RecognizeImage?id=`: the task's result. */
const ocrResult: StandInRouteHandler = ({ res, url, ocrTasks }) => {
  const id = url.searchParams.get('id') ?? '';
  const text = ocrTasks.get(id);
  if (text === undefined) return sendProductError(res, 'ocr', 404, 'TaskNotFound', `No task ${id}`);
  return send(res, 200, { id, taskStatus: 'Completed', results: [{ type: 'Text', data: Buffer.from(text).toString('base64') }], error: null });
};

/** @internal */
export const OCR_ROUTES: readonly StandInRouteRow[] = [
  route(['POST'], '/v5.0/ocr/RecognizeImage', ocrSubmit),
  route(['GET'], '/v5.0/ocr/RecognizeImage', ocrResult),
];
