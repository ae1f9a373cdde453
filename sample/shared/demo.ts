// The part of the Express and Koa samples that is not about either framework:
// after the app is listening, call its routes the way a browser would, print
// what happened and how many token requests it took, then keep serving or stop.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AsposeClient } from 'aspose-cloud-auth';

export interface DemoOptions {
  framework: 'Express' | 'Koa';
  server: Server;
  client: AsposeClient;
  /** The local stand-in, when the sample runs without credentials. */
  standIn?: { url: string; close(): Promise<void> };
  /** Keep serving after the demo instead of stopping. */
  serve: boolean;
  /** How the app's own route reaches the client: `req.aspose` or `ctx.state.aspose`. */
  clientOn: string;
}

export async function runDemo({ framework, server, client, standIn, serve, clientOn }: DemoOptions): Promise<void> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`${framework} sample on ${url}, talking to ${standIn ? `a local Aspose stand-in at ${standIn.url}` : client.baseUrl}`);

  const user = { 'x-demo-user': 'demo' };
  const calls: [string, string, RequestInit?][] = [
    [`own route using ${clientOn}`, '/api/documents/report.docx', { headers: user }],
    ['proxied Words call', '/aspose/v4.0/words/report.docx', { headers: user }],
    ['proxied BarCode call', `/aspose/v4.0/barcode/generate/QR?data=Hello%20from%20${framework}`, { headers: user }],
    ['proxied call, not signed in', '/aspose/v4.0/words/report.docx'],
    ['not in the allow list', '/aspose/v4.0/cells/book.xlsx', { headers: user }],
    ['the token endpoint', '/aspose/connect/token', { method: 'POST', headers: user }],
    ['path traversal', '/aspose/v4.0/words/..%2f..%2fconnect%2ftoken', { headers: user }],
  ];
  for (const [what, path, init] of calls) {
    const res = await fetch(url + path, init);
    const type = res.headers.get('content-type') ?? '';
    const body = type.includes('json') ? JSON.stringify(await res.json()) : `${(await res.arrayBuffer()).byteLength} bytes of ${type}`;
    console.log(`${String(res.status).padEnd(4)} ${(init?.method ?? 'GET').padEnd(5)} ${path}  (${what})\n     ${body.slice(0, 160)}`);
  }

  const token = await client.tokens.getToken();
  console.log(`\ntoken: ${String(token)} (requests to the token endpoint: ${client.tokens.stats.requests})`);
  if (serve) {
    console.log(`\nServing. Try: curl -H 'x-demo-user: me' ${url}/aspose/v4.0/words/report.docx`);
    return;
  }
  server.close();
  await client.close();
  await standIn?.close();
}
