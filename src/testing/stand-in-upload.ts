/** The file in an upload or conversion request: its raw body, or the file part of a multipart form. */
import type { IncomingMessage } from 'node:http';
import { readBodyWithin } from './stand-in-http.js';
import { multipartBoundary, parseMultipart, type FormPart } from './stand-in-multipart.js';
import type { StandInRouteHost } from './stand-in-route-types.js';

/** What an upload carried: the file's bytes and, for a form, every part. @internal */
export type UploadedBody = { kind: 'ok'; bytes: Buffer; parts?: readonly FormPart[] } | { kind: 'too-large' } | { kind: 'malformed'; reason: string };

/**
 * Reads a request body (counted into `host.uploadedBytes`, capped at
 * `host.maxBodyBytes`) and finds the file in it: the first part with a
 * `filename` (else the first part) of a multipart form, or the whole body.
 * A body that opens like a form is read as one even under another content
 * type, as the Cells SDK sends its form as `application/json`.
 *
 * @internal
 */
export async function readUpload(req: IncomingMessage, host: StandInRouteHost): Promise<UploadedBody> {
  const body = await readBodyWithin(req, host.maxBodyBytes, (n) => (host.uploadedBytes += n));
  if (body === undefined) return { kind: 'too-large' };
  const boundary = multipartBoundary(req.headers['content-type'], body);
  const declared = (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
  if (boundary === undefined)
    return declared ? { kind: 'malformed', reason: 'the multipart content type has no usable boundary' } : { kind: 'ok', bytes: body };
  const parts = parseMultipart(body, boundary);
  if (parts === undefined) {
    // An undeclared form that does not parse is just bytes that happen to start with `--`.
    return declared ? { kind: 'malformed', reason: 'the multipart body is malformed' } : { kind: 'ok', bytes: body };
  }
  const file = parts.find((p) => p.filename !== undefined) ?? parts[0];
  if (file === undefined) return { kind: 'malformed', reason: 'the multipart form has no parts' };
  return { kind: 'ok', bytes: file.data, parts };
}
