import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * The caller's request body on its way upstream: a pass-through that counts
 * bytes and fails once `maxBytes` is passed. It holds at most its own small
 * buffers; backpressure from the upstream socket pauses the caller's socket.
 *
 * It stands between the request and undici (`req.pipe(body)`, not
 * `pipeline`) so that when undici drops the body (the upstream answered
 * early, or the limit was hit) it drops this stream and not the caller's
 * socket: the proxy can still answer.
 *
 * @internal
 */
export class RequestBody extends Transform {
  /** Bytes passed so far. */
  bytes = 0;
  /** True once the limit was passed. */
  tooLarge = false;
  readonly #maxBytes: number;

  constructor(req: IncomingMessage, maxBytes: number) {
    super();
    this.#maxBytes = maxBytes;
    req.pipe(this);
    // pipe() does not pass on errors: a caller who goes away mid-upload must end the upstream request too.
    const onClose = () => {
      if (!req.complete && !this.destroyed) this.destroy(new Error('the caller closed the connection before sending the whole body'));
    };
    req.once('close', onClose);
    this.once('close', () => {
      req.off('close', onClose);
      req.unpipe(this);
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.#maxBytes) {
      this.tooLarge = true;
      callback(new Error('request body too large'));
      return;
    }
    callback(null, chunk);
  }
}

/**
 * True when the request announces a body (RFC 9112 §6.3: a non-zero
 * Content-Length, or Transfer-Encoding). Compares without converting: a
 * middleware in front may have set either header to anything (`null`
 * stands for none, as in the header filter).
 *
 * @internal
 */
export function hasRequestBody(req: IncomingMessage): boolean {
  const te: unknown = req.headers['transfer-encoding'];
  if (te !== undefined && te !== null) return true;
  const cl: unknown = req.headers['content-length'];
  return cl !== undefined && cl !== null && cl !== '0' && cl !== 0;
}
