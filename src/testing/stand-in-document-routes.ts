/**
 * Words, PDF and Cells routes over stored documents, in the shapes of the
 * official SDKs' models: Words document info (`DocumentResponse`), statistics
 * (`StatDataResponse`), download in a format and `PUT /words/convert`; PDF
 * document (`DocumentResponse`) and pages (`DocumentPagesResponse`); Cells
 * workbook (`WorkbookResponse`, or the file in a `format`) and worksheets
 * (`WorksheetsResponse`). The document must be in the stand-in's storage
 * (`folder` + name, in `storage`/`storageName`), else 404 in the product's
 * error shape; its pages, words and worksheets are what it was stored with
 * (see `StandInDocumentFacts`).
 */
import { randomUUID } from 'node:crypto';
import { drain, send, sendBytes } from './stand-in-http.js';
import { STAND_IN_FORMATS } from './stand-in-documents.js';
import { sendFileNotFound, sendProductError, type StandInProduct } from './stand-in-errors.js';
import { route, type StandInCall, type StandInRouteHandler, type StandInRouteRow } from './stand-in-route-types.js';
import { normalizeStoragePath, type StandInStoredFile } from './stand-in-storage.js';
import { readUpload } from './stand-in-upload.js';

/** The stored document a request names, or undefined with a 400/404 sent. */
function findDocument(call: StandInCall, product: StandInProduct): StandInStoredFile | undefined {
  let name: string;
  try {
    name = decodeURIComponent(call.params.name);
  } catch {
    sendProductError(call.res, product, 400, 'BadRequest', 'The document name is not valid percent-encoding');
    return undefined;
  }
  const folder = call.url.searchParams.get('folder') ?? '';
  const path = normalizeStoragePath(folder === '' ? name : `${folder}/${name}`);
  if (path === undefined || path === '') {
    sendProductError(call.res, product, 400, 'BadRequest', `'${name}' is not a document path`);
    return undefined;
  }
  const storageName = call.url.searchParams.get(product === 'cells' ? 'storageName' : 'storage') ?? undefined;
  const stored = call.host.storage.get(path, storageName ? { storageName } : {});
  if (stored) return stored;
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (call.host.documents === 'any' && !base.startsWith('missing')) {
    return { path, bytes: Buffer.alloc(0), modified: new Date(0), pages: 1, words: 0, paragraphs: 0, worksheets: ['Sheet1'] };
  }
  sendFileNotFound(call.res, product, path);
  return undefined;
}

/** The file's name without its folder. */
function baseName(file: StandInStoredFile): string {
  return file.path.slice(file.path.lastIndexOf('/') + 1);
}

/** Answers `caption` converted to `format`, or 400 naming the formats the stand-in models. */
function sendConverted(call: StandInCall, product: StandInProduct, format: string, caption: string): number {
  const target = STAND_IN_FORMATS.get(format.toLowerCase());
  if (!target) {
    return sendProductError(
      call.res,
      product,
      400,
      'BadRequest',
      `The Aspose stand-in does not model conversion to '${format}': it models ${[...STAND_IN_FORMATS.keys()].join(', ')}`,
    );
  }
  return sendBytes(call.res, 200, target.contentType, target.make(caption));
}

function link(href: string, rel = 'self', extra: Record<string, string> = {}): Record<string, string> {
  return { Href: href, Rel: rel, ...extra };
}

/** `GET /v4.0/words/{name}`: document info, or the document in `?format=`. */
const wordsDocument: StandInRouteHandler = async (call) => {
  await drain(call.req);
  const file = findDocument(call, 'words');
  if (!file) return call.res.statusCode;
  const format = call.url.searchParams.get('format');
  if (format) return sendConverted(call, 'words', format, `${baseName(file)} as ${format}`);
  const self = `${call.host.url}/v4.0/words/${encodeURIComponent(baseName(file))}`;
  return send(call.res, 200, {
    RequestId: randomUUID(),
    Document: {
      Links: [link(self)],
      FileName: baseName(file),
      SourceFormat: baseName(file).toLowerCase().endsWith('.doc') ? 'Doc' : 'Docx',
      IsEncrypted: false,
      IsSigned: false,
      DocumentProperties: { Link: link(`${self}/documentProperties`) },
    },
  });
};

/** `GET /v4.0/words/{name}/statistics`. */
const wordsStatistics: StandInRouteHandler = async (call) => {
  await drain(call.req);
  const file = findDocument(call, 'words');
  if (!file) return call.res.statusCode;
  const pages = Array.from({ length: file.pages }, (_, i) => ({
    PageNumber: i + 1,
    // The document's words and paragraphs all on its first page: a split would be invented.
    WordCount: i === 0 ? file.words : 0,
    ParagraphCount: i === 0 ? file.paragraphs : 0,
    FootnotesStatData: { WordCount: 0, ParagraphCount: 0 },
  }));
  return send(call.res, 200, {
    RequestId: randomUUID(),
    DocumentLink: { Href: `${call.host.url}/v4.0/words/${encodeURIComponent(baseName(file))}`, Rel: 'self' },
    StatData: {
      WordCount: file.words,
      ParagraphCount: file.paragraphs,
      PageCount: file.pages,
      FootnotesStatData: { WordCount: 0, ParagraphCount: 0 },
      PageStatData: pages,
    },
  });
};

/** `PUT /v4.0/words/convert?format=…`: the document (raw body or the form's `Document` part) converted. */
const wordsConvert: StandInRouteHandler = async (call) => {
  const got = await readUpload(call.req, call.host);
  if (got.kind === 'too-large')
    return sendProductError(call.res, 'words', 413, 'RequestEntityTooLarge', `The document is larger than the stand-in's ${call.host.maxBodyBytes} bytes`);
  if (got.kind === 'malformed') return sendProductError(call.res, 'words', 400, 'BadRequest', got.reason);
  if (got.bytes.length === 0) return sendProductError(call.res, 'words', 400, 'BadRequest', 'The document is empty');
  const format = call.url.searchParams.get('format');
  if (!format) return sendProductError(call.res, 'words', 400, 'BadRequest', "The 'format' parameter is required");
  return sendConverted(call, 'words', format, `${got.bytes.length} bytes as ${format}`);
};

const RECTANGLE = { LLX: 0, LLY: 0, URX: 612, URY: 792 };

function pdfPages(call: StandInCall, file: StandInStoredFile): Record<string, unknown> {
  const self = `${call.host.url}/v3.0/pdf/${encodeURIComponent(baseName(file))}/pages`;
  return {
    Links: [link(self)],
    List: Array.from({ length: file.pages }, (_, i) => ({ Links: [link(`${self}/${i + 1}`)], Id: i + 1, Rectangle: RECTANGLE })),
  };
}

/** `GET /v3.0/pdf/{name}`: `DocumentResponse`. */
const pdfDocument: StandInRouteHandler = async (call) => {
  await drain(call.req);
  const file = findDocument(call, 'pdf');
  if (!file) return call.res.statusCode;
  const self = `${call.host.url}/v3.0/pdf/${encodeURIComponent(baseName(file))}`;
  return send(call.res, 200, {
    Code: 200,
    Status: 'OK',
    Document: { Links: [link(self)], DocumentProperties: { Links: [link(`${self}/documentproperties`)], List: [] }, Pages: pdfPages(call, file) },
  });
};

/** `GET /v3.0/pdf/{name}/pages`: `DocumentPagesResponse`. */
const pdfPagesRoute: StandInRouteHandler = async (call) => {
  await drain(call.req);
  const file = findDocument(call, 'pdf');
  if (!file) return call.res.statusCode;
  return send(call.res, 200, { Code: 200, Status: 'OK', Pages: pdfPages(call, file) });
};

/** `GET /v3.0/cells/{name}`: `WorkbookResponse`, or the workbook in `?format=`. */
const cellsWorkbook: StandInRouteHandler = async (call) => {
  await drain(call.req);
  const file = findDocument(call, 'cells');
  if (!file) return call.res.statusCode;
  const format = call.url.searchParams.get('format');
  if (format) return sendConverted(call, 'cells', format, `${baseName(file)} as ${format}`);
  const self = `${call.host.url}/v3.0/cells/${encodeURIComponent(baseName(file))}`;
  return send(call.res, 200, {
    Code: 200,
    Status: 'OK',
    Workbook: {
      FileName: baseName(file),
      Links: [link(self)],
      Worksheets: { link: link(`${self}/worksheets`) },
      DefaultStyle: { link: link(`${self}/defaultstyle`) },
      DocumentProperties: { link: link(`${self}/documentproperties`) },
      Names: { link: link(`${self}/names`) },
      Settings: { link: link(`${self}/settings`) },
      IsWriteProtected: 'False',
      IsProtected: 'False',
      IsEncryption: 'False',
    },
  });
};

/** `GET /v3.0/cells/{name}/worksheets`: `WorksheetsResponse`. */
const cellsWorksheets: StandInRouteHandler = async (call) => {
  await drain(call.req);
  const file = findDocument(call, 'cells');
  if (!file) return call.res.statusCode;
  const self = `${call.host.url}/v3.0/cells/${encodeURIComponent(baseName(file))}/worksheets`;
  return send(call.res, 200, {
    Code: 200,
    Status: 'OK',
    Worksheets: {
      link: link(self),
      WorksheetList: file.worksheets.map((name) => ({ link: link(`${self}/${encodeURIComponent(name)}`, 'self', { Title: name, Type: 'application/json' }) })),
    },
  });
};

/** @internal */
export const DOCUMENT_ROUTES: readonly StandInRouteRow[] = [
  route(['PUT'], '/v4.0/words/convert', wordsConvert),
  route(['GET'], '/v4.0/words/:name', wordsDocument),
  route(['GET'], '/v4.0/words/:name/statistics', wordsStatistics),
  route(['GET'], '/v3.0/pdf/:name', pdfDocument),
  route(['GET'], '/v3.0/pdf/:name/pages', pdfPagesRoute),
  route(['GET'], '/v3.0/cells/:name', cellsWorkbook),
  route(['GET'], '/v3.0/cells/:name/worksheets', cellsWorksheets),
];
