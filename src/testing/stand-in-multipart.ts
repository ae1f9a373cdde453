/**
 * A bounded `multipart/form-data` reader for the stand-in's upload, generate
 * and recognize routes. It works on a body already read (and capped) in
 * memory, finds delimiters with `Buffer.indexOf` (the boundary is at most 70
 * bytes, RFC 2046), and gives up (undefined) on anything malformed rather
 * than guessing, so hostile input costs one linear pass and a 400.
 */

/** One part of a form. @internal */
export interface FormPart {
  /** The `name` of its `Content-Disposition`. */
  readonly name: string;
  /** The `filename` of its `Content-Disposition`, if any. */
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

/** At most this many parts: a form of a thousand empty parts is refused, not walked. */
const MAX_PARTS = 256;
/** At most this many bytes of headers per part. */
const MAX_PART_HEADER_BYTES = 8 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * The boundary of a multipart body: from its `content-type` if that says
 * `multipart/…; boundary=…`, else from the body's first line if the body
 * opens like a multipart body does. The second case is the Cells SDK's: it
 * sends its multipart upload with `Content-Type: application/json`.
 *
 * @internal
 */
export function multipartBoundary(contentType: string | undefined, body: Buffer): string | undefined {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/')) {
    for (const param of (contentType ?? '').split(';').slice(1)) {
      const eq = param.indexOf('=');
      if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'boundary') continue;
      let value = param.slice(eq + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      return value.length >= 1 && value.length <= 70 ? value : undefined;
    }
    return undefined;
  }
  if (body.length < 4 || body[0] !== 0x2d || body[1] !== 0x2d) return undefined;
  const end = body.indexOf(CRLF);
  if (end < 3 || end > 72) return undefined;
  const value = body.toString('latin1', 2, end);
  return /^[\x21-\x7e]+$/.test(value) ? value : undefined;
}

/**
 * The parts of `body` delimited by `boundary`, or undefined if the body is not
 * a well-formed form (no closing delimiter, a part without headers, too many
 * parts, headers too long).
 *
 * @internal
 */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] | undefined {
  const dash = Buffer.from(`--${boundary}`, 'latin1');
  const delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  // The first delimiter may open the body without a CRLF before it (preamble-free forms).
  let at = body.indexOf(dash) === 0 ? 0 : body.indexOf(delimiter);
  if (at === -1) return undefined;
  at += at === 0 ? dash.length : delimiter.length;
  const parts: FormPart[] = [];
  for (;;) {
    // After a delimiter: `--` closes the form; otherwise (optional whitespace) CRLF opens a part.
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts;
    while (body[at] === 0x20 || body[at] === 0x09) at++;
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a) return undefined;
    at += 2;
    const headerEnd = body.indexOf(HEADER_END, at);
    if (headerEnd === -1 || headerEnd - at > MAX_PART_HEADER_BYTES) return undefined;
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (next === -1) return undefined;
    const headers = partHeaders(body.toString('latin1', at, headerEnd));
    if (!headers) return undefined;
    parts.push({ ...headers, data: body.subarray(headerEnd + 4, next) });
    if (parts.length > MAX_PARTS) return undefined;
    at = next + delimiter.length;
  }
}

/** The name, filename and content type of a part, from its header lines; undefined without a form-data name. */
function partHeaders(text: string): Omit<FormPart, 'data'> | undefined {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const field = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (field === 'content-type') contentType = value;
    if (field !== 'content-disposition') continue;
    for (const param of value.split(';').slice(1)) {
      const eq = param.indexOf('=');
      if (eq === -1) continue;
      const key = param.slice(0, eq).trim().toLowerCase();
      let v = param.slice(eq + 1).trim();
      if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
      if (key === 'name') name = v;
      else if (key === 'filename') filename = v;
    }
  }
  return name === undefined ? undefined : { name, filename, contentType };
}
