/**
 * Type-level test, checked by `npx tsc -p tsconfig.json` (never run): the
 * typed layer over the `paths` generated from fixtures/products.openapi.yaml
 * refuses a wrong path, a wrong parameter name, a missing required parameter
 * and a wrong body, and infers each call's result. Each `@ts-expect-error`
 * fails the type-check if its line ever compiles.
 */
import type { AsposeClient, AsposeResponse } from 'aspose-cloud-auth';
import { createAsposeApi, type AsposeApiResult } from 'aspose-cloud-auth/openapi';
import type { components, paths } from './fixtures/products';

/** True only when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

type Summary = components['schemas']['Summary'];
type Note = components['schemas']['Note'];
type Settings = components['schemas']['Settings'];

export async function typeCheckOnly(client: AsposeClient, file: Blob): Promise<unknown[]> {
  const api = createAsposeApi<paths>(client, { prefix: '/v9.0' });

  // Positive cases, with the result inferred from the description.
  const summary = await api.GET('/docs/{name}/summary', { params: { path: { name: 'a.docx' }, query: { folder: 'in', pages: [1, 2], withText: true } } });
  assertType<Equal<typeof summary, AsposeApiResult<Summary>>>();
  assertType<Equal<typeof summary.data, Summary>>();
  const page = await api.GET('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'a.docx', pageNumber: 2 } } });
  assertType<Equal<typeof page.data, components['schemas']['Page']>>();
  const note = await api.POST('/docs/{name}/notes', {
    params: { path: { name: 'a.docx' }, header: { 'x-note-source': 'tests' } },
    body: { text: 'hello', tags: ['a'] },
  });
  assertType<Equal<typeof note.data, Note>>();
  const form = new FormData();
  form.append('file', file, 'a.docx');
  const upload = await api.PUT('/storage/file/{path}', { params: { path: { path: 'a.docx' } }, body: form });
  assertType<Equal<typeof upload.data, components['schemas']['FilesUploadResult']>>();
  const deleted = await api.DELETE('/storage/file/{path}', { params: { path: { path: 'a.docx' } } });
  assertType<Equal<typeof deleted.data, undefined>>();
  const exists = await api.HEAD('/storage/file/{path}', { params: { path: { path: 'a.docx' } } });
  assertType<Equal<typeof exists.data, undefined>>();
  // A binary answer is read as asked.
  const bytes = await api.GET('/storage/file/{path}', { params: { path: { path: 'a.docx' } }, parseAs: 'buffer' });
  assertType<Equal<typeof bytes.data, Buffer>>();
  const text = await api.POST('/convert', { params: { query: { format: 'upper' } }, body: Buffer.from('x'), parseAs: 'text' });
  assertType<Equal<typeof text.data, string>>();
  const stream = await api.POST('/convert', { params: { query: { format: 'txt' } }, body: () => Buffer.from('x'), parseAs: 'stream' });
  assertType<Equal<typeof stream.data, AsposeResponse['body']>>();
  // An optional body and no parameters: the init itself may be left out.
  const settings = await api.PATCH('/settings');
  assertType<Equal<typeof settings.data, Settings>>();
  await api.PATCH('/settings', { body: { locale: 'en' }, timeoutMs: 5000, headers: { 'x-extra': '1' } });

  // A path the description does not have.
  // @ts-expect-error -- '/docs/{name}/sumary' is not a path of the description
  await api.GET('/docs/{name}/sumary', { params: { path: { name: 'a.docx' } } });
  // A path that exists, but not for this method.
  // @ts-expect-error -- /convert has no GET
  await api.GET('/convert', { params: { query: { format: 'txt' } } });
  // A wrong path parameter name.
  // @ts-expect-error -- the path parameter is `name`, not `file`
  await api.GET('/docs/{name}/summary', { params: { path: { file: 'a.docx' } } });
  // A wrong query parameter name.
  // @ts-expect-error -- there is no `folders` query parameter
  await api.GET('/docs/{name}/summary', { params: { path: { name: 'a.docx' }, query: { folders: 'in' } } });
  // A wrong query parameter name beside a right one (caught as an excess property).
  // @ts-expect-error -- `storageName` is not a query parameter of this operation
  await api.GET('/docs/{name}/summary', { params: { path: { name: 'a.docx' }, query: { folder: 'in', storageName: 'x' } } });
  // A wrong query parameter type.
  // @ts-expect-error -- `withText` is a boolean
  await api.GET('/docs/{name}/summary', { params: { path: { name: 'a.docx' }, query: { withText: 'yes' } } });
  // A missing required path parameter: no init at all, no params, or one of two.
  // @ts-expect-error -- `name` is required
  await api.GET('/docs/{name}/summary');
  // @ts-expect-error -- `name` is required
  await api.GET('/docs/{name}/summary', {});
  // @ts-expect-error -- `pageNumber` is required
  await api.GET('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'a.docx' } } });
  // A wrong path parameter type.
  // @ts-expect-error -- `pageNumber` is an integer
  await api.GET('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'a.docx', pageNumber: 'two' } } });
  // A missing required query parameter.
  // @ts-expect-error -- `format` is required
  await api.POST('/convert', { body: Buffer.from('x'), parseAs: 'text' });
  // A query value outside the enum.
  // @ts-expect-error -- `format` is 'txt' or 'upper'
  await api.POST('/convert', { params: { query: { format: 'pdf' } }, body: Buffer.from('x'), parseAs: 'text' });
  // Path parameters on a path that has none.
  // @ts-expect-error -- /settings has no path parameters
  await api.PATCH('/settings', { params: { path: { name: 'a' } } });
  // A wrong body type: a field of the wrong type, a missing required field, a body that is not JSON.
  // @ts-expect-error -- `text` is a string
  await api.POST('/docs/{name}/notes', { params: { path: { name: 'a.docx' } }, body: { text: 42 } });
  // @ts-expect-error -- `text` is required
  await api.POST('/docs/{name}/notes', { params: { path: { name: 'a.docx' } }, body: { tags: [] } });
  // @ts-expect-error -- the body is a JSON object, not bytes
  await api.POST('/docs/{name}/notes', { params: { path: { name: 'a.docx' } }, body: Buffer.from('{}') });
  // @ts-expect-error -- a required body left out
  await api.POST('/docs/{name}/notes', { params: { path: { name: 'a.docx' } } });
  // @ts-expect-error -- a multipart body is a FormData
  await api.PUT('/storage/file/{path}', { params: { path: { path: 'a.docx' } }, body: { file: 'x' } });
  // @ts-expect-error -- GET takes no body
  await api.GET('/docs/{name}/pages/{pageNumber}', { params: { path: { name: 'a', pageNumber: 1 } }, body: { x: 1 } });
  // @ts-expect-error -- a wrong header parameter name
  await api.POST('/docs/{name}/notes', { params: { path: { name: 'a.docx' }, header: { 'x-source': 'x' } }, body: { text: 'x' } });
  // A binary answer cannot be parsed as JSON: parseAs must be given, and not be 'json'.
  // @ts-expect-error -- downloadFile answers application/octet-stream
  await api.GET('/storage/file/{path}', { params: { path: { path: 'a.docx' } } });
  // @ts-expect-error -- downloadFile answers application/octet-stream
  await api.GET('/storage/file/{path}', { params: { path: { path: 'a.docx' } }, parseAs: 'json' });
  // @ts-expect-error -- not a parseAs
  await api.GET('/docs/{name}/summary', { params: { path: { name: 'a' } }, parseAs: 'blob' });
  // The result is typed, not `any`.
  // @ts-expect-error -- Summary has no `title`
  void summary.data.title;
  return [summary, page, note, upload, deleted, exists, bytes, text, stream, settings];
}
