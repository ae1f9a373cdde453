// Request bodies that survive a 401 replay: which ones can be sent again, and
// the body each attempt sends. (No internal-tag TSDoc block here: it would attach
// to the import below, and stripInternal would drop the import from the .d.ts.)
import type { Dispatcher } from 'undici';
import { isFormData, withEncodedForm } from './multipart.js';

/**
 * A request body that can be sent more than once, or a function returning a
 * fresh body for each attempt (the way to send a stream that survives a 401
 * replay: `body: () => fs.createReadStream(path)`).
 */
export type BodyFactory = () => Dispatcher.DispatchOptions['body'];

/** Dispatch options whose body may be a {@link BodyFactory}. @internal */
export type DispatchOptionsWithFactory = Omit<Dispatcher.DispatchOptions, 'body'> & { body?: Dispatcher.DispatchOptions['body'] | BodyFactory };

/**
 * True for the body kinds that can be sent again unchanged. `FormData` and
 * `Blob` count: a `FormData` is encoded afresh for every dispatch (see
 * {@link withBody}), a `Blob` is read afresh by undici. Checked by tag, as
 * undici does, since Node's global classes and the undici packages' differ.
 *
 * @internal
 */
export function isReplayable(body: unknown): boolean {
  if (body == null || typeof body === 'string' || typeof body === 'function' || body instanceof Uint8Array || body instanceof ArrayBuffer) return true;
  const tag = (body as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  return tag === 'FormData' || tag === 'Blob' || tag === 'File';
}

/**
 * The request with `body` and `headers`; a `FormData` body is sent encoded
 * (see {@link withEncodedForm}): each undici encodes only its own package's
 * `FormData` class, and the dispatcher underneath may be any. Called per
 * attempt, so a 401 replay encodes afresh.
 *
 * @internal
 */
export function withBody(
  opts: Dispatcher.DispatchOptions | DispatchOptionsWithFactory,
  body: Dispatcher.DispatchOptions['body'] | BodyFactory,
  headers: Dispatcher.DispatchOptions['headers'],
): Dispatcher.DispatchOptions {
  if (isFormData(body)) return withEncodedForm({ ...opts, headers }, body);
  return { ...opts, body, headers } as Dispatcher.DispatchOptions;
}
