/**
 * `FormData` bodies are encoded by the library itself, whatever the class
 * (Node's global, undici 7's, undici 8's) and whatever the dispatcher
 * underneath: each undici encodes only its own package instance's class.
 * The bytes must be those undici 7 sends for its own class, boundary aside,
 * with an exact `Content-Length`. Runs on every Node (the undici 8
 * dispatchers are covered in undici8.test.ts).
 */
import { FormData as Undici7FormData, request } from 'undici';
import { AsposeClient } from 'aspose-cloud-auth';
import { cleanup, track } from '../support/cleanup';
import { captureServer, type CaptureServer } from '../support/servers';

afterEach(cleanup);

type AnyForm = { append(name: string, value: string | Blob, filename?: string): void };

/** Awkward but legal entries: line breaks and quotes in names, values and file names, non-ASCII, files with and without a type or a name. */
function fill<F extends AnyForm>(form: F): F {
  form.append('folder', 'in/reports');
  form.append('multi\r\nline "name"', 'value\rwith\nevery\r\nline break');
  form.append('ünïcödé', 'välüe ✓');
  form.append('file', new Blob(['%PDF-1.7 ', Buffer.alloc(70_000, 0x41)], { type: 'application/pdf' }), 'report "q3"\n.pdf');
  form.append('untyped', new Blob(['plain']), 'notes.txt');
  form.append('unnamed', new Blob(['anonymous blob']));
  form.append('empty', new Blob([]), 'empty.bin');
  return form;
}

/** The body with its boundary replaced by a fixed marker, so two encodings compare byte for byte. */
function unbound(received: { headers: Record<string, unknown>; body: Buffer }): string {
  const boundary = /boundary=(.+)$/.exec(String(received.headers['content-type']))![1];
  return received.body.toString('latin1').split(boundary).join('<BOUNDARY>');
}

function noAuthClient(capture: CaptureServer): AsposeClient {
  return track(new AsposeClient({ auth: 'none', baseUrl: capture.url }), (c) => c.close());
}

test.each([
  ["Node's global FormData", () => new globalThis.FormData() as AnyForm],
  ["undici 7's FormData", () => new Undici7FormData() as unknown as AnyForm],
])('%s is sent byte for byte as undici 7 encodes its own FormData, with an exact Content-Length', async (_, makeForm) => {
  const capture = await captureServer();
  // The reference: undici 7 encoding its own class, no library involved.
  const reference = await request(`${capture.url}/reference`, { method: 'PUT', body: fill(new Undici7FormData()) });
  await reference.body.dump();
  const aspose = noAuthClient(capture);
  const res = await aspose.request({ method: 'PUT', path: '/v4.0/words/storage/file/in/report.pdf', body: fill(makeForm()) as FormData });
  await res.body.dump();
  const [expected, received] = capture.requests;
  expect(received.headers['content-type']).toMatch(/^multipart\/form-data; boundary=-{4}\S+$/);
  expect(received.headers['content-length']).toBe(String(received.body.length));
  expect(unbound(received)).toBe(unbound(expected));
});

test('the caller keeps its own headers in any form undici takes; a Content-Length it set for a FormData body is replaced by the real one', async () => {
  const capture = await captureServer();
  const aspose = noAuthClient(capture);
  const form = new globalThis.FormData();
  form.append('a', 'b');
  const asObject = await aspose.request({ method: 'PUT', path: '/v4.0/x', headers: { 'x-trace': 'one', 'Content-Length': '1' }, body: form });
  await asObject.body.dump();
  const viaDispatcher = await request(`${capture.url}/v4.0/y`, {
    method: 'PUT',
    dispatcher: aspose.dispatcher,
    headers: ['x-trace', 'two', 'x-trace', 'three'],
    body: form as never,
  });
  await viaDispatcher.body.dump();
  const [first, second] = capture.requests;
  expect(first.headers).toMatchObject({ 'x-trace': 'one', 'content-length': String(first.body.length) });
  expect(second.headers).toMatchObject({ 'x-trace': 'two, three', 'content-length': String(second.body.length) });
  for (const r of [first, second]) expect(r.body.toString('latin1')).toContain('name="a"\r\n\r\nb\r\n');
});

test('a Content-Type the caller set for a FormData body is replaced: only the encoder knows the boundary', async () => {
  const capture = await captureServer();
  const aspose = noAuthClient(capture);
  const form = new globalThis.FormData();
  form.append('a', 'b');
  const res = await aspose.request({ method: 'PUT', path: '/v4.0/x', headers: { 'Content-Type': 'multipart/form-data' }, body: form });
  await res.body.dump();
  const [received] = capture.requests;
  const type = String(received.headers['content-type']);
  expect(type).toMatch(/^multipart\/form-data; boundary=-{4}\S+$/);
  const boundary = /boundary=(.+)$/.exec(type)![1];
  expect(received.body.toString('latin1')).toBe(`--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--${boundary}--\r\n`);
});
