// Typed-layer benchmark: the per-call cost of `aspose-cloud-auth/openapi`'s
// typed GET against the `AsposeClient` calls under it (`request()` and
// `requestJson()`, which the typed layer delegates to), side by side in one
// run against the same local stand-in. The layer fills a path template and
// hands one options object to `requestJson()`; this shows what that costs.
import { AsposeClient } from '../dist/esm/index.js';
import { createAsposeApi } from '../dist/esm/openapi/index.js';
// Internal (not an export of the package): the one piece of work the layer does per call, timed alone below.
import { fillPathTemplate } from '../dist/esm/openapi/path-template.js';
import { startServerProcess, median, table, interleavedRounds } from './lib.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const DOC = '/v4.0/words/report.docx';

const server = await startServerProcess();
const client = new AsposeClient({ clientId: server.clientId, clientSecret: server.clientSecret, baseUrl: server.url });
const api = createAsposeApi(client, { prefix: '/v4.0' });
const init = { params: { path: { name: 'report.docx' } } };
const arms = {
  '`AsposeClient.request` + `body.json()`': async () => {
    const r = await client.request({ path: DOC, headers: { accept: 'application/json' } });
    await r.body.json();
  },
  '`AsposeClient.requestJson`': () => client.requestJson({ path: DOC }),
  // The same arm twice: how far two identical arms drift apart in this run, the noise floor of the comparison.
  '`AsposeClient.requestJson` again (noise check)': () => client.requestJson({ path: DOC }),
  "typed `api.GET('/words/{name}', { params })`": () => api.GET('/words/{name}', init),
};
// The typed call reaches the same URL as the others, or the comparison means nothing.
const typed = await api.GET('/words/{name}', init);
const direct = await client.requestJson({ path: DOC });
if (typed.data?.Document?.FileName !== 'report.docx' || direct.data?.Document?.FileName !== 'report.docx')
  throw new Error('the typed call did not reach the same route');
const { names, wall, cpu } = await interleavedRounds(arms, { rounds: ROUNDS, calls: CALLS, concurrency: CONCURRENCY });
const base = names[1];
console.log(`## Typed calls (aspose-cloud-auth/openapi): ${CALLS} GET calls × ${ROUNDS} interleaved rounds, concurrency ${CONCURRENCY}, median round\n`);
console.log(
  'CPU time per call is what the calling process spent. The typed layer delegates to `requestJson`, so that is its baseline; the noise-check row is the same call again, so a gap no wider than its own is no gap.\n',
);
table(
  ['client', 'µs per call (wall)', 'vs `requestJson`', 'CPU µs per call (client process)', 'vs `requestJson`'],
  names.map((name) => {
    const m = median(wall[name]);
    const c = median(cpu[name]);
    return [name, m.toFixed(1), `${(m / median(wall[base])).toFixed(3)}×`, c.toFixed(1), `${(c / median(cpu[base])).toFixed(3)}×`];
  }),
);

// The layer's own work, alone and in-process (no network, so free of the noise above): the
// path template filled, as a typed call does it, against the CPU a whole call costs.
const FILLS = 2_000_000;
let sink = 0;
const fillNs = [];
for (let round = 0; round < 5; round++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < FILLS; i++) sink += fillPathTemplate('/words/{name}', init.params.path).length;
  fillNs.push(Number(process.hrtime.bigint() - t0) / FILLS);
}
if (sink === 0) throw new Error('unreachable');
const fill = median(fillNs);
console.log(`## The typed layer's own work per call (in-process, ${FILLS} fills × 5 rounds, median)\n`);
table(
  ['work', 'ns per call', 'share of a `requestJson` call (CPU)'],
  [["fill `/words/{name}` with `{ name: 'report.docx' }`", fill.toFixed(0), `${((fill / 1000 / median(cpu[base])) * 100).toFixed(2)} %`]],
);

await client.close();
await server.close();
