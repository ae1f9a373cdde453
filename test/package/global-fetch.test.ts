/**
 * Importing the library leaves the process's own `fetch` alone.
 *
 * Importing the undici package used to install its `Agent` as Node's global
 * dispatcher, so every later `fetch()` in the process, the application's
 * unrelated ones included, went through our undici, whose stricter checks
 * refuse a caller-set `Content-Length` (`UND_ERR_INVALID_ARG invalid
 * content-length header` on Node 20 and 22; nodejs/undici#5500, #5502).
 *
 * Each case runs in a fresh child of `process.execPath` (so on whatever Node
 * runs jest: the matrix runs this on 22, 24 and 26 too), imports one entry
 * point of the built package, with `require` (dist/cjs) or `import`
 * (dist/esm), before anything else touches `fetch`; then `fetch`es a
 * loopback server with a caller-set `Content-Length` and compares what the
 * server received with what it receives from a child that imported nothing.
 * The library must still work in that process: an `AsposeClient` call
 * against the stand-in, then `fetch` once more.
 *
 * Needs `npm run build` first (`npm test` does).
 */
import { entryPoints as entries, node, requireBuild } from '../support/package';

/** What the loopback server saw of one `fetch`, minus what differs between runs (the port in `host`). */
interface Seen {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Outcome {
  /** `fetch` right after the import. */
  first: Seen | { error: string };
  /** The library's own call through the stand-in, in the same process. */
  library?: { fileName: string; tokenRequests: number };
  /** `fetch` again after the library made its calls. */
  second?: Seen | { error: string };
}

/**
 * The child's body, after its one import. `loadLibrary` gives the core and
 * testing entries (already imported or not). Top-level await works in both
 * formats: the CommonJS script wraps it in an async function.
 */
function probe(loadLibrary: string | undefined): string {
  return `
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const headers = { ...req.headers };
        delete headers.host;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = 'http://127.0.0.1:' + server.address().port + '/echo';
    const body = JSON.stringify({ hello: 'world', n: 42 });
    async function post() {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-probe': 'global-fetch' },
          body,
        });
        return await res.json();
      } catch (err) {
        return { error: String(err && err.cause ? (err.cause.code || '') + ' ' + err.cause.message : err) };
      }
    }
    const out = { first: await post() };
    ${
      loadLibrary === undefined
        ? ''
        : `
    const { AsposeClient, startAsposeStandIn } = await (${loadLibrary});
    const standIn = await startAsposeStandIn({ documents: 'any' });
    const client = new AsposeClient({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url });
    const info = await client.get('/v4.0/words/global-fetch.docx');
    out.library = { fileName: info.Document.FileName, tokenRequests: standIn.tokenRequests };
    await client.close();
    await standIn.close();
    out.second = await post();`
    }
    server.close();
    console.log(JSON.stringify(out));`;
}

const cjsLibrary = `Promise.resolve({ ...require('aspose-cloud-auth'), ...require('aspose-cloud-auth/testing') })`;
const esmLibrary = `Promise.all([import('aspose-cloud-auth'), import('aspose-cloud-auth/testing')]).then(([a, b]) => ({ ...a, ...b }))`;

async function child(format: 'cjs' | 'esm' | 'none', entry?: string): Promise<Outcome> {
  let args: string[];
  if (format === 'cjs') {
    args = ['-e', `require(${JSON.stringify(entry)});\n(async () => {${probe(cjsLibrary)}\n})().catch((e) => { console.error(e); process.exit(1); });`];
  } else if (format === 'esm') {
    args = [
      '--input-type=module',
      '-e',
      `import * as entry from ${JSON.stringify(entry)};\nif (Object.keys(entry).length === 0) throw new Error('empty entry');\n${probe(esmLibrary)}`,
    ];
  } else {
    args = ['-e', `(async () => {${probe(undefined)}\n})().catch((e) => { console.error(e); process.exit(1); });`];
  }
  return JSON.parse(await node(args)) as Outcome;
}

let baseline: Seen;

beforeAll(async () => {
  requireBuild();
  const plain = await child('none');
  // The reference: Node's fetch in a process that never loaded the library.
  expect(plain.first).toMatchObject({ method: 'POST', body: '{"hello":"world","n":42}', headers: { 'content-length': '24', 'x-probe': 'global-fetch' } });
  baseline = plain.first as Seen;
});

describe.each([
  ['require', 'cjs'],
  ['import', 'esm'],
] as const)('with %s', (_, format) => {
  test.each(entries)(
    `after importing %s, fetch() with its own Content-Length still arrives exactly as without the library, and the library works in that process`,
    async (entry) => {
      const out = await child(format, entry);
      expect(out.first).toEqual(baseline);
      expect(out.library).toEqual({ fileName: 'global-fetch.docx', tokenRequests: 1 });
      expect(out.second).toEqual(baseline);
    },
  );
});
