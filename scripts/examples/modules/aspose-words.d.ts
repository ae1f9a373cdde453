// For docs/openapi.md's examples: a small `paths` type in the shape openapi-typescript 7
// writes, hand-written for the examples (two operations, few fields). In an application this
// file is generated from the product's published description: see docs/openapi.md.
export interface paths {
  '/words/{name}/statistics': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: operations['GetDocumentStatistics'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/words/storage/file/{path}': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: operations['DownloadFile'];
    put: operations['UploadFile'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export interface operations {
  GetDocumentStatistics: {
    parameters: {
      query?: { folder?: string; storage?: string; includeComments?: boolean };
      header?: never;
      path: { name: string };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: { 'application/json': { StatData?: { WordCount?: number; ParagraphCount?: number; PageCount?: number } } };
      };
    };
  };
  DownloadFile: {
    parameters: { query?: { storageName?: string; versionId?: string }; header?: never; path: { path: string }; cookie?: never };
    requestBody?: never;
    responses: { 200: { headers: { [name: string]: unknown }; content: { 'application/octet-stream': string } } };
  };
  UploadFile: {
    parameters: { query?: { storageName?: string }; header?: never; path: { path: string }; cookie?: never };
    requestBody: { content: { 'multipart/form-data': { fileContent: string } } };
    responses: { 200: { headers: { [name: string]: unknown }; content: { 'application/json': { Uploaded?: string[] } } } };
  };
}
