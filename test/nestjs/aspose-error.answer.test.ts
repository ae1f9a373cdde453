import {
  AsposeAbortError,
  AsposeApiError,
  AsposeApiInvalidResponseError,
  AsposeArgumentError,
  AsposeAuthInvalidResponseError,
  AsposeAuthRateLimitedError,
  AsposeAuthRefusedError,
  AsposeAuthUnavailableError,
  AsposeConfigError,
  AsposeNetworkError,
  AsposeProxyCsrfError,
  AsposeProxyInternalError,
  AsposeProxyRateLimitedError,
  AsposeTimeoutError,
  type AsposeError,
} from 'aspose-cloud-auth';
import { asposeErrorAnswer } from 'aspose-cloud-auth/nestjs';

/**
 * The table AsposeExceptionFilter answers by (docs/nestjs.md, "Errors"), one
 * row at a time; exception-filter.e2e-spec.ts plays the rows a stand-in can
 * produce through a real app on both platforms.
 */
const NOW = Date.UTC(2026, 0, 1);

function apiError(status: number, extra: { headers?: Record<string, string>; apiCode?: string; requestId?: string; apiMessage?: string } = {}): AsposeApiError {
  return new AsposeApiError({
    status,
    method: 'GET',
    path: '/v4.0/words/x.docx',
    headers: extra.headers ?? {},
    body: '',
    apiCode: extra.apiCode,
    apiMessage: extra.apiMessage,
    requestId: extra.requestId,
  });
}

const request = { method: 'GET', path: '/v4.0/words/x.docx' };

test.each<[string, AsposeError, number, string]>([
  ['an Aspose 400', apiError(400, { apiCode: 'BadRequest' }), 400, 'ERR_ASPOSE_API'],
  ['an Aspose 404', apiError(404, { apiCode: 'ErrorItemNotFound' }), 404, 'ERR_ASPOSE_API'],
  ['an Aspose 409', apiError(409), 409, 'ERR_ASPOSE_API'],
  ['an Aspose 429', apiError(429), 429, 'ERR_ASPOSE_API'],
  ['an Aspose 401 (this server’s token)', apiError(401, { apiCode: 'Unauthorized' }), 502, 'ERR_ASPOSE_API'],
  ['an Aspose 403 (this server’s plan or rights)', apiError(403), 502, 'ERR_ASPOSE_API'],
  ['an Aspose 407 (this server’s proxy)', apiError(407), 502, 'ERR_ASPOSE_API'],
  ['an Aspose 500', apiError(500), 502, 'ERR_ASPOSE_API'],
  ['an Aspose 503', apiError(503), 502, 'ERR_ASPOSE_API'],
  ['an Aspose 3xx the client did not follow', apiError(302), 502, 'ERR_ASPOSE_API'],
  [
    'a 2xx that is not the JSON asked for',
    new AsposeApiInvalidResponseError('not JSON', { status: 200, headers: {}, ...request }),
    502,
    'ERR_ASPOSE_API_INVALID_RESPONSE',
  ],
  ['refused credentials', new AsposeAuthRefusedError('refused', { oauthError: 'invalid_client' }), 502, 'ERR_ASPOSE_AUTH_REFUSED'],
  ['an unusable token', new AsposeAuthInvalidResponseError('no token'), 502, 'ERR_ASPOSE_AUTH_INVALID_RESPONSE'],
  ['an unavailable token endpoint', new AsposeAuthUnavailableError('down'), 503, 'ERR_ASPOSE_AUTH_UNAVAILABLE'],
  ['a lockout', new AsposeAuthRateLimitedError('locked out'), 503, 'ERR_ASPOSE_AUTH_RATE_LIMITED'],
  ['a network failure', new AsposeNetworkError('ECONNREFUSED', request), 502, 'ERR_ASPOSE_NETWORK'],
  ['a timeout', new AsposeTimeoutError('slow', request), 504, 'ERR_ASPOSE_TIMEOUT'],
  ['an aborted call (shutting down)', new AsposeAbortError('closed', request), 503, 'ERR_ASPOSE_ABORTED'],
  ['a configuration error of this server', new AsposeConfigError('a credential function threw'), 500, 'ERR_ASPOSE_CONFIG'],
  ['a bad argument (a bug of this server)', new AsposeArgumentError('bad path'), 500, 'ERR_ASPOSE_INVALID_ARGUMENT'],
  ['a proxy failure handed over by delegateErrors', new AsposeProxyInternalError('oops'), 500, 'ERR_ASPOSE_PROXY_INTERNAL'],
  ['a proxy refusal handed over by delegateErrors', new AsposeProxyCsrfError('send the header'), 403, 'ERR_ASPOSE_PROXY_CSRF'],
  ['a per-user limit of the proxy', new AsposeProxyRateLimitedError('too many', 42), 429, 'ERR_ASPOSE_PROXY_RATE_LIMITED'],
])('%s → %i', (_what, error, status, code) => {
  const answer = asposeErrorAnswer(error, NOW);
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ statusCode: status, code });
  expect(typeof answer.body.error).toBe('string');
  expect(answer.body.error).not.toBe('');
});

test("a proxy refusal keeps its status, message and Retry-After; a proxy failure's detail stays in the logs", () => {
  expect(asposeErrorAnswer(new AsposeProxyRateLimitedError('Too many calls: try again in 42 s', 42), NOW)).toMatchObject({
    status: 429,
    retryAfterSeconds: 42,
    body: { message: 'Too many calls: try again in 42 s', code: 'ERR_ASPOSE_PROXY_RATE_LIMITED' },
  });
  const failure = asposeErrorAnswer(new AsposeProxyInternalError('database at 10.1.2.3 is down'), NOW);
  expect(failure.status).toBe(500);
  expect(JSON.stringify(failure)).not.toContain('10.1.2.3');
});

test('an Aspose 4xx passed on carries Aspose’s code and request id, but never Aspose’s own message (it names storage internals)', () => {
  const answer = asposeErrorAnswer(
    apiError(404, { apiCode: 'ErrorItemNotFound', requestId: 'r-9', apiMessage: "bucket 'acme-prod-7' key 'docs/x.docx' not found" }),
    NOW,
  );
  expect(answer).toEqual({
    status: 404,
    body: {
      statusCode: 404,
      error: 'Not Found',
      message: 'The Aspose API answered 404 Not Found',
      code: 'ERR_ASPOSE_API',
      asposeCode: 'ErrorItemNotFound',
      asposeRequestId: 'r-9',
    },
  });
  expect(JSON.stringify(answer)).not.toContain('acme-prod-7');
});

test('an Aspose 4xx without a code or request id has neither key', () => {
  expect(Object.keys(asposeErrorAnswer(apiError(400), NOW).body).sort()).toEqual(['code', 'error', 'message', 'statusCode']);
});

test('a 401 or 403 about this server’s credentials says nothing of Aspose’s answer', () => {
  for (const status of [401, 403]) {
    const answer = asposeErrorAnswer(apiError(status, { apiCode: 'TokenExpired', requestId: 'r-1', apiMessage: 'token eyJ… expired' }), NOW);
    expect(answer.body).toEqual({ statusCode: 502, error: 'Bad Gateway', message: "The Aspose API refused this server's credentials", code: 'ERR_ASPOSE_API' });
  }
});

describe('Retry-After', () => {
  test('from an auth error’s retryAt, in whole seconds rounded up', () => {
    expect(asposeErrorAnswer(new AsposeAuthRateLimitedError('locked', { retryAt: NOW + 600_000 }), NOW).retryAfterSeconds).toBe(600);
    expect(asposeErrorAnswer(new AsposeAuthRefusedError('refused', { retryAt: NOW + 1_200 }), NOW).retryAfterSeconds).toBe(2);
    expect(asposeErrorAnswer(new AsposeAuthUnavailableError('down', { retryAt: NOW + 5_000 }), NOW).retryAfterSeconds).toBe(5);
  });

  test('at least 1 (a retryAt just passed) and at most an hour', () => {
    expect(asposeErrorAnswer(new AsposeAuthRateLimitedError('locked', { retryAt: NOW - 5_000 }), NOW).retryAfterSeconds).toBe(1);
    expect(asposeErrorAnswer(new AsposeAuthRateLimitedError('locked', { retryAt: NOW + 86_400_000 }), NOW).retryAfterSeconds).toBe(3600);
  });

  test('none without a retryAt, and none on a timeout or a network failure', () => {
    expect(asposeErrorAnswer(new AsposeAuthRefusedError('refused'), NOW)).not.toHaveProperty('retryAfterSeconds');
    expect(asposeErrorAnswer(new AsposeTimeoutError('slow', request), NOW)).not.toHaveProperty('retryAfterSeconds');
    expect(asposeErrorAnswer(new AsposeNetworkError('reset', request), NOW)).not.toHaveProperty('retryAfterSeconds');
  });

  test('Aspose’s own, on a 429 passed on and on a 5xx, as delta-seconds or an HTTP date', () => {
    expect(asposeErrorAnswer(apiError(429, { headers: { 'retry-after': '30' } }), NOW).retryAfterSeconds).toBe(30);
    expect(asposeErrorAnswer(apiError(503, { headers: { 'retry-after': new Date(NOW + 120_000).toUTCString() } }), NOW).retryAfterSeconds).toBe(120);
  });

  test('Aspose’s own that is not a delay or a date is dropped, never passed on as text', () => {
    for (const value of ['soon', '30\r\nSet-Cookie: a=b', '-5', '1e3', 'x'.repeat(100)]) {
      expect(asposeErrorAnswer(apiError(429, { headers: { 'retry-after': value } }), NOW)).not.toHaveProperty('retryAfterSeconds');
    }
  });

  test('Aspose’s own is not passed on with a 502 for our credentials', () => {
    expect(asposeErrorAnswer(apiError(401, { headers: { 'retry-after': '30' } }), NOW)).not.toHaveProperty('retryAfterSeconds');
  });
});
