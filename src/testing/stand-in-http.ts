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
