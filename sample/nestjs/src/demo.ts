import type { TokenService } from 'aspose-cloud-auth';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';

/** One call to the sample's own HTTP routes, and what came back. */
async function call(url: string, path: string): Promise<{ status: number; summary: string }> {
  const res = await fetch(url + path, { headers: { connection: 'close' } });
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) return { status: res.status, summary: JSON.stringify(await res.json()).slice(0, 240) };
  const bytes = (await res.arrayBuffer()).byteLength;
  return { status: res.status, summary: `${bytes} bytes of ${type.split(';')[0]}` };
}

/**
 * Calls the routes the way a front end would, some of them side by side, then
 * prints how many tokens all of that took. With the stand-in it also prints the
 * stand-in's own count, seen from the other side of the wire.
 */
export async function runDemo(url: string, tokens: TokenService, standIn: AsposeStandIn | undefined): Promise<void> {
  const document = process.env.SAMPLE_DOCUMENT ?? 'report.docx';
  const routes: [string, string][] = [
    [`/documents/${encodeURIComponent(document)}`, 'Words document info via AsposeClient'],
    ['/barcodes/QR?text=Hello%20from%20NestJS', 'BarCode generate via AsposeHttpService'],
    ['/documents/missing-file.docx', 'a document that does not exist: Aspose’s 404, passed on'],
  ];
  let apiCalls = 0;
  console.log('\nOne call to each route:');
  for (const [path, what] of routes) {
    const r = await call(url, path);
    apiCalls++;
    console.log(`  ${r.status} GET ${path}\n      ${what}\n      ${r.summary}`);
  }

  const health = await call(url, '/health');
  console.log(`  ${health.status} GET /health\n      Terminus health check: the Aspose token, and no product API call\n      ${health.summary}`);

  const burst = 12;
  console.log(`\n${burst} more calls at once, half to each route:`);
  const results = await Promise.all(
    Array.from({ length: burst }, (_, i) =>
      i % 2 === 0 ? call(url, `/documents/${encodeURIComponent(document)}`) : call(url, `/barcodes/Code128?text=item-${i}`),
    ),
  );
  apiCalls += burst;
  const byStatus = new Map<number, number>();
  for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  console.log(`  statuses: ${[...byStatus].map(([s, n]) => `${n} × ${s}`).join(', ')}`);

  const s = tokens.stats;
  console.log(
    `\nTokens: ${s.tokensIssued} token served all ${apiCalls} Aspose API calls (token endpoint requests: ${s.requests}, refreshed ahead: ${s.refreshesAhead}, failures: ${s.failures}).`,
  );
  if (standIn) {
    console.log(`Stand-in saw: ${standIn.tokenRequests} token request, ${standIn.apiRequests} API calls, ${standIn.unauthorized} answered 401.`);
  }
}
