// OpenTelemetry bench: the per-call cost of AsposeClient with the OTel wiring
// (`instrumentAsposeAuth()`) off and on, beside raw undici (the floor), and the
// same with @opentelemetry/instrumentation-undici's HTTP spans on for both, in
// interleaved rounds of one run against the stand-in in its own process. The
// real SDK records everything (spans go to an exporter that drops them, metrics
// to a reader), so what is measured is the wiring's own cost in steady state.
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Agent, request } from 'undici';
import { AsposeClient } from '../dist/esm/index.js';
import { asposeResendAttributes, instrumentAsposeAuth } from '../dist/esm/otel/index.js';
import { fetchRawToken, median, startServerProcess, table, interleavedRounds } from './lib.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const DOC = '/v4.0/words/report.docx';

class DroppingExporter {
  export(_spans, done) {
    done({ code: 0 });
  }
  shutdown() {
    return Promise.resolve();
  }
}
class IdleReader extends MetricReader {
  async onShutdown() {}
  async onForceFlush() {}
}

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new DroppingExporter())] });
const reader = new IdleReader();
const meterProvider = new MeterProvider({ readers: [reader] });
trace.setGlobalTracerProvider(tracerProvider);
metrics.setGlobalMeterProvider(meterProvider);
const undiciSpans = new UndiciInstrumentation({ startSpanHook: asposeResendAttributes });
undiciSpans.setTracerProvider(tracerProvider);
undiciSpans.setMeterProvider(meterProvider);
undiciSpans.disable();

const server = await startServerProcess();
const creds = { clientId: server.clientId, clientSecret: server.clientSecret, baseUrl: server.url };
const rawAgent = new Agent();
const fixed = await fetchRawToken(server.url, creds, rawAgent);
const rawHeaders = { authorization: `Bearer ${fixed}`, accept: 'application/json' };
const client = new AsposeClient(creds);

const raw = async () => {
  const r = await request(server.url + DOC, { dispatcher: rawAgent, headers: rawHeaders });
  await r.body.json();
};
const viaClient = async () => {
  const r = await client.request({ path: DOC, headers: { accept: 'application/json' } });
  await r.body.json();
};

// Each arm sets the wiring it needs before its batch: instrumentAsposeAuth on or off, undici's spans on or off.
let undo;
function wiring({ aspose, http }) {
  if (aspose && !undo) undo = instrumentAsposeAuth();
  if (!aspose && undo) {
    undo();
    undo = undefined;
  }
  if (http) undiciSpans.enable();
  else undiciSpans.disable();
}
const arms = {
  'raw undici, fixed header (floor)': { fn: raw, aspose: false, http: false },
  '`AsposeClient.request`, no subscriber': { fn: viaClient, aspose: false, http: false },
  '`AsposeClient.request`, `instrumentAsposeAuth()` on': { fn: viaClient, aspose: true, http: false },
  'raw undici, undici HTTP spans on': { fn: raw, aspose: false, http: true },
  '`AsposeClient.request`, `instrumentAsposeAuth()` + undici HTTP spans on': { fn: viaClient, aspose: true, http: true },
};
const fns = Object.fromEntries(Object.entries(arms).map(([name, arm]) => [name, arm.fn]));
const { names, wall, cpu } = await interleavedRounds(fns, {
  rounds: ROUNDS,
  calls: CALLS,
  concurrency: CONCURRENCY,
  prepare: (name) => wiring(arms[name]),
});
wiring({ aspose: false, http: false });
const floor = median(wall[names[0]]);
const cpuFloor = median(cpu[names[0]]);
console.log(`## OpenTelemetry: per-call time, ${CALLS} GET calls × ${ROUNDS} interleaved rounds, concurrency ${CONCURRENCY}, median round\n`);
console.log(
  'Steady state: the token is cached, so `instrumentAsposeAuth()` adds only what a call pays while the replay channel has a subscriber. CPU time per call is what the calling process spent; the stand-in runs in another process.\n',
);
table(
  ['client', 'µs per call (wall)', 'vs raw undici', 'CPU µs per call (client process)', 'vs raw undici'],
  names.map((name) => {
    const m = median(wall[name]);
    const c = median(cpu[name]);
    return [name, m.toFixed(1), `${(m / floor).toFixed(3)}×`, c.toFixed(1), `${(c / cpuFloor).toFixed(3)}×`];
  }),
);

await client.close();
await rawAgent.close();
await meterProvider.shutdown();
await tracerProvider.shutdown();
await server.close();
