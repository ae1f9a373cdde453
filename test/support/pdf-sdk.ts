/**
 * Loads `asposepdfcloud` (the official PDF SDK), which ships TypeScript
 * sources only (its `main`, `src/api/api.js`, is not in the package): its
 * sources are transpiled once to CommonJS under
 * `node_modules/.cache/asposepdfcloud-<version>/` (so its own `require`s of
 * `request` and `superagent` resolve from the project's node_modules), then
 * required from there. Types are declared here for the calls the tests make.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** The `{ response, body }` every PDF SDK call resolves to. */
export interface PdfSdkAnswer<T> {
  response: { statusCode: number };
  body: T;
}

/** The calls of `PdfApi` the tests make, as its sources declare them. */
export interface PdfSdkApi {
  uploadFile(path: string, file: Buffer, storageName?: string): Promise<PdfSdkAnswer<{ uploaded: string[]; errors: unknown[] }>>;
  downloadFile(path: string, storageName?: string, versionId?: string): Promise<PdfSdkAnswer<Buffer>>;
  deleteFile(path: string, storageName?: string, versionId?: string): Promise<PdfSdkAnswer<unknown>>;
  objectExists(path: string, storageName?: string, versionId?: string): Promise<PdfSdkAnswer<{ exists: boolean; isFolder: boolean }>>;
  getDocument(name: string, storage?: string, folder?: string): Promise<PdfSdkAnswer<{ code: number; document: { pages: { list: { id: number }[] } } }>>;
  getPages(
    name: string,
    storage?: string,
    folder?: string,
  ): Promise<PdfSdkAnswer<{ code: number; pages: { list: { id: number; rectangle: { uRX: number; uRY: number } }[] } }>>;
  getFilesList(path: string, storageName?: string): Promise<PdfSdkAnswer<{ value: { name: string; isFolder: boolean; size: number }[] }>>;
}

/** The `PdfApi` constructor: `(appSID, appKey)` aims at Aspose Cloud; set `basePath` (`{url}/v3.0`) after. */
export type PdfApiConstructor = new (appSid: string, appKey: string) => PdfSdkApi & { basePath: string };

const ROOT = join(__dirname, '..', '..', 'node_modules');
const PACKAGE = join(ROOT, 'asposepdfcloud');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourcesUnder(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

/** Transpiles the SDK once (per version) and requires its `PdfApi`. */
export function loadPdfSdk(): PdfApiConstructor {
  return (require(pdfSdkModule()) as { PdfApi: PdfApiConstructor }).PdfApi;
}

/** The path of the transpiled SDK's `api.js` (transpiled on first use), for a child process to require. */
export function pdfSdkModule(): string {
  const { version } = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { version: string };
  const out = join(ROOT, '.cache', `asposepdfcloud-${version}`);
  if (!existsSync(join(out, 'api', 'api.js'))) {
    // Built in a scratch folder and renamed in place, so a half-written cache is never used.
    const scratch = `${out}.${process.pid}.tmp`;
    rmSync(scratch, { recursive: true, force: true });
    const src = join(PACKAGE, 'src');
    for (const file of sourcesUnder(src)) {
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2019, esModuleInterop: false },
        fileName: file,
      });
      const target = join(scratch, relative(src, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
    }
    if (!existsSync(join(out, 'api', 'api.js'))) {
      rmSync(out, { recursive: true, force: true });
      renameSync(scratch, out);
    } else rmSync(scratch, { recursive: true, force: true });
  }
  return join(out, 'api', 'api.js');
}
