import type { IncomingMessage, ServerResponse } from 'node:http';

/** Writes a JSON answer (a string body is sent as it is) and returns its status, for the request log. @internal */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
  return status;
}

/** Reads a request body, keeping at most `limit` bytes of it (the rest is read and dropped, so the socket stays usable). @internal */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a request body to its end and drops it, so the answer never races an unread upload. @internal */
export async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

/**
 * Reads a whole request body if it is at most `limit` bytes; past that it reads
 * the rest and drops it (so the socket stays usable) and resolves undefined,
 * for a 413. `onChunk` sees each chunk's size as it arrives.
 *
 * @internal
 */
export async function readBodyWithin(req: IncomingMessage, limit: number, onChunk?: (size: number) => void): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    onChunk?.((chunk as Buffer).length);
    if (size <= limit) chunks.push(chunk as Buffer);
    else chunks.length = 0;
  }
  return size <= limit ? Buffer.concat(chunks) : undefined;
}

/** Writes `body` as it is, with `contentType`, and returns the status. @internal */
export function sendBytes(res: ServerResponse, status: number, contentType: string, body: Buffer | string): number {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
  return status;
}

/** Answers `status` with no body (Aspose's answer to a delete or a folder creation). @internal */
export function sendEmpty(res: ServerResponse, status = 200): number {
  res.writeHead(status, { 'content-length': 0 }).end();
  return status;
}
