/**
 * Storage, per product, in the shapes the official SDKs' models describe
 * (`FilesUploadResult`, `FilesList` of `StorageFile`, `ObjectExist`, all
 * PascalCase): upload (raw body or multipart), download, delete, exists,
 * folder create, list and delete. Every product reads and writes the one
 * storage of the stand-in, as an Aspose account's products share theirs.
 */
import { drain, sendBytes, sendEmpty, send } from './stand-in-http.js';
import { sendFileNotFound, sendProductError, type StandInProduct } from './stand-in-errors.js';
import { route, type StandInCall, type StandInRouteHandler, type StandInRouteRow } from './stand-in-route-types.js';
import { normalizeStoragePath } from './stand-in-storage.js';
import { readUpload } from './stand-in-upload.js';

/** The decoded, normalised storage path a route captured, or undefined (with a 400 sent) if it is not one. */
function storagePath(call: StandInCall, product: StandInProduct, raw: string, allowRoot: boolean): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    sendProductError(call.res, product, 400, 'BadRequest', 'The path is not valid percent-encoding');
    return undefined;
  }
  const normal = normalizeStoragePath(decoded);
  if (normal === undefined || (!allowRoot && normal === '')) {
    sendProductError(call.res, product, 400, 'BadRequest', `'${decoded}' is not a storage path`);
    return undefined;
  }
  return normal;
}

/** The storage a request names (`storageName`), if any. */
function storageName(call: StandInCall): { storageName?: string } {
  const name = call.url.searchParams.get('storageName');
  return name ? { storageName: name } : {};
}

function upload(product: StandInProduct): StandInRouteHandler {
  return async (call) => {
    const { req, res, params, host } = call;
    const got = await readUpload(req, host);
    const path = storagePath(call, product, params.path, false);
    if (path === undefined) return res.statusCode;
    if (got.kind === 'too-large')
      return sendProductError(res, product, 413, 'RequestEntityTooLarge', `The upload is larger than the stand-in's ${host.maxBodyBytes} bytes`);
    if (got.kind === 'malformed') return sendProductError(res, product, 400, 'BadRequest', `Upload of '${path}' failed: ${got.reason}`);
    host.storage.put(path, got.bytes, storageName(call));
    return send(res, 200, { Uploaded: [path], Errors: [] });
  };
}

function download(product: StandInProduct): StandInRouteHandler {
  return async (call) => {
    await drain(call.req);
    const path = storagePath(call, product, call.params.path, false);
    if (path === undefined) return call.res.statusCode;
    const file = call.host.storage.get(path, storageName(call));
    if (!file) return sendFileNotFound(call.res, product, path);
    return sendBytes(call.res, 200, 'application/octet-stream', file.bytes);
  };
}

function deleteFile(product: StandInProduct): StandInRouteHandler {
  return async (call) => {
    await drain(call.req);
    const path = storagePath(call, product, call.params.path, false);
    if (path === undefined) return call.res.statusCode;
    if (!call.host.storage.delete(path, storageName(call))) return sendFileNotFound(call.res, product, path);
    return sendEmpty(call.res);
  };
}

function exists(product: StandInProduct): StandInRouteHandler {
  return async (call) => {
    await drain(call.req);
    const path = storagePath(call, product, call.params.path, true);
    if (path === undefined) return call.res.statusCode;
    const location = storageName(call);
    const isFolder = call.host.storage.isFolder(path, location);
    return send(call.res, 200, { Exists: isFolder || call.host.storage.has(path, location), IsFolder: isFolder });
  };
}

function createFolder(product: StandInProduct): StandInRouteHandler {
  return async (call) => {
    await drain(call.req);
    const path = storagePath(call, product, call.params.path, false);
    if (path === undefined) return call.res.statusCode;
    call.host.storage.createFolder(path, storageName(call));
    return sendEmpty(call.res);
  };
}

function listFolder(product: StandInProduct): StandInRouteHandler {
  return async (call) => {
    await drain(call.req);
    const path = storagePath(call, product, call.params.path, true);
    if (path === undefined) return call.res.statusCode;
    const location = storageName(call);
    if (!call.host.storage.isFolder(path, location)) return sendFileNotFound(call.res, product, path);
    const Value = call.host.storage.list(path, location).map((e) => ({
      Name: e.name,
      IsFolder: e.isFolder,
      ModifiedDate: e.modified.toISOString(),
      Size: e.size,
      Path: e.path,
    }));
    return send(call.res, 200, { Value });
  };
}

function deleteFolder(product: StandInProduct): StandInRouteHandler {
  return async (call) => {
    await drain(call.req);
    const path = storagePath(call, product, call.params.path, false);
    if (path === undefined) return call.res.statusCode;
    const location = storageName(call);
    if (!call.host.storage.isFolder(path, location)) return sendFileNotFound(call.res, product, path);
    const recursive = call.url.searchParams.get('recursive') === 'true';
    if (!recursive && call.host.storage.list(path, location).length > 0) {
      return sendProductError(call.res, product, 400, 'BadRequest', `The folder '${path}' is not empty: pass recursive=true`);
    }
    call.host.storage.deleteFolder(path, location);
    return sendEmpty(call.res);
  };
}

/** `GET …/storage/{storageName}/exist`: `StorageExist` (`{"Exists":…}`). */
function storageExists(product: StandInProduct): StandInRouteHandler {
  return async (call) => {
    await drain(call.req);
    let name: string;
    try {
      name = decodeURIComponent(call.params.storageName);
    } catch {
      return sendProductError(call.res, product, 400, 'BadRequest', 'The storage name is not valid percent-encoding');
    }
    return send(call.res, 200, { Exists: call.host.storage.hasStorage(name) });
  };
}

/** The storage routes under `prefix` (such as `/v4.0/words/storage`) for `product`. */
function storageRoutes(prefix: string, product: StandInProduct): StandInRouteRow[] {
  return [
    route(['PUT', 'POST'], `${prefix}/file/*path`, upload(product)),
    route(['GET'], `${prefix}/file/*path`, download(product)),
    route(['DELETE'], `${prefix}/file/*path`, deleteFile(product)),
    route(['GET'], `${prefix}/exist/*path`, exists(product)),
    route(['PUT', 'POST'], `${prefix}/folder/*path`, createFolder(product)),
    route(['GET'], `${prefix}/folder`, listFolder(product)),
    route(['GET'], `${prefix}/folder/*path`, listFolder(product)),
    route(['DELETE'], `${prefix}/folder/*path`, deleteFolder(product)),
    route(['GET'], `${prefix}/:storageName/exist`, storageExists(product)),
  ];
}

/**
 * Where each product's SDK finds storage: Words `/v4.0/words/storage`, Cells
 * `/v4.0/cells/storage` (and the older `/v3.0`), PDF `/v3.0/pdf/storage`,
 * Slides `/v3.0/slides/storage`, BarCode v3 `/v3.0/barcode/storage`.
 *
 * @internal
 */
export const STORAGE_PREFIXES: readonly (readonly [prefix: string, product: StandInProduct])[] = [
  ['/v4.0/words/storage', 'words'],
  ['/v4.0/cells/storage', 'cells'],
  ['/v3.0/cells/storage', 'cells'],
  ['/v3.0/pdf/storage', 'pdf'],
  ['/v3.0/slides/storage', 'slides'],
  ['/v3.0/barcode/storage', 'barcode'],
];

/** @internal */
export const STORAGE_ROUTES: readonly StandInRouteRow[] = STORAGE_PREFIXES.flatMap(([prefix, product]) => storageRoutes(prefix, product));
