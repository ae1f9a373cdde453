import type { Dispatcher } from 'undici';
import { encodeFormData, isFormData, withContentHeaders } from './multipart.js';

/** What an upload reports to: the request limits. @internal */
export interface UploadObserver {
  /** A chunk of the body was taken by the connection. */
  uploadMoved(): void;
  /** The whole body was taken (or the upload ended early). */
  uploadEnded(): void;
}

/** Bodies up to this size are handed to undici whole: they are written in one go. */
const WHOLE_BODY_BYTES = 256 * 1024;
/** Larger byte bodies are handed over in chunks of this size, so their progress shows. */
const CHUNK_BYTES = 64 * 1024;

type Body = Dispatcher.DispatchOptions['body'];
type Options = Dispatcher.DispatchOptions;

/**
 * The request options with a body whose upload progress `observer` sees,
 * or `opts` itself when there is nothing to watch (no body, a small one).
 *
 * undici's own upload hooks (`onBodySent`) do not reach the handler of an
 * interceptor in undici 7 (its dispatchers convert the handler first), so
 * progress is seen where undici takes the body: each chunk it pulls from
 * the body is a chunk the connection had room for.
 *
 * - a stream or any (async) iterable: wrapped, chunks passed on as they come;
 * - a `Buffer`/`Uint8Array`/string above 256 KiB: handed over in 64 KiB
 *   chunks, with its exact `Content-Length`, as a body factory (so it is
 *   still replayable after a 401);
 * - a `FormData`: encoded here (see `encodeFormData`), as a body factory
 *   with its `Content-Type` and `Content-Length`, so replayable too;
 * - a body factory: each body it makes is watched the same way.
 *
 * A `Blob` and small bodies are left alone: they are taken at once.
 *
 * @internal
 */
export function watchUpload(opts: Options, observer: UploadObserver): Options {
  const body = opts.body as unknown;
  if (body == null) return opts;
  if (typeof body === 'function') {
    const factory = body as () => unknown;
    return { ...opts, body: (() => watchedBody(factory(), observer)) as unknown as Body };
  }
  if (isFormData(body)) {
    const encoded = encodeFormData(body);
    return {
      ...opts,
      headers: withContentHeaders(opts.headers, encoded.length, encoded.contentType),
      body: (() => watched(encoded.open(), observer)) as unknown as Body,
    };
  }
  const bytes = largeBytes(body);
  if (bytes !== undefined) {
    return { ...opts, headers: withContentHeaders(opts.headers, bytes.length), body: (() => watched(chunksOf(bytes), observer)) as unknown as Body };
  }
  if (isIterable(body)) return { ...opts, body: watched(body, observer) as unknown as Body };
  return opts;
}

/** What a body factory made, watched where it can be (its headers are fixed already, so only streams and iterables). */
function watchedBody(body: unknown, observer: UploadObserver): unknown {
  return isIterable(body) && !isFormData(body) ? watched(body, observer) : body;
}

/** A stream, or an (async) iterable that is not a string, bytes or a `FormData`. */
function isIterable(body: unknown): body is AsyncIterable<unknown> | Iterable<unknown> {
  if (typeof body !== 'object' || body === null || body instanceof Uint8Array || isFormData(body)) return false;
  return typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' || typeof (body as Iterable<unknown>)[Symbol.iterator] === 'function';
}

function largeBytes(body: unknown): Uint8Array | undefined {
  if (typeof body === 'string') return body.length > WHOLE_BODY_BYTES / 3 && Buffer.byteLength(body) > WHOLE_BODY_BYTES ? Buffer.from(body) : undefined;
  return body instanceof Uint8Array && body.length > WHOLE_BODY_BYTES ? body : undefined;
}

function* chunksOf(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) yield bytes.subarray(i, i + CHUNK_BYTES);
}

/**
 * Passes `source`'s chunks on, telling `observer` of each. When undici stops
 * early (an error, an abort, an answer before the upload ended) it ends this
 * iteration, and `for await` ends the source's in turn: a stream is
 * destroyed, as undici would have destroyed it.
 */
async function* watched(source: AsyncIterable<unknown> | Iterable<unknown>, observer: UploadObserver): AsyncGenerator<unknown> {
  try {
    for await (const chunk of source) {
      observer.uploadMoved();
      yield chunk;
    }
  } finally {
    observer.uploadEnded();
  }
}
