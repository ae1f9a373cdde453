// A misconfigured proxy fails the app's start with one error naming every
// problem; the path guard's verdicts, table by table.
import { createAsposeProxy } from '../../src/proxy/aspose-proxy';
import { checkTarget } from '../../src/proxy/path-guard';
import { PROXY_ERROR_STATUS } from '../../src/proxy/proxy-errors';
import { isAllowed, parseAllowList } from '../../src/proxy/allow-list';
import { configError } from '../support/errors';

describe('asposeProxy options', () => {
  it.each([[undefined], [[]], ['GET /v4.0/words/']])('refuses a missing or empty allow list (%p)', (allow) => {
    const err = configError(() => createAsposeProxy({ allow: allow as unknown as string[] }));
    expect(err.issues[0]).toMatchObject({ option: 'allow' });
    expect(err.message).toContain('non-empty array');
  });

  it('names every bad allow entry at once', () => {
    const err = configError(() =>
      createAsposeProxy({
        allow: [
          'GET /v4.0/words/',
          'GET',
          'GET /a /b',
          'G3T /x',
          'TRACE /v4.0/',
          'GET v4.0/words',
          'GET /v4.0/../x',
          'POST /connect/token',
          'POST /v4.0/words/connect/token',
          'GET /x?y=1',
          42 as unknown as string,
        ],
        prefix: 'aspose',
        timeoutMs: -1,
        maxBodyBytes: 1.5,
      }),
    );
    expect(err.issues.map((i) => i.option)).toEqual([
      'allow[1]',
      'allow[2]',
      'allow[3]',
      'allow[4]',
      'allow[5]',
      'allow[6]',
      'allow[7]',
      'allow[8]',
      'allow[9]',
      'allow[10]',
    ]);
    expect(err.issues.find((i) => i.option === 'allow[4]')?.problem).toContain('never forwards');
    expect(err.issues.find((i) => i.option === 'allow[7]')?.problem).toContain('token endpoint');
  });

  it('names every bad option once the allow list is good', () => {
    const err = configError(() =>
      createAsposeProxy({ allow: ['GET /v4.0/words/'], prefix: 'aspose', timeoutMs: -1, maxBodyBytes: 1.5, onError: 'log' as never }),
    );
    expect(err.issues.map((i) => i.option)).toEqual(['prefix', 'timeoutMs', 'maxBodyBytes', 'onError']);
  });

  it('matches a prefix on the raw URL, on a segment boundary', () => {
    const proxy = createAsposeProxy({ allow: ['GET /'], prefix: '/aspose/' });
    expect(proxy.match('/aspose/v4.0/words/a')).toBe('/v4.0/words/a');
    expect(proxy.match('/aspose')).toBe('/');
    expect(proxy.match('/aspose?x=1')).toBe('/?x=1');
    expect(proxy.match('/asposeX/v4.0')).toBeUndefined();
    expect(proxy.match('/other')).toBeUndefined();
    expect(proxy.match('http://evil.example/aspose/v4.0')).toBe('http://evil.example/aspose/v4.0'); // handed on, to be refused
    expect(proxy.match('http://evil.example/other')).toBeUndefined();
  });
});

describe('allow list matching', () => {
  const rules = parseAllowList(['GET /v4.0/words/', 'POST /v4.0/barcode/generate', '* /v5.0/ocr', 'PROPFIND /dav/']);
  const segs = (path: string) => {
    const c = checkTarget(path);
    if (!c.ok) throw new Error(c.message);
    return c.segments;
  };
  it.each([
    ['GET', '/v4.0/words/a.docx', true],
    ['GET', '/v4.0/words', true],
    ['GET', '/v4.0/words/', true],
    ['GET', '/V4.0/WORDS/a', true],
    ['GET', '/v4.0/wordsX/a', false],
    ['GET', '/v4.0/word', false],
    ['HEAD', '/v4.0/words/a', false],
    ['POST', '/v4.0/barcode/generate', true],
    ['POST', '/v4.0/barcode/generate/x', true],
    ['POST', '/v4.0/barcode/generateX', false],
    ['GET', '/v4.0/barcode/generate', false],
    ['DELETE', '/v5.0/ocr/task/1', true],
    ['OPTIONS', '/v5.0/ocr', true],
    ['TRACE', '/v5.0/ocr', false],
    ['CONNECT', '/v5.0/ocr', false],
    ['PROPFIND', '/v5.0/ocr', false], // `*` is the ordinary methods only
    ['PROPFIND', '/dav/x', true], // unless listed by name
  ])('%s %s → %p', (method, path, allowed) => {
    expect(isAllowed(rules, method, segs(path))).toBe(allowed);
  });
});

describe('path guard', () => {
  it.each([
    ['/v4.0/words/a.docx', '/v4.0/words/a.docx', ''],
    ['/v4.0/words/a.docx?folder=x&storage=y', '/v4.0/words/a.docx', '?folder=x&storage=y'],
    ['/v4.0/words/', '/v4.0/words/', ''],
    ['/v4.0/words/50%25off.docx', '/v4.0/words/50%25off.docx', ''],
    ['/v4.0/words/x?q=a\\b', '/v4.0/words/x', '?q=a\\b'],
    ['/v4.0/words/..hidden', '/v4.0/words/..hidden', ''],
    ['/v4.0/words/a..b', '/v4.0/words/a..b', ''],
  ])('passes %s', (target, path, search) => {
    expect(checkTarget(target)).toMatchObject({ ok: true, path, search });
  });

  it.each([
    'v4.0/words/a',
    'http://evil.example/v4.0',
    '//evil.example/v4.0',
    '/\\evil.example',
    '/v4.0/../x',
    '/v4.0/%2e%2e/x',
    '/v4.0/%252E%252E/x',
    '/v4.0/..%c0%af/x',
    '/v4.0/a%00b',
    '/v4.0/a#frag',
    '/v4.0/a?b#frag',
    '/v4.0/a?b c',
    '/v4.0/é',
  ])('refuses %s', (target) => {
    const refused = checkTarget(target);
    expect(refused).toMatchObject({ ok: false, code: 'ERR_ASPOSE_PROXY_BAD_PATH' });
    // The status comes from the one code-to-status table.
    expect(refused.ok ? 200 : PROXY_ERROR_STATUS[refused.code]).toBe(400);
  });
});
