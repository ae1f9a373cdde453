/**
 * Failures nobody awaits (a background refresh that fails, a token fetch
 * that outlives the callers who gave up on it, a service closed mid-fetch)
 * never become unhandled rejections, and every caller who does wait gets an
 * answer or an error, never a hang.
 *
 * Jest hides unhandled rejections from `process.on('unhandledRejection')`,
 * so each scenario (unhandled-rejection.scenarios.cjs) runs in a child
 * process against the built package, where a real listener counts them
 * (test/support/unhandled-rejections.ts); the first test shows that count
 * is not always zero. Scenarios that stand inside a token's refresh window
 * pin `Date.now` rather than wait out most of a token's life; all HTTP runs
 * in real time.
 */
import { join } from 'node:path';
import { runScenario } from '../support/unhandled-rejections';

const SCENARIOS = join(__dirname, 'unhandled-rejection.scenarios.cjs');

test('control: a refused token request that nobody awaits is counted as an unhandled rejection', async () => {
  const { unhandled, result } = await runScenario(SCENARIOS, 'a token request nobody awaits');
  expect(unhandled).toEqual([expect.objectContaining({ name: 'AsposeAuthRefusedError', code: 'ERR_ASPOSE_AUTH_REFUSED' })]);
  expect(result).toEqual({ tokenRequests: 1 });
});

test.each([
  ['refused', { kind: 'status', status: 400, body: { error: 'invalid_client' } }],
  ['unavailable', { kind: 'status', status: 503 }],
  ['hanging', { kind: 'hang' }],
] as const)('a %s background refresh is not an unhandled rejection, and the old token keeps serving', async (_, fault) => {
  const { unhandled, result } = await runScenario(SCENARIOS, 'a background refresh that fails', fault);
  expect(unhandled).toEqual([]);
  // The call that started the refresh got the old token; after the failure, 100 more calls too,
  // and the failed refresh was not retried on every call.
  expect(result).toEqual({ starting: true, served: 100, requestsSince: 0, refreshesAhead: 1 });
});

test('a failed background refresh is tried again later, and its success replaces the token', async () => {
  const { unhandled, result } = await runScenario(SCENARIOS, 'a failed background refresh tried again later');
  expect(unhandled).toEqual([]);
  expect(result).toEqual({ whileRetrying: true, replaced: true, refreshesAhead: 2 });
});

test('when the token endpoint fails after a 401, the caller gets the auth error: no hang, no unhandled rejection', async () => {
  const { unhandled, result } = await runScenario(SCENARIOS, 'the token endpoint failing after a 401');
  expect(unhandled).toEqual([]);
  expect(result).toEqual({ codes: ['ERR_ASPOSE_AUTH_REFUSED'], tokenRequests: 2 });
});

test('aborting a request that is waiting for a token after a 401 rejects with ERR_ASPOSE_ABORTED', async () => {
  const { unhandled, result } = await runScenario(SCENARIOS, 'an abort while waiting for a token after a 401');
  expect(unhandled).toEqual([]);
  // apiRequests 2: the aborted request was not replayed once the token came.
  expect(result).toEqual({ code: 'ERR_ASPOSE_ABORTED', apiRequests: 2 });
});

test('closing the token service mid-fetch rejects its waiting callers', async () => {
  const { unhandled, result } = await runScenario(SCENARIOS, 'closing the token service mid-fetch');
  expect(unhandled).toEqual([]);
  expect(result).toEqual({ codes: Array(5).fill('ERR_ASPOSE_AUTH_UNAVAILABLE'), later: 'ERR_ASPOSE_AUTH_UNAVAILABLE', tokenRequests: 1 });
});

test('closing the client with force while requests wait for a token settles them at once', async () => {
  const { unhandled, result } = await runScenario(SCENARIOS, 'closing the client with force while requests wait for a token');
  expect(unhandled).toEqual([]);
  expect(result).toEqual({ codes: Array(5).fill('ERR_ASPOSE_ABORTED'), apiRequests: 0 });
});

test('a refresh-ahead fetch still running when the service closes settles quietly', async () => {
  const { unhandled, result } = await runScenario(SCENARIOS, 'a refresh ahead still running when the service closes');
  expect(unhandled).toEqual([]);
  expect(result).toEqual({ failures: 1 });
});

test('getToken() with a signal already aborted rejects with AsposeAbortError, and the fetch it started failing is not an unhandled rejection', async () => {
  const { unhandled, result } = await runScenario(SCENARIOS, 'a getToken with a signal already aborted');
  expect(unhandled).toEqual([]);
  expect(result).toEqual({ first: ['AsposeAbortError', 'ERR_ASPOSE_ABORTED'], second: ['AsposeAbortError', 'ERR_ASPOSE_ABORTED'], tokenRequests: 1 });
});
