/**
 * The stand-in's file storage: in memory, per stand-in, shared by every
 * product as Aspose's storage is shared by an account's products (a file
 * uploaded through Words can be read through PDF).
 */

/** Where a file lives: a storage name (`storageName`, `storage`) and a path in it. */
export interface StandInStorageLocation {
  /** The storage's name, as the API's `storageName` parameter gives it. Default: the default storage. */
  storageName?: string;
}

/**
 * What the stand-in answers about a stored document when a product reads it
 * (it never parses the bytes): set these when you seed a file whose pages,
 * words or worksheets your test asserts.
 */
export interface StandInDocumentFacts {
  /** Pages of the document (Words statistics, PDF pages). Default 1. */
  pages?: number;
  /** Words of the document (Words statistics). Default 0. */
  words?: number;
  /** Paragraphs of the document (Words statistics). Default 0. */
  paragraphs?: number;
  /** Worksheet names of a workbook (Cells worksheets), in order. Default `['Sheet1']`. */
  worksheets?: readonly string[];
}

/** Options of {@link StandInStorage.put}. */
export interface StandInPutOptions extends StandInStorageLocation, StandInDocumentFacts {}

/** One stored file, as {@link StandInStorage.get} returns it. */
export interface StandInStoredFile extends Required<Omit<StandInDocumentFacts, 'worksheets'>> {
  /** Its path in its storage, without a leading `/`. */
  readonly path: string;
  /** Its content, as stored (a copy of what was put or uploaded). */
  readonly bytes: Buffer;
  /** When it was stored. */
  readonly modified: Date;
  /** Its worksheet names (see {@link StandInDocumentFacts.worksheets}). */
  readonly worksheets: readonly string[];
}

/** One entry of a folder listing: a file or a folder. @internal */
export interface StandInFolderEntry {
  readonly name: string;
  readonly path: string;
  readonly isFolder: boolean;
  readonly size: number;
  readonly modified: Date;
}

/**
 * The files of one stand-in, in memory. Seed files your code reads with
 * {@link StandInStorage.put}, and assert what your code uploaded with
 * {@link StandInStorage.get}. Paths are relative to the storage's root: a
 * leading `/` and empty segments are ignored (`/in//a.docx` is `in/a.docx`).
 */
export class StandInStorage {
  /** The name the default storage answers to in storage-exists checks, as Aspose names an account's first storage. */
  defaultStorageName = 'First Storage';
  readonly #files = new Map<string, StandInStoredFile>();
  /** Folders created explicitly (folders holding files exist implicitly). */
  readonly #folders = new Set<string>();

  /** Stores `content` at `path` (a string is stored as UTF-8), replacing any file there. */
  put(path: string, content: Uint8Array | string, options: StandInPutOptions = {}): StandInStoredFile {
    const normal = normalizeStoragePath(path);
    if (normal === undefined || normal === '') throw new Error(`not a storage file path: ${JSON.stringify(path)}`);
    const file: StandInStoredFile = {
      path: normal,
      bytes: typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content),
      modified: new Date(),
      pages: options.pages ?? 1,
      words: options.words ?? 0,
      paragraphs: options.paragraphs ?? 0,
      worksheets: options.worksheets ?? ['Sheet1'],
    };
    this.#files.set(storageKey(options.storageName, normal), file);
    return file;
  }

  /** The file at `path`, or undefined. */
  get(path: string, options: StandInStorageLocation = {}): StandInStoredFile | undefined {
    const normal = normalizeStoragePath(path);
    return normal === undefined ? undefined : this.#files.get(storageKey(options.storageName, normal));
  }

  /** True if a file is stored at `path`. */
  has(path: string, options: StandInStorageLocation = {}): boolean {
    return this.get(path, options) !== undefined;
  }

  /** Deletes the file at `path`; true if there was one. */
  delete(path: string, options: StandInStorageLocation = {}): boolean {
    const normal = normalizeStoragePath(path);
    return normal !== undefined && this.#files.delete(storageKey(options.storageName, normal));
  }

  /** Creates a folder (and its parents: a folder path is just a prefix). */
  createFolder(path: string, options: StandInStorageLocation = {}): void {
    const normal = normalizeStoragePath(path);
    if (normal === undefined || normal === '') throw new Error(`not a storage folder path: ${JSON.stringify(path)}`);
    this.#folders.add(storageKey(options.storageName, normal));
  }

  /** True if `path` is a folder: created, or holding a file. The root always is. */
  isFolder(path: string, options: StandInStorageLocation = {}): boolean {
    const normal = normalizeStoragePath(path);
    if (normal === undefined) return false;
    if (normal === '') return true;
    const key = storageKey(options.storageName, normal);
    if (this.#folders.has(key)) return true;
    const prefix = `${key}/`;
    for (const k of this.#folders.keys()) if (k.startsWith(prefix)) return true;
    for (const k of this.#files.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }

  /**
   * True if storage `storageName` exists: the default storage (no name, or
   * {@link StandInStorage.defaultStorageName}), or one a file or folder was put in.
   */
  hasStorage(storageName: string): boolean {
    if (storageName === '' || storageName === this.defaultStorageName) return true;
    const prefix = storageKey(storageName, '');
    for (const k of this.#files.keys()) if (k.startsWith(prefix)) return true;
    for (const k of this.#folders.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }

  /** Paths of every stored file (in the default storage unless `storageName` is given), for assertions. */
  paths(options: StandInStorageLocation = {}): string[] {
    const prefix = storageKey(options.storageName, '');
    return [...this.#files.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  /** Deletes folder `path` with everything in it. */
  deleteFolder(path: string, options: StandInStorageLocation = {}): void {
    const normal = normalizeStoragePath(path);
    if (normal === undefined || normal === '') throw new Error(`not a storage folder path: ${JSON.stringify(path)}`);
    const key = storageKey(options.storageName, normal);
    const prefix = `${key}/`;
    this.#folders.delete(key);
    for (const k of [...this.#folders.keys()]) if (k.startsWith(prefix)) this.#folders.delete(k);
    for (const k of [...this.#files.keys()]) if (k.startsWith(prefix)) this.#files.delete(k);
  }

  /** Drops every file and folder. */
  clear(): void {
    this.#files.clear();
    this.#folders.clear();
  }

  /** The files and folders directly in folder `path`, folders first, then by name. @internal */
  list(path: string, options: StandInStorageLocation = {}): StandInFolderEntry[] {
    const normal = normalizeStoragePath(path) ?? '';
    const root = storageKey(options.storageName, '');
    const prefix = normal === '' ? root : `${root}${normal}/`;
    const entries = new Map<string, StandInFolderEntry>();
    const addFolder = (name: string) => {
      if (!entries.has(name)) {
        const folderPath = normal === '' ? name : `${normal}/${name}`;
        entries.set(name, { name, path: `/${folderPath}`, isFolder: true, size: 0, modified: new Date(0) });
      }
    };
    for (const key of this.#folders.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      addFolder(slash === -1 ? rest : rest.slice(0, slash));
    }
    for (const [key, file] of this.#files) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash !== -1) addFolder(rest.slice(0, slash));
      else entries.set(rest, { name: rest, path: `/${file.path}`, isFolder: false, size: file.bytes.length, modified: file.modified });
    }
    return [...entries.values()].sort((a, b) => (a.isFolder === b.isFolder ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.isFolder ? -1 : 1));
  }
}

/**
 * `path` without a leading `/` or empty segments, or undefined if a segment is
 * `.` or `..` (storage paths never climb). One pass over the segments.
 *
 * @internal
 */
export function normalizeStoragePath(path: string): string | undefined {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '') continue;
    if (segment === '.' || segment === '..') return undefined;
    out.push(segment);
  }
  return out.join('/');
}

/** The map key of a path in a storage: the name and the path cannot run together, as `\0` is in neither. */
function storageKey(storageName: string | undefined, normalPath: string): string {
  return `${storageName ?? ''}\0${normalPath}`;
}
