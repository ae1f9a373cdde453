/**
 * The official Aspose SDKs from npm (`asposewordscloud`, `asposecellscloud`,
 * `asposepdfcloud`) pointed straight at the stand-in, unchanged: each gets
 * its token from the stand-in's token endpoint and makes real calls, and the
 * stand-in answers in the shapes their models read. A call the stand-in
 * answered wrongly would come back empty (or as the wrong bytes) and fail
 * these assertions; a missing file is a 404 each SDK reports as an error.
 *
 * Plus the BarCode v4 generate route through `AsposeClient`: a real PNG
 * (chunks, CRCs, inflatable IDAT) and an SVG, as `imageFormat` asks.
 */
import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import * as cells from 'asposecellscloud';
import * as words from 'asposewordscloud';
import { AsposeClient } from 'aspose-cloud-auth';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { crc32 } from '../../src/testing/stand-in-crc32';
import { cleanup, track } from '../support/cleanup';
import { loadPdfSdk, pdfSdkModule, type PdfApiConstructor } from '../support/pdf-sdk';

const execFileAsync = promisify(execFile);
let standIn: AsposeStandIn;

beforeEach(async () => {
  // The stand-in's defaults: strict routes, documents only from storage.
  standIn = track(await startAsposeStandIn(), (s) => s.close());
});
afterEach(cleanup);

/** Some bytes no text encoding would leave alone: every byte value, twice. */
const BINARY = Buffer.from([...Array.from({ length: 256 }, (_, i) => i), ...Array.from({ length: 256 }, (_, i) => 255 - i)]);

/** What an SDK's rejection carried: a status, if it says one. */
function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; status?: unknown; response?: { statusCode?: unknown; status?: unknown } };
  for (const v of [e.response?.statusCode, e.response?.status, e.status, e.code]) if (typeof v === 'number') return v;
  return undefined;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('the call succeeded');
}

describe('asposewordscloud against the stand-in', () => {
  function api(): words.WordsApi {
    return new words.WordsApi(standIn.clientId, standIn.clientSecret, standIn.url);
  }

  it('uploads a file (raw body), downloads the same bytes, lists it, deletes it', async () => {
    const w = api();
    const up = await w.uploadFile(new words.UploadFileRequest({ fileContent: Readable.from([BINARY]), path: 'in/sdk.bin' }));
    expect(up.body.uploaded).toEqual(['in/sdk.bin']);
    expect(standIn.storage.get('in/sdk.bin')?.bytes.equals(BINARY)).toBe(true);

    const down = await w.downloadFile(new words.DownloadFileRequest({ path: 'in/sdk.bin' }));
    expect(Buffer.from(down.body).equals(BINARY)).toBe(true);

    const list = await w.getFilesList(new words.GetFilesListRequest({ path: 'in' }));
    expect(list.body.value?.map((f) => [f.name, f.isFolder, f.size])).toEqual([['sdk.bin', false, BINARY.length]]);

    await w.deleteFile(new words.DeleteFileRequest({ path: 'in/sdk.bin' }));
    expect(standIn.storage.has('in/sdk.bin')).toBe(false);
    const gone = await rejection(w.downloadFile(new words.DownloadFileRequest({ path: 'in/sdk.bin' })));
    expect(statusOf(gone)).toBe(404);
    expect((gone as { body: words.WordsApiErrorResponse }).body.error?.code).toBe('ErrorItemNotFound');
  });

  it('reads the statistics and info of a seeded document, and reports a missing one as a 404 error', async () => {
    standIn.storage.put('reports/q3.docx', 'docx bytes', { pages: 3, words: 1200, paragraphs: 40 });
    const w = api();
    const stats = await w.getDocumentStatistics(new words.GetDocumentStatisticsRequest({ name: 'q3.docx', folder: 'reports' }));
    expect(stats.body.statData?.wordCount).toBe(1200);
    expect(stats.body.statData?.paragraphCount).toBe(40);
    expect(stats.body.statData?.pageCount).toBe(3);
    expect(stats.body.statData?.pageStatData?.map((p) => p.pageNumber)).toEqual([1, 2, 3]);

    const info = await w.getDocument(new words.GetDocumentRequest({ documentName: 'q3.docx', folder: 'reports' }));
    expect(info.body.document?.fileName).toBe('q3.docx');

    const missing = await rejection(w.getDocumentStatistics(new words.GetDocumentStatisticsRequest({ name: 'nope.docx' })));
    expect(statusOf(missing)).toBe(404);
    expect((missing as { body: words.WordsApiErrorResponse }).body.error?.message).toContain('nope.docx');
  });

  it('converts a document to PDF: the answer is a PDF', async () => {
    const w = api();
    const pdf = await w.convertDocument(new words.ConvertDocumentRequest({ document: Readable.from([Buffer.from('a docx')]), format: 'pdf' }));
    expect(Buffer.from(pdf.body).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.response.headers['content-type']).toBe('application/pdf');
  });
});

describe('asposecellscloud against the stand-in', () => {
  function api(): cells.CellsApi {
    return new cells.CellsApi(standIn.clientId, standIn.clientSecret, 'v3.0', standIn.url);
  }

  it('uploads a workbook (its multipart form, sent as application/json), finds it, lists its worksheets, deletes it', async () => {
    const c = api();
    const text = Buffer.from('workbook bytes, text so the SDK (json: true) keeps them');
    const up = await c.uploadFile(new cells.UploadFileRequest({ path: 'books/b.xlsx', uploadFiles: { 'b.xlsx': text } }));
    expect(up.body.uploaded).toEqual(['books/b.xlsx']);
    expect(standIn.storage.get('books/b.xlsx')?.bytes.equals(text)).toBe(true);

    expect((await c.objectExists(new cells.ObjectExistsRequest({ path: 'books/b.xlsx' }))).body).toMatchObject({ exists: true, isFolder: false });
    expect((await c.objectExists(new cells.ObjectExistsRequest({ path: 'books' }))).body).toMatchObject({ exists: true, isFolder: true });
    expect((await c.objectExists(new cells.ObjectExistsRequest({ path: 'books/none.xlsx' }))).body).toMatchObject({ exists: false, isFolder: false });

    standIn.storage.put('books/b.xlsx', text, { worksheets: ['Summary', 'Data'] });
    const sheets = await c.getWorksheets(new cells.GetWorksheetsRequest({ name: 'b.xlsx', folder: 'books' }));
    expect(sheets.body.worksheets?.worksheetList?.map((s) => s.link?.title)).toEqual(['Summary', 'Data']);

    await c.deleteFile(new cells.DeleteFileRequest({ path: 'books/b.xlsx' }));
    expect((await c.objectExists(new cells.ObjectExistsRequest({ path: 'books/b.xlsx' }))).body.exists).toBe(false);
  });

  it('reports the worksheets of a missing workbook as a 404 error', async () => {
    const err = await rejection(api().getWorksheets(new cells.GetWorksheetsRequest({ name: 'missing.xlsx' })));
    expect(statusOf(err)).toBe(404);
  });
});

describe('asposepdfcloud against the stand-in', () => {
  let PdfApi: PdfApiConstructor;
  beforeAll(() => {
    PdfApi = loadPdfSdk();
  });

  function api() {
    // The SDK prints its base and token URLs on every token request.
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const pdf = new PdfApi(standIn.clientId, standIn.clientSecret);
    pdf.basePath = `${standIn.url}/v3.0`;
    return pdf;
  }
  afterEach(() => jest.restoreAllMocks());

  it('uploads, downloads the same bytes, checks existence, deletes', async () => {
    const pdf = api();
    const up = await pdf.uploadFile('docs/sdk.pdf', BINARY);
    expect(up.body.uploaded).toEqual(['docs/sdk.pdf']);
    const down = await pdf.downloadFile('docs/sdk.pdf');
    expect(Buffer.from(down.body).equals(BINARY)).toBe(true);
    expect((await pdf.objectExists('docs/sdk.pdf')).body).toMatchObject({ exists: true, isFolder: false });
    await pdf.deleteFile('docs/sdk.pdf');
    expect((await pdf.objectExists('docs/sdk.pdf')).body).toMatchObject({ exists: false });
  });

  it('reads the document and pages of a seeded PDF', async () => {
    standIn.storage.put('docs/five.pdf', '%PDF-1.4', { pages: 5 });
    const pdf = api();
    const doc = await pdf.getDocument('five.pdf', undefined, 'docs');
    expect(doc.body.code).toBe(200);
    expect(doc.body.document.pages.list.map((p) => p.id)).toEqual([1, 2, 3, 4, 5]);
    const pages = await pdf.getPages('five.pdf', undefined, 'docs');
    expect(pages.body.pages.list).toHaveLength(5);
    expect(pages.body.pages.list[0].rectangle).toMatchObject({ uRX: 612, uRY: 792 });
  });

  it('reports a missing document as a 404 error (and, an SDK bug, also as an unhandled rejection: run in a child process)', async () => {
    // The SDK's promise chain has a branch with no handler, so every non-2xx answer also escapes as an
    // unhandled rejection, which would fail whichever test is running: the call runs in a child that counts them.
    const child = `
      process.on('unhandledRejection', (e) => { unhandled.push(e && (e.status ?? e.code)); });
      const unhandled = [];
      console.log = () => {};
      const { PdfApi } = require(process.env.PDF_SDK);
      const pdf = new PdfApi(process.env.ID, process.env.SECRET);
      pdf.basePath = process.env.BASE;
      pdf.getPages('missing.pdf').then(
        () => process.stdout.write(JSON.stringify({ resolved: true })),
        (e) => setTimeout(() => process.stdout.write(JSON.stringify({ status: e.status ?? e.code, unhandled })), 50),
      );`;
    const { stdout } = await execFileAsync(process.execPath, ['-e', child], {
      env: { ...process.env, PDF_SDK: pdfSdkModule(), ID: standIn.clientId, SECRET: standIn.clientSecret, BASE: `${standIn.url}/v3.0` },
      timeout: 20_000,
    });
    expect(JSON.parse(stdout)).toEqual({ status: 404, unhandled: [404] });
    expect(standIn.log.at(-1)).toMatchObject({ method: 'GET', path: '/v3.0/pdf/missing.pdf/pages', status: 404 });
  });
});

describe('BarCode v4 generate through AsposeClient', () => {
  /** GETs `path` with `query` and reads the whole answer. */
  async function get(path: string, query: Record<string, string>): Promise<{ status: number; type: unknown; body: Buffer }> {
    const r = await client().request({ path, query });
    return { status: r.statusCode, type: r.headers['content-type'], body: Buffer.from(await r.body.arrayBuffer()) };
  }

  function client(): AsposeClient {
    return track(new AsposeClient({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url, allowInsecureHttp: true }), (c) =>
      c.close(),
    );
  }

  /** The chunks of a PNG, each CRC checked; throws on anything malformed. */
  function pngChunks(png: Buffer): { type: string; data: Buffer }[] {
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    const chunks: { type: string; data: Buffer }[] = [];
    let at = 8;
    while (at < png.length) {
      const length = png.readUInt32BE(at);
      const type = png.toString('latin1', at + 4, at + 8);
      const data = png.subarray(at + 8, at + 8 + length);
      expect({ type, crc: png.readUInt32BE(at + 8 + length) }).toEqual({ type, crc: crc32(png.subarray(at + 4, at + 8 + length)) });
      chunks.push({ type, data });
      at += 12 + length;
    }
    expect(at).toBe(png.length);
    return chunks;
  }

  it('imageFormat=Png answers a valid PNG: signature, IHDR, IDAT that inflates to its rows, IEND, every CRC right', async () => {
    const r = await get('/v4.0/barcode/generate/QR', { data: 'hello', imageFormat: 'Png' });
    expect(r.status).toBe(200);
    expect(r.type).toBe('image/png');
    const chunks = pngChunks(r.body);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = chunks[0].data;
    const width = ihdr.readUInt32BE(0);
    const height = ihdr.readUInt32BE(4);
    expect([ihdr[8], ihdr[9]]).toEqual([8, 0]); // 8-bit grayscale
    const raw = inflateSync(chunks[1].data);
    expect(raw.length).toBe(height * (width + 1));
    // Some bars: dark pixels on a light ground.
    expect(raw.includes(0x00, 1)).toBe(true);
    expect(raw.includes(0xff)).toBe(true);
  });

  it('imageFormat=Svg answers SVG; no imageFormat answers PNG (the API default)', async () => {
    const svg = await get('/v4.0/barcode/generate/Code128', { data: 'x1', imageFormat: 'Svg' });
    expect(svg.type).toBe('image/svg+xml');
    expect(svg.body.toString('utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>$/);
    const png = await get('/v4.0/barcode/generate/Code128', { data: 'x1' });
    expect(png.type).toBe('image/png');
    expect(pngChunks(png.body).length).toBe(3);
  });
});
