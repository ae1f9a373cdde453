// Core benchmark: token requests under a cold herd and after revocation, and
// per-call cost of AsposeClient against raw undici (the floor) and the official
// Words SDK, measured side by side in one run against the same local stand-in.
import { Agent, request } from 'undici';
import wordsSdk from 'asposewordscloud';
import { AsposeClient } from '../dist/esm/index.js';
import { fetchRawToken, startServerProcess, median, table, interleavedRounds } from './lib.mjs';

const { WordsApi, GetDocumentRequest } = wordsSdk;
const HERD = Number(process.env.BENCH_HERD ?? 1000);
const CALLS = Number(process.env.BENCH_CALLS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const DOC = '/v4.0/words/report.docx';

const server = await startServerProcess();
const creds = { clientId: server.clientId, clientSecret: server.clientSecret, baseUrl: server.url };
const words = (api) => api.getDocument(new GetDocumentRequest({ documentName: 'report.docx' }));

// 1. Token requests: a cold herd, then a revocation with the herd in flight.
async function herd(name, make, call) {
  await server.call('reset');
  const target = make();
  const cold = await Promise.allSettled(Array.from({ length: HERD }, () => call(target)));
  const afterCold = await server.call('stats');
  await server.call('revoke');
  const revoked = await Promise.allSettled(Array.from({ length: HERD }, () => call(target)));
  const afterRevoke = await server.call('stats');
  await target.close?.();
  return [
    name,
    `${afterCold.tokenRequests}`,
    `${cold.filter((r) => r.status === 'rejected').length}`,
    `${afterRevoke.tokenRequests - afterCold.tokenRequests}`,
    `${afterRevoke.unauthorized - afterCold.unauthorized}`,
    `${revoked.filter((r) => r.status === 'rejected').length}`,
  ];
}
const herdRows = [
  await herd(
    'aspose-cloud-auth `AsposeClient`',
    () => new AsposeClient(creds),
    (c) => c.get(DOC),
  ),
  await herd('asposewordscloud 24.12 `WordsApi`', () => new WordsApi(creds.clientId, creds.clientSecret, creds.baseUrl), words),
];
console.log(`## Token requests: ${HERD} concurrent calls, cold, then again after the token is revoked\n`);
table(
  [
    'client',
    'token requests (cold)',
    'failed calls (cold)',
    'token requests (after revoke)',
    '401s seen by the server (after revoke)',
    'failed calls (after revoke)',
  ],
  herdRows,
);

// 2. Per-call cost, interleaved rounds so drift hits every arm alike.
const rawAgent = new Agent();
const fixed = await fetchRawToken(server.url, creds, rawAgent);
const rawHeaders = { authorization: `Bearer ${fixed}`, accept: 'application/json' };
const client = new AsposeClient(creds);
const api = new WordsApi(creds.clientId, creds.clientSecret, creds.baseUrl);
const arms = {
  'raw undici, fixed header (floor)': async () => {
    const r = await request(server.url + DOC, { dispatcher: rawAgent, headers: rawHeaders });
    await r.body.json();
  },
  'raw undici, `agent.request({ origin, path })`, fixed header': async () => {
    const r = await rawAgent.request({ origin: server.url, path: DOC, method: 'GET', headers: rawHeaders });
    await r.body.json();
  },
  '`AsposeClient.request` + `body.json()`': async () => {
    const r = await client.request({ path: DOC, headers: { accept: 'application/json' } });
    await r.body.json();
  },
  '`AsposeClient.get` (JSON helper)': () => client.get(DOC),
  'asposewordscloud `getDocument`': () => words(api),
};
const { names, wall, cpu } = await interleavedRounds(arms, { rounds: ROUNDS, calls: CALLS, concurrency: CONCURRENCY });
const floor = median(wall[names[0]]);
const cpuFloor = median(cpu[names[0]]);
console.log(`## Per-call time: ${CALLS} GET calls × ${ROUNDS} interleaved rounds, concurrency ${CONCURRENCY}, median round\n`);
console.log(
  'Wall-clock time per call includes the stand-in (another process on the same 2 cores). CPU time per call is what the calling process itself spent: the cost of the client library, free of the server.\n',
);
table(
  ['client', 'µs per call (wall)', 'vs raw undici', 'calls/s', 'CPU µs per call (client process)', 'vs raw undici'],
  names.map((name) => {
    const m = median(wall[name]);
    const c = median(cpu[name]);
    return [name, m.toFixed(1), `${(m / floor).toFixed(3)}×`, Math.round(1e6 / m).toLocaleString('en-US'), c.toFixed(1), `${(c / cpuFloor).toFixed(3)}×`];
  }),
);

await client.close();
await rawAgent.close();
await server.close();
