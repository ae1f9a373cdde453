/**
 * A product API on loopback that implements fixtures/products.openapi.yaml
 * under `/v9.0`, for the typed layer's runtime tests. It takes a Bearer
 * token only if the stand-in issued it and has not revoked it
 * (`standIn.verifyToken`), and answers 401 otherwise, as Aspose does; it
 * records every request as received (the raw request target, the headers,
 * the body's bytes), so tests assert on what went over the wire.
 *
 * Routing reads the raw target: split on `/` first, each segment decoded
 * after, so a percent-encoded `/` in a value stays inside its segment here
 * as it must at Aspose.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';
import { listen, type Listening } from '../support/http';

/** One request as the server received it. */
export interface ReceivedRequest {
  method: string;
  /** The request target exactly as sent: path and query, percent-encoding untouched. */
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The status the server answered. */
  status: number;
}

/** The product server: its address, what it received, its stored files. */
export interface ProductServer extends Listening {
  /** Every request received, oldest first. */
  readonly received: ReceivedRequest[];
  /** Stored files, by their decoded path. */
  readonly files: Map<string, Buffer>;
}

/** Starts the product server, checking tokens with `standIn`. */
export async function startProductServer(standIn: AsposeStandIn): Promise<ProductServer> {
  const received: ReceivedRequest[] = [];
  const files = new Map<string, Buffer>();
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const record: ReceivedRequest = { method: req.method ?? '', target: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), status: 0 };
    received.push(record);
    const answer = (status: number, body?: unknown, type = 'application/json') => {
      record.status = status;
      const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      res.writeHead(status, bytes === undefined ? {} : { 'content-type': type, 'content-length': bytes.length });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    };
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (bearer === null || !standIn.verifyToken(bearer[1])) {
      res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      return answer(401, { error: 'invalid_token', error_description: 'The access token is missing, expired or revoked' });
    }
    const q = record.target.indexOf('?');
    const rawPath = q === -1 ? record.target : record.target.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : record.target.slice(q + 1));
    let s: string[];
    try {
      s = rawPath.split('/').map((segment) => decodeURIComponent(segment));
    } catch {
      return answer(400, { error: { code: 'BadPath', message: 'malformed percent-encoding' } });
    }
    const route = `${req.method} ${s.length}`;
    const notFound = (what: string) => answer(404, { requestId: 'req-404', error: { code: 'ItemNotFound', message: `${what} was not found` } });
    if (s[1] !== 'v9.0') return notFound('the API version');
    if (route === 'GET 5' && s[2] === 'docs' && s[4] === 'summary') {
      if (s[3] === 'missing.docx') return notFound(`Document ${s[3]}`);
      return answer(200, { name: s[3], pageCount: 3, query: q === -1 ? '' : record.target.slice(q + 1) });
    }
    if (route === 'GET 6' && s[2] === 'docs' && s[4] === 'pages') return answer(200, { number: Number(s[5]), text: `page ${s[5]} of ${s[3]}` });
    if (route === 'POST 5' && s[2] === 'docs' && s[4] === 'notes') {
      const note = JSON.parse(record.body.toString('utf8')) as { text?: unknown; tags?: string[] };
      if (typeof note.text !== 'string') return answer(400, { requestId: 'req-400', error: { code: 'BadNote', message: 'text is required' } });
      const source = req.headers['x-note-source'];
      return answer(201, { id: received.length, text: note.text, tags: note.tags ?? [], ...(source === undefined ? {} : { source }) });
    }
    if (s[2] === 'storage' && s[3] === 'file' && s.length >= 5) {
      // A storage path may span folders, as at Aspose: the rest of the route, segments decoded and joined.
      const path = s.slice(4).join('/');
      if (req.method === 'PUT') {
        const file = multipartFile(String(req.headers['content-type']), record.body);
        if (file === undefined) return answer(400, { error: { code: 'BadUpload', message: 'no file part' } });
        files.set(path, file);
        return answer(200, { uploaded: [path] });
      }
      const stored = files.get(path);
      if (stored === undefined) return notFound(`File ${path}`);
      if (req.method === 'GET') return answer(200, stored, 'application/octet-stream');
      if (req.method === 'HEAD') return answer(200);
      if (req.method === 'DELETE') {
        files.delete(path);
        return answer(204);
      }
    }
    if (route === 'POST 3' && s[2] === 'convert') {
      const format = query.get('format');
      const text = record.body.toString('utf8');
      return answer(200, Buffer.from(format === 'upper' ? text.toUpperCase() : text), 'application/octet-stream');
    }
    if (route === 'PATCH 3' && s[2] === 'settings') {
      return answer(200, { locale: 'en', pageSize: 10, ...(record.body.length > 0 ? (JSON.parse(record.body.toString('utf8')) as object) : {}) });
    }
    return notFound(`${req.method} ${rawPath}`);
  };
  const listening = await listen(handler);
  return Object.assign(listening, { received, files });
}

/** The content of the first part of a `multipart/form-data` body that has a file name. */
function multipartFile(contentType: string, body: Buffer): Buffer | undefined {
  const boundary = /boundary=(\S+)/.exec(contentType)?.[1];
  if (boundary === undefined) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const headersEnd = body.indexOf('\r\n\r\n', at);
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (headersEnd === -1 || next === -1) return undefined;
    if (body.subarray(at, headersEnd).includes('filename=')) return body.subarray(headersEnd + 4, next - 2);
    at = next;
  }
  return undefined;
}
