import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics_channel from 'node:diagnostics_channel';
import {
  context,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  ValueType,
  type Attributes,
  type Context,
  type MeterProvider,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  ASPOSE_CHANNELS,
  type AsposeRequestReplayMessage,
  type AsposeTokenInvalidateMessage,
  type AsposeTokenLockoutMessage,
  type AsposeTokenRefreshMessage,
  type AsposeTokenRequestMessage,
} from '../diagnostics/channels.js';
import type { TokenService } from '../token/token-service.js';

/** Options of {@link instrumentAsposeAuth}. */
export interface InstrumentAsposeAuthOptions {
  /** Where the metrics go. Default: the global meter provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /** Where the spans go. Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
}

/** The instrumentation scope name of the meter and tracer. */
const SCOPE = 'aspose-cloud-auth';

/** The span of one token request. */
const TOKEN_SPAN = 'aspose.auth.token';

/** One wiring made by {@link instrumentAsposeAuth}: what makes the token spans. */
interface TokenSpans {
  start(message: AsposeTokenRequestMessage, parent: Context): Span;
}

/**
 * The wirings in force, and the context binding they share. Token spans are
 * made the active context for the token request by binding OpenTelemetry's
 * own AsyncLocalStorage to the tracing channel's `start` (see
 * {@link otelStorage}); one binding serves every wiring, as a channel keeps
 * one transform per store.
 */
const wirings = new Set<TokenSpans>();
let boundStorage: AsyncLocalStorage<Context> | undefined;
const tokenStart = diagnostics_channel.tracingChannel<unknown, AsposeTokenRequestMessage>(ASPOSE_CHANNELS.token).start;

/** The context the token request runs in: the caller's, with each wiring's token span, the last innermost. */
function tokenContext(message: AsposeTokenRequestMessage): Context {
  let ctx = context.active();
  for (const w of wirings) ctx = trace.setSpan(ctx, w.start(message, ctx));
  return ctx;
}

/**
 * The AsyncLocalStorage behind OpenTelemetry's active context, when the
 * global context manager is the Node one (`AsyncLocalStorageContextManager`,
 * which the Node SDK registers). OpenTelemetry does not expose it yet
 * (opentelemetry-js#6088 asks for it), so it is found by duck typing, and
 * checked to be a real AsyncLocalStorage before it is used. Without it (another
 * context manager, or none registered yet) token spans are still made, but
 * are not the parents of undici's HTTP spans.
 */
function otelStorage(): AsyncLocalStorage<Context> | undefined {
  const manager = (context as unknown as { _getContextManager?: () => unknown })._getContextManager?.();
  const storage = (manager as { _asyncLocalStorage?: unknown } | undefined)?._asyncLocalStorage;
  return storage instanceof AsyncLocalStorage ? (storage as AsyncLocalStorage<Context>) : undefined;
}

/** Binds OpenTelemetry's storage to the token channel's start, if it is there and not bound yet. */
function bindContext(): void {
  const storage = otelStorage();
  if (storage === undefined || storage === boundStorage) return;
  if (boundStorage) tokenStart.unbindStore(boundStorage);
  boundStorage = storage;
  tokenStart.bindStore(storage, tokenContext);
}

/**
 * Holds the replay message while a 401 replay is dispatched, for
 * {@link asposeResendAttributes}: bound to the replay channel while any wiring is in force.
 */
const replayStorage = new AsyncLocalStorage<AsposeRequestReplayMessage>();
const replayChannel = diagnostics_channel.channel(ASPOSE_CHANNELS.requestReplay);

/**
 * Span attributes for a request undici is about to send: `http.request.resend_count: 1`
 * when it is a request aspose-cloud-auth resends after a 401, else none.
 *
 * OpenTelemetry's HTTP conventions put `http.request.resend_count` on the
 * HTTP client span of the resent request, and that span is made by
 * `@opentelemetry/instrumentation-undici`, so give this to it as its
 * `startSpanHook` (or call it from yours):
 *
 * ```ts
 * new UndiciInstrumentation({ startSpanHook: asposeResendAttributes });
 * ```
 *
 * It works while {@link instrumentAsposeAuth} is in force: the resent
 * request is dispatched inside the replay channel's `runStores`, where this
 * finds it. (When a `connections` limit makes the resent request wait for a
 * connection, undici creates it later, outside that scope, and it goes without.)
 */
export function asposeResendAttributes(request: { method?: string; origin?: unknown; path?: string }): Attributes {
  const replay = replayStorage.getStore();
  if (replay === undefined || request.method !== replay.method || String(request.origin) !== replay.origin) return {};
  const path = request.path ?? '';
  const query = path.indexOf('?');
  // The token request a replay may have to wait for is made in the same scope: it is not a resend.
  return (query < 0 ? path : path.slice(0, query)) === replay.path ? { 'http.request.resend_count': replay.resendCount } : {};
}

/**
 * The token services seen on the channels, held weakly, for the gauge of
 * the current token's remaining lifetime. A service is known from its first
 * refresh, invalidation or lockout after the wiring was made; a closed or
 * collected one is dropped at the next observation.
 */
class LiveServices {
  readonly #refs = new Set<WeakRef<TokenService>>();
  readonly #seen = new WeakSet<TokenService>();

  add(service: TokenService): void {
    if (this.#seen.has(service)) return;
    this.#seen.add(service);
    this.#refs.add(new WeakRef(service));
  }

  /** Each live service; the closed and collected are dropped. */
  *live(): Generator<TokenService> {
    for (const ref of this.#refs) {
      const service = ref.deref();
      if (service === undefined || service.closed) this.#refs.delete(ref);
      else yield service;
    }
  }

  clear(): void {
    this.#refs.clear();
  }
}

/** `server.address` and `server.port` (as OpenTelemetry's conventions name them) and `url.path` of a token URL. */
function endpointAttributes(tokenUrl: string): Attributes {
  try {
    const u = new URL(tokenUrl);
    const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
    return { 'server.address': u.hostname, 'server.port': port, 'url.path': u.pathname };
  } catch {
    return {};
  }
}

/**
 * Wires the library's diagnostics channels into OpenTelemetry, for every
 * `AsposeClient` and `TokenService` in the process; returns a function that
 * undoes it (idempotent).
 *
 * Metrics (meter `aspose-cloud-auth`):
 *
 * | name | instrument | unit | attributes |
 * |---|---|---|---|
 * | `aspose.auth.token.fetch.duration` | histogram | s | `aspose.auth.outcome`, `server.address` |
 * | `aspose.auth.token.requests` | counter | {request} | `aspose.auth.outcome`, `server.address` |
 * | `aspose.auth.token.refreshes` | counter | {refresh} | `aspose.auth.refresh.reason`, `server.address` |
 * | `aspose.auth.request.replays` | counter | {request} | `http.request.method`, `server.address` |
 * | `aspose.auth.lockouts` | counter | {lockout} | `error.type` (the error code), `server.address` |
 * | `aspose.auth.token.remaining_lifetime` | observable gauge | s | `server.address`, `url.path` |
 *
 * Spans (tracer `aspose-cloud-auth`): one `aspose.auth.token` span (kind
 * CLIENT) per token HTTP request, each retry its own, with `server.address`,
 * `server.port`, `url.path`, `aspose.auth.attempt`, `aspose.auth.outcome`,
 * `http.response.status_code`, `aspose.auth.oauth_error`, and on failure
 * `error.type` and an error status. With the Node context manager
 * registered (the Node SDK's default) it is the parent of the HTTP span
 * `@opentelemetry/instrumentation-undici` makes for the token request. For
 * `http.request.resend_count` on a replayed request, see {@link asposeResendAttributes}.
 *
 * Call it once the SDK has started (so that the global providers and context
 * manager are set). Each call makes its own wiring: call it once per process.
 */
export function instrumentAsposeAuth(options: InstrumentAsposeAuthOptions = {}): () => void {
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const tracer: Tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const services = new LiveServices();

  const fetchDuration = meter.createHistogram('aspose.auth.token.fetch.duration', {
    description: 'Duration of each token HTTP request, from sending it to its outcome.',
    unit: 's',
    valueType: ValueType.DOUBLE,
  });
  const tokenRequests = meter.createCounter('aspose.auth.token.requests', { description: 'Token HTTP requests sent, by outcome.', unit: '{request}' });
  const refreshes = meter.createCounter('aspose.auth.token.refreshes', { description: 'New tokens taken into use, by reason.', unit: '{refresh}' });
  const replays = meter.createCounter('aspose.auth.request.replays', { description: 'API requests resent with a fresh token after a 401.', unit: '{request}' });
  const lockouts = meter.createCounter('aspose.auth.lockouts', {
    description: 'Times token requests started being held back (refusal backoff, Retry-After lockout, failing endpoint).',
    unit: '{lockout}',
  });
  const remaining = meter.createObservableGauge('aspose.auth.token.remaining_lifetime', {
    description: 'Seconds left before the current token expires (0 without a usable token), the least across the services of one token endpoint.',
    unit: 's',
    valueType: ValueType.DOUBLE,
  });
  const observeRemaining = (result: { observe(value: number, attributes?: Attributes): void }) => {
    const now = Date.now();
    const least = new Map<string, number>();
    for (const s of services.live()) {
      const status = s.status;
      const left = status.hasToken && status.expiresAt !== undefined ? Math.max(0, (status.expiresAt - now) / 1000) : 0;
      const url = s.tokenUrl;
      least.set(url, Math.min(least.get(url) ?? Number.POSITIVE_INFINITY, left));
    }
    for (const [url, left] of least) {
      const { 'server.port': _port, ...attributes } = endpointAttributes(url);
      if (Number.isFinite(left)) result.observe(left, attributes);
    }
  };
  remaining.addCallback(observeRemaining);

  const spans = new WeakMap<AsposeTokenRequestMessage, Span>();
  const wiring: TokenSpans = {
    start(message, parent) {
      let span = spans.get(message);
      if (span === undefined) {
        span = tracer.startSpan(
          TOKEN_SPAN,
          { kind: SpanKind.CLIENT, attributes: { ...endpointAttributes(message.tokenUrl), 'aspose.auth.attempt': message.attempt } },
          parent,
        );
        spans.set(message, span);
      }
      return span;
    },
  };
  const token = diagnostics_channel.tracingChannel<unknown, AsposeTokenRequestMessage>(ASPOSE_CHANNELS.token);
  const tokenHandlers = {
    // Made here when no storage is bound (or before the transform, which then finds it).
    start: (message: AsposeTokenRequestMessage) => {
      if (boundStorage === undefined) bindContext(); // a context manager registered since: from the next request on
      wiring.start(message, context.active());
    },
    end: () => {},
    asyncStart: () => {},
    error: () => {},
    asyncEnd: (message: AsposeTokenRequestMessage) => {
      const span = spans.get(message);
      spans.delete(message);
      const outcome = message.outcome ?? 'network';
      const server = message.tokenUrl ? endpointAttributes(message.tokenUrl)['server.address'] : undefined;
      const metricAttributes: Attributes = { 'aspose.auth.outcome': outcome, 'server.address': server };
      tokenRequests.add(1, metricAttributes);
      if (message.durationMs !== undefined) fetchDuration.record(message.durationMs / 1000, metricAttributes);
      if (span === undefined) return;
      span.setAttribute('aspose.auth.outcome', outcome);
      if (message.status !== undefined) span.setAttribute('http.response.status_code', message.status);
      if (message.oauthError !== undefined) span.setAttribute('aspose.auth.oauth_error', message.oauthError);
      if (outcome !== 'ok') {
        span.setAttribute('error.type', outcome);
        span.setStatus({ code: SpanStatusCode.ERROR, message: message.error?.message ?? outcome });
      }
      span.end();
    },
  };

  const onRefresh = (m: unknown) => {
    const message = m as AsposeTokenRefreshMessage;
    services.add(message.service);
    refreshes.add(1, { 'aspose.auth.refresh.reason': message.reason, 'server.address': endpointAttributes(message.tokenUrl)['server.address'] });
  };
  const onInvalidate = (m: unknown) => services.add((m as AsposeTokenInvalidateMessage).service);
  const onLockout = (m: unknown) => {
    const message = m as AsposeTokenLockoutMessage;
    services.add(message.service);
    if (message.phase === 'start') lockouts.add(1, { 'error.type': message.code, 'server.address': endpointAttributes(message.tokenUrl)['server.address'] });
  };
  const onReplay = (m: unknown) => {
    const message = m as AsposeRequestReplayMessage;
    let server: string | undefined;
    try {
      server = new URL(message.origin).hostname;
    } catch {
      server = undefined;
    }
    replays.add(1, { 'http.request.method': message.method, 'server.address': server });
  };

  wirings.add(wiring);
  bindContext();
  if (wirings.size === 1) replayChannel.bindStore(replayStorage);
  token.subscribe(tokenHandlers);
  diagnostics_channel.subscribe(ASPOSE_CHANNELS.tokenRefresh, onRefresh);
  diagnostics_channel.subscribe(ASPOSE_CHANNELS.tokenInvalidate, onInvalidate);
  diagnostics_channel.subscribe(ASPOSE_CHANNELS.tokenLockout, onLockout);
  diagnostics_channel.subscribe(ASPOSE_CHANNELS.requestReplay, onReplay);

  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    token.unsubscribe(tokenHandlers);
    diagnostics_channel.unsubscribe(ASPOSE_CHANNELS.tokenRefresh, onRefresh);
    diagnostics_channel.unsubscribe(ASPOSE_CHANNELS.tokenInvalidate, onInvalidate);
    diagnostics_channel.unsubscribe(ASPOSE_CHANNELS.tokenLockout, onLockout);
    diagnostics_channel.unsubscribe(ASPOSE_CHANNELS.requestReplay, onReplay);
    remaining.removeCallback(observeRemaining);
    services.clear();
    wirings.delete(wiring);
    if (wirings.size === 0) {
      replayChannel.unbindStore(replayStorage);
      if (boundStorage) tokenStart.unbindStore(boundStorage);
      boundStorage = undefined;
    }
  };
}
