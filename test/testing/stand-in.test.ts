/**
 * The stand-in itself (`aspose-cloud-auth/testing`), with its defaults unless
 * a test says otherwise: strict about routes, storage in memory, documents
 * only from storage, BarCode pictures that are real images.
 */
import { inflateSync } from 'node:zlib';
import { FormData, request } from 'undici';
import { startAsposeStandIn, type AsposeStandIn, type AsposeStandInOptions } from 'aspose-cloud-auth/testing';
import { parseMultipart } from '../../src/testing/stand-in-multipart';
import { cleanup, track } from '../support/cleanup';

interface Answer {
  status: number;
  type: string | undefined;
  body: Buffer;
  json: () => any;
}

async function start(options: AsposeStandInOptions = {}): Promise<AsposeStandIn> {
  return track(await startAsposeStandIn(options), (s) => s.close());
}

/** Sends one authorised request to `s` and reads the whole answer. */
async function call(
  s: AsposeStandIn,
  method: string,
  path: string,
  init: { body?: string | Buffer | FormData; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await request(`${s.url}${path}`, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${s.issueToken()}`, ...init.headers },
    body: init.body,
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  const type = res.headers['content-type'];
  return { status: res.statusCode, type: typeof type === 'string' ? type : undefined, body, json: () => JSON.parse(body.toString('utf8')) };
}

afterEach(cleanup);

describe('strict routes', () => {
  it('answers a route it does not model 404 in the product’s error shape, naming the method and path', async () => {
    const s = await start();
    const words = await call(s, 'GET', '/v4.0/words/a.docx/tables/0/cells');
    expect(words.status).toBe(404);
    expect(words.json()).toMatchObject({ RequestId: expect.any(String), Error: { Code: 'NotFound' } });
    expect(words.json().Error.Message).toContain('does not model GET /v4.0/words/a.docx/tables/0/cells');
    expect(words.json().Error.Message).toContain("unknownRoutes: 'echo'");

    const barcode = await call(s, 'POST', '/v4.0/barcode/generate', { body: '{"data":"x"}' });
    expect(barcode.status).toBe(404);
    expect(barcode.json()).toMatchObject({
      requestId: expect.any(String),
      error: { code: 'NotFound', message: expect.stringContaining('POST /v4.0/barcode/generate') },
    });

    const pdf = await call(s, 'PUT', '/v3.0/pdf/a.pdf/pages/1/rotate');
    expect(pdf.json()).toMatchObject({ Code: 404, Message: expect.stringContaining('does not model PUT /v3.0/pdf/a.pdf/pages/1/rotate') });
    // A method the route does not take is not modelled either.
    expect((await call(s, 'DELETE', '/v4.0/words/a.docx')).status).toBe(404);
    expect(s.log.map((r) => r.status)).toEqual([404, 404, 404, 404]);
  });

  it('keeps a huge path out of the message', async () => {
    const s = await start();
    const r = await call(s, 'GET', `/v4.0/words/${'x/'.repeat(4000)}`);
    expect(r.status).toBe(404);
    expect(r.body.length).toBeLessThan(2000);
  });

  it("echoes any /vN.N/… path with unknownRoutes: 'echo', and /__stand-in/echo/… in either mode", async () => {
    const echo = await start({ unknownRoutes: 'echo' });
    const r = await call(echo, 'PUT', '/v9.9/anything/here?a=1', { body: 'four' });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({
      method: 'PUT',
      path: '/v9.9/anything/here',
      query: { a: '1' },
      bodyBytes: 4,
      headers: { authorization: '[valid bearer token]' },
    });
    // Modelled routes still answer as modelled.
    expect((await call(echo, 'GET', '/v4.0/words/nope.docx')).status).toBe(404);

    const strict = await start();
    expect((await call(strict, 'POST', '/__stand-in/echo/x', { body: 'ab' })).json()).toMatchObject({
      method: 'POST',
      path: '/__stand-in/echo/x',
      bodyBytes: 2,
    });
    expect((await call(strict, 'GET', '/__stand-in/echo')).status).toBe(200);
  });
});

describe('custom routes', () => {
  it('answers fixed answers and handlers, before the built-in routes, with params, query, body and storage', async () => {
    const s = await start({
      routes: [
        { method: 'GET', path: '/v3.0/slides/:name/slides', answer: { body: { Slides: { SlideList: [{ Href: 'x' }] } } } },
        { method: 'GET', path: '/v4.0/words/:name', answer: { status: 418, headers: { 'x-mine': '1' }, body: 'short and stout' } },
        {
          method: ['PUT', 'POST'],
          path: '/v1.0/things/*rest',
          handler: ({ method, params, query, body, storage }) => {
            storage.put(`things/${params.rest}`, body);
            return { status: 201, body: { method, rest: params.rest, q: query.get('q'), size: body.length } };
          },
        },
      ],
    });
    s.addRoute({ method: '*', path: '/v1.0/bytes', answer: { body: new Uint8Array([1, 2, 3]) } });

    const slides = await call(s, 'GET', '/v3.0/slides/a.pptx/slides');
    expect([slides.status, slides.json()]).toEqual([200, { Slides: { SlideList: [{ Href: 'x' }] } }]);
    const teapot = await call(s, 'GET', '/v4.0/words/a.docx');
    expect([teapot.status, teapot.type, teapot.body.toString()]).toEqual([418, 'text/plain; charset=utf-8', 'short and stout']);
    const thing = await call(s, 'POST', '/v1.0/things/a/b?q=z', { body: 'hello' });
    expect([thing.status, thing.json()]).toEqual([201, { method: 'POST', rest: 'a/b', q: 'z', size: 5 }]);
    expect(s.storage.get('things/a/b')?.bytes.toString()).toBe('hello');
    const bytes = await call(s, 'DELETE', '/v1.0/bytes');
    expect([bytes.type, [...bytes.body]]).toEqual(['application/octet-stream', [1, 2, 3]]);
  });

  it('refuses a route with neither or both of answer and handler', async () => {
    await expect(start({ routes: [{ method: 'GET', path: '/x' }] })).rejects.toThrow(/exactly one of answer and handler/);
    const s = await start();
    expect(() => s.addRoute({ method: 'GET', path: 'no-slash', answer: {} })).toThrow(/starts with \//);
  });
});

describe('storage', () => {
  it('uploads a raw body, downloads the same bytes, checks existence, lists, deletes: in every product’s storage path', async () => {
    const s = await start();
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
    const up = await call(s, 'PUT', '/v4.0/words/storage/file/in/a.bin', { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    expect([up.status, up.json()]).toEqual([200, { Uploaded: ['in/a.bin'], Errors: [] }]);
    // One storage for every product, as an Aspose account's.
    for (const prefix of ['/v4.0/words/storage', '/v4.0/cells/storage', '/v3.0/pdf/storage']) {
      const down = await call(s, 'GET', `${prefix}/file/in/a.bin`);
      expect([prefix, down.status, down.type, down.body.equals(bytes)]).toEqual([prefix, 200, 'application/octet-stream', true]);
      expect((await call(s, 'GET', `${prefix}/exist/in/a.bin`)).json()).toEqual({ Exists: true, IsFolder: false });
      expect((await call(s, 'GET', `${prefix}/exist/in`)).json()).toEqual({ Exists: true, IsFolder: true });
      expect((await call(s, 'GET', `${prefix}/exist/in/b.bin`)).json()).toEqual({ Exists: false, IsFolder: false });
    }
    await call(s, 'PUT', '/v4.0/words/storage/folder/in/sub');
    const list = await call(s, 'GET', '/v4.0/words/storage/folder/in');
    expect(list.json().Value).toEqual([
      { Name: 'sub', IsFolder: true, ModifiedDate: expect.any(String), Size: 0, Path: '/in/sub' },
      { Name: 'a.bin', IsFolder: false, ModifiedDate: expect.any(String), Size: 1000, Path: '/in/a.bin' },
    ]);
    expect((await call(s, 'DELETE', '/v3.0/pdf/storage/file/in/a.bin')).status).toBe(200);
    expect(s.storage.has('in/a.bin')).toBe(false);
    const missing = await call(s, 'GET', '/v3.0/pdf/storage/file/in/a.bin');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ Code: 404, Message: expect.stringContaining("'in/a.bin'") });
    expect((await call(s, 'DELETE', '/v4.0/words/storage/file/in/a.bin')).json()).toMatchObject({ Error: { Code: 'ErrorItemNotFound' } });
  });

  it('takes the file part of a multipart upload, and keeps storages apart by storageName', async () => {
    const s = await start();
    const form = new FormData();
    form.append('folder', 'ignored');
    form.append('file', new Blob([Buffer.from('the file')]), 'x.docx');
    const up = await call(s, 'PUT', '/v4.0/words/storage/file/x.docx?storageName=Other', { body: form });
    expect(up.status).toBe(200);
    expect(s.storage.get('x.docx', { storageName: 'Other' })?.bytes.toString()).toBe('the file');
    expect(s.storage.has('x.docx')).toBe(false);
    expect((await call(s, 'GET', '/v4.0/words/storage/file/x.docx')).status).toBe(404);
    expect((await call(s, 'GET', '/v4.0/words/storage/file/x.docx?storageName=Other&versionId=v1')).body.toString()).toBe('the file');
    expect((await call(s, 'GET', '/v4.0/cells/storage/Other/exist')).json()).toEqual({ Exists: true });
    expect((await call(s, 'GET', '/v4.0/cells/storage/Nowhere/exist')).json()).toEqual({ Exists: false });
  });

  it('answers a seeded file, refuses climbing paths and malformed forms with 400, and bodies over maxBodyBytes with 413', async () => {
    const s = await start({ maxBodyBytes: 1024 });
    s.storage.put('/seeded//report.pdf', '%PDF-1.4 seeded');
    expect((await call(s, 'GET', '/v3.0/pdf/storage/file/seeded/report.pdf')).body.toString()).toBe('%PDF-1.4 seeded');
    expect((await call(s, 'GET', '/v4.0/words/storage/file/a%2F..%2Fb')).status).toBe(400);
    expect((await call(s, 'GET', '/v4.0/words/storage/file/%E0%A4%A')).status).toBe(400);
    const bad = await call(s, 'PUT', '/v4.0/words/storage/file/f.bin', {
      body: '--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nno closing delimiter',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expect([bad.status, bad.json().Error.Message]).toEqual([400, expect.stringContaining('malformed')]);
    const big = await call(s, 'PUT', '/v4.0/words/storage/file/big.bin', { body: Buffer.alloc(2048) });
    expect(big.status).toBe(413);
    expect(s.storage.paths()).toEqual(['seeded/report.pdf']);
  });
});

describe('documents', () => {
  it('Words info, statistics and download in a format answer for stored documents only', async () => {
    const s = await start();
    expect((await call(s, 'GET', '/v4.0/words/a.docx')).status).toBe(404);
    expect((await call(s, 'GET', '/v4.0/words/a.docx/statistics')).json()).toMatchObject({ Error: { Code: 'ErrorItemNotFound' } });
    s.storage.put('in/a.docx', 'docx', { pages: 2, words: 10, paragraphs: 3 });
    expect((await call(s, 'GET', '/v4.0/words/a.docx?folder=in')).json().Document).toMatchObject({ FileName: 'a.docx', SourceFormat: 'Docx' });
    expect((await call(s, 'GET', '/v4.0/words/a.docx/statistics?folder=in')).json().StatData).toMatchObject({
      WordCount: 10,
      ParagraphCount: 3,
      PageCount: 2,
      PageStatData: [{ PageNumber: 1 }, { PageNumber: 2 }],
    });
    const pdf = await call(s, 'GET', '/v4.0/words/a.docx?folder=in&format=pdf');
    expect([pdf.type, pdf.body.subarray(0, 5).toString()]).toEqual(['application/pdf', '%PDF-']);
    expect(pdf.body.toString('latin1')).toMatch(/%%EOF\n$/);
  });

  it("'documents: any' answers any name but missing…", async () => {
    const s = await start({ documents: 'any' });
    expect((await call(s, 'GET', '/v4.0/words/anything.doc')).json().Document).toMatchObject({ FileName: 'anything.doc', SourceFormat: 'Doc' });
    expect((await call(s, 'GET', '/v4.0/words/missing.docx')).status).toBe(404);
  });

  it('converts a document to the asked format: PDF, a DOCX that is a real ZIP, text; 400 for a format it does not model', async () => {
    const s = await start();
    const docx = await call(s, 'PUT', '/v4.0/words/convert?format=docx', { body: 'source' });
    expect(docx.type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(docx.body.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    // The end-of-central-directory record names 3 entries and the directory's offset, which holds one.
    const eocd = docx.body.length - 22;
    expect(docx.body.readUInt32LE(eocd)).toBe(0x06054b50);
    expect(docx.body.readUInt16LE(eocd + 10)).toBe(3);
    expect(docx.body.readUInt32LE(docx.body.readUInt32LE(eocd + 16))).toBe(0x02014b50);
    const form = new FormData();
    form.append('Document', new Blob(['source']), 'a.docx');
    const pdf = await call(s, 'PUT', '/v4.0/words/convert?format=pdf', { body: form });
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    const odd = await call(s, 'PUT', '/v4.0/words/convert?format=xps', { body: 'source' });
    expect([odd.status, odd.json().Error.Message]).toEqual([400, expect.stringContaining("does not model conversion to 'xps'")]);
  });

  it('PDF document and pages, Cells workbook and worksheets, from what the file was stored with', async () => {
    const s = await start();
    s.storage.put('p.pdf', '%PDF', { pages: 3 });
    s.storage.put('w/b.xlsx', 'xlsx', { worksheets: ['One', 'Two'] });
    expect((await call(s, 'GET', '/v3.0/pdf/p.pdf/pages')).json().Pages.List.map((p: { Id: number }) => p.Id)).toEqual([1, 2, 3]);
    expect((await call(s, 'GET', '/v3.0/pdf/p.pdf')).json()).toMatchObject({ Code: 200, Status: 'OK', Document: { Pages: { List: expect.any(Array) } } });
    const sheets = (await call(s, 'GET', '/v3.0/cells/b.xlsx/worksheets?folder=w')).json();
    expect(sheets.Worksheets.WorksheetList.map((w: { link: { Title: string } }) => w.link.Title)).toEqual(['One', 'Two']);
    expect((await call(s, 'GET', '/v3.0/cells/b.xlsx?folder=w')).json().Workbook).toMatchObject({ FileName: 'b.xlsx' });
    expect((await call(s, 'GET', '/v3.0/cells/b.xlsx?folder=w&format=pdf')).type).toBe('application/pdf');
    expect((await call(s, 'GET', '/v3.0/pdf/q.pdf/pages')).json()).toMatchObject({ Code: 404 });
    expect((await call(s, 'GET', '/v3.0/cells/b.xlsx/worksheets')).status).toBe(404);
  });
});

describe('BarCode v4', () => {
  it('generates by JSON body and by form, as imageFormat asks; 400 for what it would refuse or does not draw', async () => {
    const s = await start();
    const body = await call(s, 'POST', '/v4.0/barcode/generate-body', {
      body: JSON.stringify({ barcodeType: 'QR', encodeData: { data: 'x' }, barcodeImageParams: { imageFormat: 'Svg' } }),
      headers: { 'content-type': 'application/json' },
    });
    expect([body.type, body.body.toString()]).toEqual(['image/svg+xml', expect.stringContaining('<title>QR: x</title>')]);
    const form = new FormData();
    form.append('barcodeType', 'Code128');
    form.append('data', '123');
    const png = await call(s, 'POST', '/v4.0/barcode/generate-multipart', { body: form });
    expect(png.type).toBe('image/png');
    const idat = png.body.subarray(8 + 25 + 8, 8 + 25 + 8 + png.body.readUInt32BE(8 + 25));
    expect(inflateSync(idat).length).toBeGreaterThan(0);

    expect((await call(s, 'GET', '/v4.0/barcode/generate/QR')).json()).toMatchObject({
      error: { code: 'BadRequest', message: "The 'data' parameter is required" },
    });
    expect((await call(s, 'GET', '/v4.0/barcode/generate/QR?data=x&imageFormat=Jpeg')).json().error.message).toContain('does not draw imageFormat=Jpeg');
    expect((await call(s, 'GET', '/v4.0/barcode/generate/QR?data=x&imageFormat=Bmp')).status).toBe(400);
    expect((await call(s, 'POST', '/v4.0/barcode/generate-body', { body: '[1]' })).status).toBe(400);
    expect((await call(s, 'POST', '/v4.0/barcode/generate-multipart', { body: 'not a form' })).status).toBe(400);
  });

  it('recognize and scan answer what the test set, by GET, body and form, and keep the image', async () => {
    const s = await start();
    expect((await call(s, 'GET', '/v4.0/barcode/scan?fileUrl=https%3A%2F%2Fexample.com%2Fa.png')).json()).toEqual({ barcodes: [] });
    s.barcode.setRecognized([
      { barcodeValue: 'hello', type: 'QR' },
      { barcodeValue: '42', type: 'Code128', checksum: '7', region: [{ x: 1, y: 2 }] },
    ]);
    const expected = {
      barcodes: [
        {
          barcodeValue: 'hello',
          type: 'QR',
          region: [
            { x: 0, y: 0 },
            { x: 100, y: 0 },
            { x: 100, y: 50 },
            { x: 0, y: 50 },
          ],
        },
        { barcodeValue: '42', type: 'Code128', checksum: '7', region: [{ x: 1, y: 2 }] },
      ],
    };
    expect((await call(s, 'GET', '/v4.0/barcode/recognize?barcodeType=QR&fileUrl=u')).json()).toEqual(expected);
    const b64 = Buffer.from('image bytes').toString('base64');
    expect((await call(s, 'POST', '/v4.0/barcode/recognize-body', { body: JSON.stringify({ barcodeTypes: ['QR'], fileBase64: b64 }) })).json()).toEqual(
      expected,
    );
    expect((await call(s, 'POST', '/v4.0/barcode/scan-body', { body: JSON.stringify({ fileBase64: b64 }) })).json()).toEqual(expected);
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('form image')]), 'a.png');
    expect((await call(s, 'POST', '/v4.0/barcode/scan-multipart', { body: form })).json()).toEqual(expected);
    expect([s.barcode.imagesReceived, s.barcode.lastImage?.toString()]).toEqual([3, 'form image']);

    expect((await call(s, 'GET', '/v4.0/barcode/recognize?fileUrl=u')).status).toBe(400);
    expect((await call(s, 'POST', '/v4.0/barcode/recognize-body', { body: JSON.stringify({ fileBase64: b64 }) })).status).toBe(400);
    const noType = new FormData();
    noType.append('file', new Blob([Buffer.from('x')]), 'a.png');
    expect((await call(s, 'POST', '/v4.0/barcode/recognize-multipart', { body: noType })).status).toBe(400);
  });
});

describe('the multipart reader against hostile input', () => {
  it('gives up on malformed forms without throwing', () => {
    const cases = [
      '',
      '--b',
      '--b\r\n',
      '--b\r\n\r\n',
      '--b\r\nx: y\r\n\r\nbody',
      '--bX\r\n',
      `--b\r\n${'h'.repeat(9000)}\r\n\r\n\r\n--b--`,
      '--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--',
    ];
    for (const c of cases) expect({ c: c.slice(0, 20), parts: parseMultipart(Buffer.from(c), 'b') }).toEqual({ c: c.slice(0, 20), parts: undefined });
    expect(parseMultipart(Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--'), 'b')).toEqual([
      { name: 'a', filename: undefined, contentType: undefined, data: Buffer.from('x') },
    ]);
  });

  it('costs time linear in the body: 4 MiB of near-delimiters against 4 MiB of letters, by ratio', () => {
    const size = 4 * 1024 * 1024;
    const boundary = 'x'.repeat(70);
    const tricky = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\n${`\r\n--${'x'.repeat(69)}y`.repeat(size / 74)}`);
    const plain = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\n${'a'.repeat(tricky.length - 60)}`);
    // The best of several runs of each, so one GC pause or a busy neighbour does not decide the ratio.
    const time = (b: Buffer) => {
      let best = Infinity;
      for (let i = 0; i < 7; i++) {
        const t0 = process.hrtime.bigint();
        parseMultipart(b, boundary);
        best = Math.min(best, Number(process.hrtime.bigint() - t0));
      }
      return best;
    };
    time(plain);
    expect(time(tricky) / time(plain)).toBeLessThan(20);
  });
});
