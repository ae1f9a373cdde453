import { randomBytes } from 'node:crypto';
import type { Dispatcher } from 'undici';

type Headers = Dispatcher.DispatchOptions['headers'];

/** The entries of a `FormData` of any class: Node's global one, undici 7's, undici 8's. @internal */
export type FormEntries = Iterable<[string, string | Blob]>;

/** True for a `FormData` of any class (by tag, as undici checks). @internal */
export function isFormData(body: unknown): body is FormEntries {
  return typeof body === 'object' && body !== null && (body as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'FormData';
}

/** A `FormData` encoded once: its type (with the boundary), exact length, and a fresh byte stream per call. @internal */
export interface EncodedForm {
  contentType: string;
  length: number;
  /** The body's bytes, from the start: call it once per attempt (a 401 replay reads it again). */
  open(): AsyncIterable<Uint8Array>;
}

/**
 * Encodes a `FormData` as `multipart/form-data`, for whatever dispatcher is
 * underneath. Each undici encodes only the `FormData` class of its own
 * package instance: undici 7 fails on Node's global one ("action is not a
 * function"), undici 8 refuses any other ("body must be a FormData created
 * by this undici package instance"), and the dispatcher may be either. So
 * the entries are written out the way undici writes them (line breaks in
 * names and text values normalised to CRLF; `"`, CR and LF in names and file
 * names percent-encoded), file contents streamed from their `Blob`s, never
 * copied, with the exact length.
 *
 * @internal
 */
export function encodeFormData(form: FormEntries): EncodedForm {
  const boundary = `----formdata-aspose-${randomBytes(12).toString('hex')}`;
  const encoder = new TextEncoder();
  const parts: (Uint8Array | Blob)[] = [];
  let length = 0;
  const text = (s: string) => {
    const bytes = encoder.encode(s);
    parts.push(bytes);
    length += bytes.length;
  };
  for (const [name, value] of form) {
    const disposition = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(crlf(name))}"`;
    if (typeof value === 'string') {
      text(`${disposition}\r\n\r\n${crlf(value)}\r\n`);
    } else {
      const filename = (value as { name?: string }).name;
      text(`${disposition}${filename ? `; filename="${escapeName(filename)}"` : ''}\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`);
      parts.push(value);
      length += value.size;
      text('\r\n');
    }
  }
  text(`--${boundary}--\r\n`);
  return { contentType: `multipart/form-data; boundary=${boundary}`, length, open: () => partsStream(parts) };
}

/**
 * The request options with a `FormData` body replaced by its encoding: a
 * byte stream (an async iterable, which undici 7 and 8 both take) and the
 * matching `Content-Type` and `Content-Length`. A new boundary per call, so
 * a replay encodes afresh.
 *
 * @internal
 */
export function withEncodedForm<O extends { headers?: Headers | null }>(opts: O, form: FormEntries): O & { body: Dispatcher.DispatchOptions['body'] } {
  const encoded = encodeFormData(form);
  return {
    ...opts,
    body: encoded.open() as unknown as Dispatcher.DispatchOptions['body'],
    headers: withContentHeaders(opts.headers, encoded.length, encoded.contentType),
  };
}

async function* partsStream(parts: readonly (Uint8Array | Blob)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    // Told apart by shape, not `instanceof`: a Blob may come from another realm.
    if (typeof (part as Blob).stream !== 'function') yield part as Uint8Array;
    else for await (const chunk of (part as Blob).stream()) yield chunk as Uint8Array;
  }
}

function crlf(s: string): string {
  return s.replace(/\r\n|\r|\n/g, '\r\n');
}

function escapeName(s: string): string {
  return s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}

/** What undici takes as a header value (numbers are sent as their text). */
type HeaderValue = string | number | boolean;

function headerText(value: HeaderValue): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * The caller's headers, in any form undici takes, as a flat list with our
 * `Content-Length` (and `Content-Type`, when given) in place of theirs: a
 * type set by the caller for a `FormData` body cannot name the boundary,
 * which is chosen here.
 *
 * @internal
 */
export function withContentHeaders(headers: Headers | null | undefined, length: number, type?: string): string[] {
  const out: string[] = [];
  const add = (k: unknown, v: unknown) => {
    if (v == null) return;
    const name = String(k);
    const lower = name.toLowerCase();
    if (lower === 'content-length' || (type !== undefined && lower === 'content-type')) return;
    if (Array.isArray(v)) for (const item of v as unknown[]) out.push(name, headerText(item as HeaderValue));
    else out.push(name, headerText(v as HeaderValue));
  };
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) for (const [k, v] of headers as unknown as Iterable<[string, unknown]>) add(k, v);
    else for (let i = 0; i < headers.length; i += 2) add(headers[i], headers[i + 1]);
  } else if (headers != null) {
    if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') for (const [k, v] of headers as Iterable<[string, unknown]>) add(k, v);
    else for (const k in headers as Record<string, unknown>) add(k, (headers as Record<string, unknown>)[k]);
  }
  if (type !== undefined) out.push('content-type', type);
  out.push('content-length', String(length));
  return out;
}
