/**
 * `aspose-cloud-auth/otel` end to end, on the real OpenTelemetry SDK (in-memory
 * span exporter, a metric reader collected on demand, the Node context
 * manager) and the real undici instrumentation, against the stand-in: one
 * `instrumentAsposeAuth()` call, then a token fetch, an expiry refresh, a 401
 * replay and a lockout show up as metrics and spans, the token span is the
 * parent of undici's HTTP span, the resent request carries
 * `http.request.resend_count`, and undoing it stops everything.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { context, metrics, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ASPOSE_CHANNELS, AsposeAuthError } from 'aspose-cloud-auth';
import { asposeResendAttributes, instrumentAsposeAuth } from 'aspose-cloud-auth/otel';
import { cleanup, track } from '../support/cleanup';
import { client, tokenService } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { waitFor } from '../support/polling';
import { standIn } from '../support/servers';

/** A reader whose metrics the test collects when it wants them. */
class CollectingReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

const contextManager = new AsyncLocalStorageContextManager().enable();
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const reader = new CollectingReader();
const meterProvider = new MeterProvider({ readers: [reader] });
const undici = new UndiciInstrumentation({ startSpanHook: asposeResendAttributes });

beforeAll(() => {
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  undici.setTracerProvider(tracerProvider);
  undici.setMeterProvider(meterProvider);
  undici.enable();
});

afterAll(async () => {
  undici.disable();
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
  context.disable();
  trace.disable();
  metrics.disable();
});

afterEach(async () => {
  jest.restoreAllMocks();
  await cleanup();
  exporter.reset();
});

/** Wires OTel for one test (the global providers), undone by `cleanup()`. */
function instrument(): () => void {
  return track(instrumentAsposeAuth(), (undo) => undo());
}

async function collect(): Promise<Map<string, MetricData>> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const out = new Map<string, MetricData>();
  for (const scope of resourceMetrics.scopeMetrics) for (const m of scope.metrics) out.set(m.descriptor.name, m);
  return out;
}

/** The sum (counters), count (histograms) or value (gauges) of a metric's points matching `attributes`. */
async function value(name: string, attributes: Attributes = {}): Promise<number> {
  const m = (await collect()).get(name);
  if (m === undefined) return 0;
  let total = 0;
  for (const p of m.dataPoints) {
    if (!Object.entries(attributes).every(([k, v]) => p.attributes[k] === v)) continue;
    total += m.dataPointType === DataPointType.HISTOGRAM ? (p.value as { count: number }).count : (p.value as number);
  }
  return total;
}

const spans = (name?: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => name === undefined || s.name === name);
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe('instrumentAsposeAuth()', () => {
  test('a token fetch is a CLIENT span, child of the caller and parent of undici’s HTTP span, and is counted and timed', async () => {
    const server = await standIn();
    instrument();
    const before = await value('aspose.auth.token.requests', { 'aspose.auth.outcome': 'ok' });
    const c = client(server);
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('caller', async (caller) => {
      await c.get('/v4.0/words/a.docx');
      caller.end();
    });
    const [callerSpan] = spans('caller');
    const [tokenSpan] = spans('aspose.auth.token');
    expect(tokenSpan.kind).toBe(SpanKind.CLIENT);
    expect(tokenSpan.attributes).toMatchObject({
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'url.path': '/connect/token',
      'aspose.auth.attempt': 1,
      'aspose.auth.outcome': 'ok',
      'http.response.status_code': 200,
    });
    expect(tokenSpan.status.code).toBe(SpanStatusCode.UNSET);
    expect(parentOf(tokenSpan)).toBe(callerSpan.spanContext().spanId);
    const post = spans('POST');
    expect(post).toHaveLength(1);
    expect(post[0].attributes['url.path']).toBe('/connect/token');
    expect(parentOf(post[0])).toBe(tokenSpan.spanContext().spanId);
    // The API call itself is the caller's child, not the token span's.
    const [get] = spans('GET');
    expect(parentOf(get)).toBe(callerSpan.spanContext().spanId);

    expect((await value('aspose.auth.token.requests', { 'aspose.auth.outcome': 'ok' })) - before).toBe(1);
    expect(await value('aspose.auth.token.fetch.duration', { 'aspose.auth.outcome': 'ok', 'server.address': '127.0.0.1' })).toBeGreaterThanOrEqual(1);
    const duration = (await collect()).get('aspose.auth.token.fetch.duration')!;
    expect(duration.descriptor.unit).toBe('s');
    expect(await value('aspose.auth.token.refreshes', { 'aspose.auth.refresh.reason': 'first' })).toBeGreaterThanOrEqual(1);
    // The gauge: the token the stand-in issued lives an hour.
    const left = await value('aspose.auth.token.remaining_lifetime', { 'server.address': '127.0.0.1', 'url.path': '/connect/token' });
    expect(left).toBeGreaterThan(3500);
    expect(left).toBeLessThanOrEqual(3600);
  });

  test('an expiry refresh counts as expiring, and the gauge follows the new token', async () => {
    const server = await standIn({ tokenLifetimeSec: 600 });
    instrument();
    const tokens = tokenService(server);
    const first = await tokens.getToken();
    const before = await value('aspose.auth.token.refreshes', { 'aspose.auth.refresh.reason': 'expiring' });
    const at = first.obtainedAt + 540_000;
    jest.spyOn(Date, 'now').mockImplementation(() => at);
    expect(await value('aspose.auth.token.remaining_lifetime', { 'url.path': '/connect/token' })).toBeLessThanOrEqual(60);
    await tokens.getToken();
    await waitFor(() => tokens.stats.tokensIssued === 2, 'the background refresh');
    expect((await value('aspose.auth.token.refreshes', { 'aspose.auth.refresh.reason': 'expiring' })) - before).toBe(1);
    expect(await value('aspose.auth.token.remaining_lifetime', { 'url.path': '/connect/token' })).toBeGreaterThan(500);
  });

  test('a 401 replay is counted, and the resent request’s HTTP span carries http.request.resend_count = 1 in the caller’s trace', async () => {
    const server = await standIn();
    instrument();
    const c = client(server);
    await c.get('/v4.0/words/a.docx');
    const replaysBefore = await value('aspose.auth.request.replays', { 'http.request.method': 'GET' });
    exporter.reset();
    server.revoke();
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('caller', async (caller) => {
      await c.get('/v4.0/words/b.docx?folder=x');
      caller.end();
    });
    const [callerSpan] = spans('caller');
    const gets = spans('GET');
    expect(gets.map((s) => [s.attributes['http.response.status_code'], s.attributes['http.request.resend_count']])).toEqual([
      [401, undefined],
      [200, 1],
    ]);
    // Both sends are the caller's children, the resend too (sent from undici's socket callbacks).
    for (const g of gets) expect(parentOf(g)).toBe(callerSpan.spanContext().spanId);
    // The token request the replay waited for is no resend, and its span sits under the token span.
    const [tokenSpan] = spans('aspose.auth.token');
    expect(parentOf(tokenSpan)).toBe(callerSpan.spanContext().spanId);
    const [post] = spans('POST');
    expect(post.attributes['http.request.resend_count']).toBeUndefined();
    expect(parentOf(post)).toBe(tokenSpan.spanContext().spanId);
    expect((await value('aspose.auth.request.replays', { 'http.request.method': 'GET', 'server.address': '127.0.0.1' })) - replaysBefore).toBe(1);
    expect(await value('aspose.auth.token.refreshes', { 'aspose.auth.refresh.reason': 'after-401' })).toBeGreaterThanOrEqual(1);
  });

  test('a POST replay: only the resent POST carries resend_count, not the token POST made while it waits', async () => {
    const server = await standIn();
    instrument();
    const c = client(server);
    await c.get('/v4.0/words/a.docx');
    exporter.reset();
    server.revoke();
    await c.post('/__stand-in/echo/upload', { data: 'x' });
    expect(spans('POST').map((s) => [s.attributes['url.path'], s.attributes['http.request.resend_count']])).toEqual([
      ['/__stand-in/echo/upload', undefined],
      ['/connect/token', undefined],
      ['/__stand-in/echo/upload', 1],
    ]);
  });

  test('a refusal is an error span with its OAuth error, and its lockout is counted by code', async () => {
    const server = await standIn();
    instrument();
    server.failToken({ kind: 'status', status: 400, body: { error: 'invalid_client' } });
    const before = await value('aspose.auth.lockouts', { 'error.type': 'ERR_ASPOSE_AUTH_REFUSED' });
    const err = await rejectionOf(tokenService(server).getToken());
    expect(err).toBeInstanceOf(AsposeAuthError);
    const [span] = spans('aspose.auth.token');
    expect(span.attributes).toMatchObject({
      'aspose.auth.outcome': 'refused',
      'aspose.auth.oauth_error': 'invalid_client',
      'http.response.status_code': 400,
      'error.type': 'refused',
    });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.status.message).toContain('invalid_client');
    expect((await value('aspose.auth.lockouts', { 'error.type': 'ERR_ASPOSE_AUTH_REFUSED' })) - before).toBe(1);
    expect(await value('aspose.auth.token.requests', { 'aspose.auth.outcome': 'refused' })).toBeGreaterThanOrEqual(1);
  });

  test('explicit providers get the telemetry instead of the global ones', async () => {
    const server = await standIn();
    const ownExporter = new InMemorySpanExporter();
    const ownTracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(ownExporter)] });
    const ownReader = new CollectingReader();
    const ownMeter = new MeterProvider({ readers: [ownReader] });
    track(instrumentAsposeAuth({ tracerProvider: ownTracer, meterProvider: ownMeter }), (undo) => undo());
    await tokenService(server).getToken();
    expect(ownExporter.getFinishedSpans().map((s) => s.name)).toEqual(['aspose.auth.token']);
    expect(spans('aspose.auth.token')).toEqual([]);
    const { resourceMetrics } = await ownReader.collect();
    const names = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
    expect(names).toEqual(expect.arrayContaining(['aspose.auth.token.requests', 'aspose.auth.token.fetch.duration', 'aspose.auth.token.refreshes']));
    await ownMeter.shutdown();
    await ownTracer.shutdown();
  });

  test('the function it returns undoes it, every channel is left without a subscriber, and calling it again is harmless', async () => {
    const server = await standIn();
    const undo = instrumentAsposeAuth();
    const token = diagnostics_channel.tracingChannel(ASPOSE_CHANNELS.token);
    expect(token.hasSubscribers).toBe(true);
    undo();
    undo();
    expect(token.hasSubscribers).toBe(false);
    for (const name of [ASPOSE_CHANNELS.tokenRefresh, ASPOSE_CHANNELS.tokenInvalidate, ASPOSE_CHANNELS.tokenLockout, ASPOSE_CHANNELS.requestReplay]) {
      expect({ name, subscribed: diagnostics_channel.hasSubscribers(name) }).toEqual({ name, subscribed: false });
    }
    const before = await value('aspose.auth.token.requests');
    const c = client(server);
    await c.get('/v4.0/words/a.docx');
    server.revoke();
    await c.get('/v4.0/words/b.docx');
    expect(spans('aspose.auth.token')).toEqual([]);
    expect(spans('GET').map((s) => s.attributes['http.request.resend_count'])).toEqual([undefined, undefined, undefined]);
    expect(await value('aspose.auth.token.requests')).toBe(before);
  });
});
