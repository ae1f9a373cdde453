/**
 * Redaction: what a hostile server echoes back (the client secret, the
 * `clientId:clientSecret` pair and the token, in every spelling) never comes
 * out of the library, whichever field, header or error shape carries it;
 * `redact()` finds every spelling; and it takes linear time on any input.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { format, inspect } from 'node:util';
import { AsposeApiError, AsposeAuthError, AsposeClient, type AsposeLogger } from 'aspose-cloud-auth';
import { MAX_REDACTED_LENGTH, MIN_SECRET_LENGTH, REDACTED, redact } from '../../src/errors/redact';
import { cleanup, track } from '../support/cleanup';
import { rejectionOf } from '../support/errors';
import { serve, serveTcp } from '../support/servers';

afterEach(cleanup);

// ---------------------------------------------------------------------------
// Spellings of a value, and a search for them.

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const swapCase = (s: string) => s.replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));

/** Every spelling a server might echo a value in, by name. */
function spellings(v: string): Record<string, string> {
  const uri = encodeURIComponent(v);
  return {
    raw: v,
    upper: v.toUpperCase(),
    lower: v.toLowerCase(),
    swapped: swapCase(v),
    uri,
    'uri, lower-case hex': uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    form: new URLSearchParams({ v }).toString().slice(2),
    base64: b64(v),
    'base64, unpadded': b64(v).replace(/=+$/, ''),
    base64url: b64url(v),
    'base64url, padded': b64(v).replaceAll('+', '-').replaceAll('/', '_'),
    Basic: `Basic ${b64(v)}`,
  };
}

/**
 * What must never be found, compared case-insensitively: the value raw,
 * URI- and form-encoded, in base64 and base64url, and any 12-character
 * piece of each after the first `skip` characters (a part that is no
 * secret, such as the client id in the pair).
 */
function needlesFor(v: string, skip = 0): string[] {
  const pieces = (t: string) => Array.from({ length: Math.max(0, t.length - 11) }, (_, i) => t.slice(i, i + 12));
  const s = spellings(v);
  const b64Skip = Math.ceil((Buffer.byteLength(v.slice(0, skip)) * 8) / 6) + 1;
  return [
    s.raw,
    s.uri,
    s.form,
    s['base64, unpadded'],
    b64url(v),
    ...pieces(v.slice(skip)),
    ...pieces(encodeURIComponent(v.slice(skip))),
    ...pieces(s['base64, unpadded'].slice(b64Skip)),
    ...pieces(b64url(v).slice(b64Skip)),
  ].map((n) => n.toLowerCase());
}

/** Every way an object can be turned into text, its `cause` chain included. */
function renderings(thing: unknown, depth = 0): string[] {
  const out = [inspect(thing, { depth: Infinity, showHidden: true }), inspect(thing, { depth: Infinity }), String(thing)];
  try {
    out.push(JSON.stringify(thing) ?? '');
  } catch (err) {
    out.push(String(err));
  }
  if (thing !== null && typeof thing === 'object') {
    // Every own field, enumerable or not, on its own.
    for (const key of Reflect.ownKeys(thing)) {
      const value = (thing as Record<PropertyKey, unknown>)[key];
      out.push(String(key), typeof value === 'string' ? value : inspect(value, { depth: Infinity, showHidden: true }));
    }
  }
  if (thing instanceof Error) {
    out.push(thing.message, thing.stack ?? '');
    if (thing.cause !== undefined && depth < 8) out.push(...renderings(thing.cause, depth + 1));
  }
  return out;
}

function findLeak(texts: readonly string[], values: readonly { name: string; needles: string[] }[]): string | undefined {
  for (const text of texts) {
    const lower = text.toLowerCase();
    for (const v of values) {
      const hit = v.needles.find((n) => lower.includes(n));
      if (hit) return `${v.name} (as ${JSON.stringify(hit)}) in:\n${text.slice(0, 4000)}`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// A hostile server: a token endpoint and an API that echo everything.

const CLIENT_ID = `hostile-client-${randomBytes(4).toString('hex')}`;
/** Characters every encoding treats differently: space (form: '+'), '+', '/', '=', and some URI-reserved ones. */
const SECRET = `Sk-${randomBytes(9).toString('hex')} +/=~!*()'x`;
const PAIR = `${CLIENT_ID}:${SECRET}`;

type TokenKind = 'opaque' | 'jwt-shaped';
type Shape = 'words' | 'barcode' | 'pdf' | 'oauth' | 'text';

interface Hostile {
  url: string;
  /** Every token the endpoint issued. */
  issued: string[];
  /** How the token endpoint answers: a token, or an error echoing the secret in `spelling`. */
  token: { kind: TokenKind } | { status: number; spelling: string };
  /** How many echoes the API sent (to show the test is not vacuous). */
  echoes: number;
}

function issueToken(kind: TokenKind): string {
  if (kind === 'opaque') return `opaque-${randomBytes(24).toString('base64url')}`;
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: CLIENT_ID, n: randomBytes(6).toString('hex') })}.${randomBytes(32).toString('base64url')}`;
}

/** One error body in Aspose `shape`, every field carrying `e`. */
function errorBody(shape: Shape, e: string): unknown {
  switch (shape) {
    case 'words':
      return { Error: { Code: e, Message: `cannot open ${e}`, Description: e }, RequestId: e };
    case 'barcode':
      return { requestId: e, error: { code: e, message: `cannot open ${e}`, description: e, dateTime: 'now', innerError: { requestId: e } } };
    case 'pdf':
      return { Code: e, Message: `cannot open ${e}`, Description: e, InnerError: { RequestId: e, Date: 'now' } };
    case 'oauth':
      return { error: e, error_description: `cannot open ${e}` };
    case 'text':
      return undefined;
  }
}

async function hostileServer(): Promise<Hostile> {
  const state: Hostile = { url: '', issued: [], token: { kind: 'opaque' }, echoes: 0 };
  const server = await serve((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/connect/token') {
        if ('kind' in state.token) {
          const token = issueToken(state.token.kind);
          state.issued.push(token);
          return json(res, 200, { access_token: token, expires_in: 3600, token_type: 'Bearer' });
        }
        const { status, spelling } = state.token;
        const sp = (v: string) => spellings(v)[spelling];
        const all = Object.values(spellings(SECRET))
          .concat(Object.values(spellings(PAIR)))
          .join(' | ');
        return json(res, status, { error: `invalid_client ${sp(SECRET)}`, error_description: `bad client ${sp(PAIR)} or ${sp(SECRET)}; all: ${all}` });
      }
      // The API: echo the token it was sent, the secret and the pair, in the spelling asked for.
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const which = url.searchParams.get('value');
      const value = which === 'secret' ? SECRET : which === 'pair' ? PAIR : token;
      const e = spellings(value)[url.searchParams.get('spelling')!];
      const shape = url.searchParams.get('shape') as Shape;
      state.echoes++;
      const body = errorBody(shape, e);
      let text = body === undefined ? `Not found: ${e}` : JSON.stringify(body);
      // System.Text.Json (Aspose is .NET) escapes '+' and friends as \u002B by default.
      if (url.searchParams.has('dotnet')) text = text.replace(/[+<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
      res.writeHead(Number(url.searchParams.get('status') ?? 400), {
        'content-type': body === undefined ? 'text/plain' : 'application/json',
        location: `/x/${e}/y`,
        'x-echo': e,
        'www-authenticate': `Bearer realm="aspose", error="invalid_token", error_description="${e}"`,
        'set-cookie': [`a=${e}`, `b=${encodeURIComponent(value)}`],
        [`x-${b64url(value)}`]: 'a header named after the value',
      });
      res.end(text);
    });
  });
  state.url = server.url;
  return state;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

const lines: string[] = [];
const logger: Required<AsposeLogger> = {
  debug: (m, ...meta) => lines.push(format('debug', m, ...meta)),
  log: (m, ...meta) => lines.push(format('log', m, ...meta)),
  warn: (m, ...meta) => lines.push(format('warn', m, ...meta)),
  error: (m, ...meta) => lines.push(format('error', m, ...meta)),
};
beforeEach(() => {
  lines.length = 0;
});

function hostileClient(server: Hostile, extra: object = {}): AsposeClient {
  return track(
    new AsposeClient({
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      baseUrl: server.url,
      tokenUrl: `${server.url}/connect/token`,
      retry: { retries: 0, minDelayMs: 1, maxDelayMs: 5 },
      refusalBackoff: { initialDelayMs: 0, maxDelayMs: 0, windowMs: 0 },
      logger,
      ...extra,
    }),
    (c) => c.close(),
  );
}

function expectNothingLeaks(server: Pick<Hostile, 'issued'>, ...things: unknown[]): void {
  const values = [
    { name: 'the client secret', needles: needlesFor(SECRET) },
    { name: 'the clientId:clientSecret pair', needles: needlesFor(PAIR, CLIENT_ID.length + 1) },
    ...server.issued.map((t, i) => ({ name: `token ${i + 1}`, needles: needlesFor(t, t.startsWith('opaque-') ? 7 : 0) })),
  ];
  const leak = findLeak([...things.flatMap((t) => renderings(t)), lines.join('\n')], values);
  if (leak) throw new Error(`leaks ${leak}`);
}

const SPELLINGS = Object.keys(spellings('x'));

test('the leak finder finds every spelling, in fields, non-enumerable fields, headers, causes and log lines', () => {
  const server = { issued: ['opaque-abcdefghijklmnopqrstuvwxyz0123'] };
  for (const spelled of Object.values(spellings(SECRET))) {
    const err = new Error('outer', { cause: new Error('inner') });
    Object.defineProperty(err.cause, 'hidden', { value: { headers: { location: [`/x/${spelled}/y`] } }, enumerable: false });
    expect(() => expectNothingLeaks(server, err)).toThrow(/client secret/);
  }
  for (const spelled of Object.values(spellings(server.issued[0]))) expect(() => expectNothingLeaks(server, { a: [spelled] })).toThrow(/token 1/);
  for (const spelled of Object.values(spellings(PAIR))) expect(() => expectNothingLeaks(server, new Map([['k', spelled.toLowerCase()]]))).toThrow(/leaks/);
  expect(() => expectNothingLeaks(server, { piece: SECRET.slice(5, 17) })).toThrow(/client secret/);
  lines.push(`warn ${b64url(SECRET)}`);
  expect(() => expectNothingLeaks(server)).toThrow(/client secret/);
  lines.length = 0;
  expect(() => expectNothingLeaks(server, new Error(`Bearer ${REDACTED}`), { id: CLIENT_ID })).not.toThrow();
});

describe.each<TokenKind>(['opaque', 'jwt-shaped'])('an API that echoes everything (%s token)', (kind) => {
  const shapes: Shape[] = ['words', 'barcode', 'pdf', 'oauth', 'text'];

  test.each(shapes)('%s error body, every spelling of the token, the secret and the pair, in the body and the headers', async (shape) => {
    const server = await hostileServer();
    server.token = { kind };
    const aspose = hostileClient(server);
    const errors: AsposeApiError[] = [];
    for (const value of ['token', 'secret', 'pair']) {
      for (const spelling of SPELLINGS) {
        for (const dotnet of [false, true]) {
          const err = await rejectionOf(aspose.get('/v4.0/words/a.docx', { query: { shape, value, spelling, ...(dotnet ? { dotnet: '1' } : {}) } }));
          expect(err).toBeInstanceOf(AsposeApiError);
          errors.push(err);
          // Not vacuous: the echo was there, and was redacted where it stood.
          const r = spelling === 'Basic' ? `Basic ${REDACTED}` : REDACTED;
          const seen = {
            body: err.body.includes(REDACTED),
            location: err.headers.location,
            echo: err.headers['x-echo'],
            challenge: err.headers['www-authenticate'],
            cookies: err.headers['set-cookie'],
            fields: shape === 'text' ? undefined : [err.apiCode, err.requestId ?? r, err.apiMessage],
          };
          expect([value, spelling, dotnet, seen]).toEqual([
            value,
            spelling,
            dotnet,
            {
              body: true,
              location: `/x/${r}/y`,
              echo: r,
              challenge: `Bearer realm="aspose", error="invalid_token", error_description="${r}"`,
              cookies: [`a=${r}`, `b=${REDACTED}`],
              fields: shape === 'text' ? undefined : [r, r, `cannot open ${r}`],
            },
          ]);
        }
      }
    }
    expect(server.echoes).toBe(errors.length);
    // The client too, now that it keeps a redactor for its secrets.
    expectNothingLeaks(server, ...errors, aspose, aspose.tokens);
  });

  test('401 echoing the token: renewed, replayed, and the error holds neither token', async () => {
    const server = await hostileServer();
    server.token = { kind };
    const aspose = hostileClient(server);
    const errors: AsposeApiError[] = [];
    for (const spelling of SPELLINGS)
      errors.push(await rejectionOf(aspose.get('/v4.0/words/a.docx', { query: { shape: 'oauth', value: 'token', spelling, status: '401' } })));
    expect(errors.map((e) => e.status)).toEqual(SPELLINGS.map(() => 401));
    expect(server.issued.length).toBeGreaterThan(1);
    expectNothingLeaks(server, ...errors);
  });
});

test("a malformed answer echoing the token: undici's parser error, kept as the cause, holds it redacted", async () => {
  const server = await hostileServer();
  server.token = { kind: 'opaque' };
  // A raw TCP server: an answer undici cannot parse, after a header echoing the Authorization header.
  const raw = await serveTcp((socket) => {
    socket.once('data', (request: Buffer) => {
      const auth = /^authorization: *(.*)$/im.exec(request.toString('latin1'))?.[1]?.trim() ?? '';
      const token = auth.replace(/^Bearer /, '');
      socket.end(`HTTP/1.1 200 OK\r\nX-Echo: ${b64(token)}\r\nBad Header\x01: ${auth} ${encodeURIComponent(token)}\r\n\r\n{}`);
    });
  });
  const aspose = hostileClient(server, { baseUrl: raw.url });
  const fromJson = await rejectionOf(aspose.get('/v4.0/words/a.docx'));
  const fromRequest = await rejectionOf(aspose.request({ method: 'GET', path: '/v4.0/words/a.docx' }));
  for (const err of [fromJson, fromRequest]) {
    expect(err.code).toBe('ERR_ASPOSE_NETWORK');
    // Still undici's own error, so code checks work, with the server's bytes redacted.
    expect(err.cause.name).toBe('HTTPParserError');
    expect(err.cause.data).toContain(`Bearer ${REDACTED}`);
  }
  expect(server.issued).toHaveLength(1);
  expectNothingLeaks(server, fromJson, fromRequest);
});

test('an ordinary API error is not redacted', async () => {
  const server = await hostileServer();
  const aspose = hostileClient(server);
  const err: AsposeApiError = await rejectionOf(
    aspose.get('/v4.0/words/a.docx', { query: { shape: 'words', value: 'secret', spelling: 'raw', status: '404' } }),
  );
  expect(err.message).toBe(`Aspose API answered 404 to GET /v4.0/words/a.docx ([redacted]: cannot open [redacted]), request id [redacted]`);
  // A JSON echo without any secret in it comes through whole.
  const plain = await serve((_req, res) =>
    json(res, 404, { Error: { Code: 'ErrorItemNotFound', Message: 'a.docx was not found' }, RequestId: 'f1d2c3-Bearer' }),
  );
  const other = track(new AsposeClient({ accessToken: 'opaque-static-token-123', baseUrl: plain.url }), (c) => c.close());
  const ordinary: AsposeApiError = await rejectionOf(other.get('/v4.0/words/a.docx'));
  expect([ordinary.apiCode, ordinary.apiMessage, ordinary.requestId]).toEqual(['ErrorItemNotFound', 'a.docx was not found', 'f1d2c3-Bearer']);
  expect(JSON.parse(ordinary.body)).toEqual({ Error: { Code: 'ErrorItemNotFound', Message: 'a.docx was not found' }, RequestId: 'f1d2c3-Bearer' });
});

describe('a token endpoint that echoes the secret and the pair', () => {
  test.each(SPELLINGS)('refusal (400), spelled %s', async (spelling) => {
    const server = await hostileServer();
    server.token = { status: 400, spelling };
    const aspose = hostileClient(server);
    const fromService = await rejectionOf(aspose.tokens.getToken());
    const fromCall = await rejectionOf(aspose.get('/v4.0/words/a.docx'));
    expect(fromService).toBeInstanceOf(AsposeAuthError);
    expect(fromService.code).toBe('ERR_ASPOSE_AUTH_REFUSED');
    expect(fromService.oauthErrorDescription).toContain(REDACTED);
    expect(fromService.message).toContain(REDACTED);
    // The second refusal may be answered from a cooldown rather than the server; either way, an auth error.
    expect(fromCall).toBeInstanceOf(AsposeAuthError);
    expectNothingLeaks(server, fromService, fromCall);
  });

  test.each(SPELLINGS)('unavailable (503, retried), spelled %s', async (spelling) => {
    const server = await hostileServer();
    server.token = { status: 503, spelling };
    const err = await rejectionOf(hostileClient(server, { retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } }).tokens.getToken());
    expect(err.code).toBe('ERR_ASPOSE_AUTH_UNAVAILABLE');
    expect(lines.some((l) => l.startsWith('warn'))).toBe(true);
    expectNothingLeaks(server, err);
  });
});

// ---------------------------------------------------------------------------
// redact() itself.

describe('redact()', () => {
  const secret = 'Sk3cr3t+/= ~!x(y)*Q';
  const token = 'opaque-AbCdEfGh12345.~+/';
  const pair = `client-id:${secret}`;
  const all = [secret, token, pair];

  test.each(all.flatMap((v) => Object.entries(spellings(v)).map(([name, s]) => [`${v} ${name}`, s] as const)))('%s', (_, spelled) => {
    expect(redact(`before <${spelled}> after`, all)).toMatch(/^before <(Basic )?\[redacted\]> after$/);
  });

  test('more spellings: JSON escapes, mixed percent-encoding, inside a longer base64 string, non-ASCII', () => {
    /** The characters of base64(prefix + s + …) that depend on s alone. */
    const core = (prefix: string, s: string, url = false) => {
      const k = Buffer.byteLength(prefix);
      const enc = Buffer.from(prefix + s).toString(url ? 'base64url' : 'base64');
      return enc.slice(Math.ceil((k * 8) / 6), Math.floor(((k + Buffer.byteLength(s)) * 8) / 6));
    };
    const cases: [name: string, text: string, secretPart: string][] = [
      ['.NET JSON escapes', JSON.stringify(secret).replaceAll('+', '\\u002B').replaceAll('/', '\\/'), secret],
      ['every character \\u-escaped', [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''), secret],
      ['some characters percent-encoded', [...secret].map((c, i) => (i % 2 ? `%${c.charCodeAt(0).toString(16)}` : c)).join(''), secret],
      ['every byte percent-encoded, lower-case hex', [...Buffer.from(secret)].map((b) => `%${b.toString(16)}`).join(''), secret],
      ['base64 at offset 1', b64(`x${secret}yz`), core('x', secret)],
      ['base64 at offset 2', b64(`xy${secret}z`), core('xy', secret)],
      ['base64url at offset 1 in a long blob', b64url(`{"echo":"${secret}","n":1}`), core('{"echo":"', secret, true)],
      ['Basic credentials', `Authorization: Basic ${b64(pair)}`, b64(pair).replace(/=+$/, '')],
    ];
    for (const [name, text, secretPart] of cases) {
      const out = redact(`<${text}>`, all);
      const pieces = Array.from({ length: secretPart.length - 5 }, (_, i) => secretPart.slice(i, i + 6).toLowerCase());
      expect([name, out.includes(REDACTED), pieces.filter((p) => out.toLowerCase().includes(p))]).toEqual([name, true, []]);
    }
    // A secret that holds what reads as an escape.
    const tricky = 'Sk%41x\\u0042\\/"q+ z';
    for (const text of [
      tricky,
      encodeURIComponent(tricky),
      new URLSearchParams({ tricky }).toString().slice(7),
      JSON.stringify(tricky).slice(1, -1),
      b64(tricky),
      `%4${tricky}`,
      `\\u00${tricky}`,
    ]) {
      expect([text, redact(`<${text}>`, [tricky])]).toEqual([text, expect.stringMatching(/^<.{0,4}\[redacted\]>$/)]);
    }
    const unicode = 'Пароль-секрет-🔑';
    const spelled = [
      unicode,
      encodeURIComponent(unicode),
      encodeURIComponent(unicode).toLowerCase(),
      b64(unicode),
      JSON.stringify(unicode)
        .slice(1, -1)
        .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      // Some characters encoded, some not.
      [...unicode].map((c, i) => (i % 2 ? encodeURIComponent(c) : c)).join(''),
    ];
    for (const text of spelled) expect([text, redact(`<${text}>`, [unicode])]).toEqual([text, `<${REDACTED}>`]);
  });

  test('generic rules: a Bearer credential, a JWT, client_secret and access_token values, whoever they belong to', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(redact(`Authorization: Bearer abc123 next`, [])).toBe(`Authorization: Bearer ${REDACTED} next`);
    expect(redact(`Authorization=Bearer%20abc123&x=1`, [])).toBe(`Authorization=Bearer%20${REDACTED}&x=1`);
    expect(redact(`token ${jwt}, end`, [])).toBe(`token ${REDACTED}, end`);
    expect(redact(`a-${jwt}`, [])).toBe(`a-${REDACTED}`);
    expect(redact(`grant_type=client_credentials&client_id=x&client_secret=abc%2Bdef&z=1`, [])).toBe(
      `grant_type=client_credentials&client_id=x&client_secret=${REDACTED}&z=1`,
    );
    expect(redact(`{"access_token": "tok", "token_type":"Bearer"}`, [])).toBe(`{"access_token": "${REDACTED}", "token_type":"Bearer"}`);
    // An auth-param after Bearer is not a credential.
    const challenge = 'Bearer realm="aspose", error="invalid_token", error_description="expired"';
    expect(redact(challenge, [])).toBe(challenge);
    expect(redact('Bearer error=invalid_token', [])).toBe('Bearer error=invalid_token');
    expect(redact('Bearer abc==, Bearer', [])).toBe(`Bearer ${REDACTED}, Bearer`);
    // Ordinary text is left alone.
    const prose = 'Document a.docx (eyJ-not.a.jwt) was not found in storage "Main"; client_id=abc';
    expect(redact(prose, all)).toBe(prose);
  });

  test(`secrets shorter than ${MIN_SECRET_LENGTH} characters are not searched for; from ${MIN_SECRET_LENGTH} they are, in any case`, () => {
    expect(redact('abc ABC', ['abc', '', undefined])).toBe('abc ABC');
    expect(redact('abcd ABCD YWJjZA', ['abcd'])).toBe(`${REDACTED} ${REDACTED} ${REDACTED}`);
  });

  test('redact first, then cut: a secret across the length cap is redacted whole, and the cut is noted', () => {
    const long = 'x'.repeat(MAX_REDACTED_LENGTH - 5) + secret + 'y'.repeat(100);
    const out = redact(long, all);
    expect(out).toBe(`${'x'.repeat(MAX_REDACTED_LENGTH - 5)}${REDACTED}… [100 more characters cut]`);
    const clean = redact('z'.repeat(MAX_REDACTED_LENGTH + 7), all);
    expect(clean).toBe(`${'z'.repeat(MAX_REDACTED_LENGTH)}… [7 more characters cut]`);
    expect(redact('short text', all)).toBe('short text');
  });

  test('random texts with random spellings of random secrets: nothing survives (seeded, 400 cases)', () => {
    let seed = 0x9e3779b9;
    const rand = (n: number) => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)];
    // Secrets hold anything but '%' and '\\' (a secret holding those is covered raw and in each
    // single encoding by the test above, not in every mixture); the text around them holds those too.
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=-_.~ !*()\'":;,&é€';
    const word = (n: number) => Array.from({ length: n }, () => pick([...alphabet])).join('');
    const noise = 'abcdefghijklmnopqrstuvwxyz0123456789 .,;:-_%\\+/="{}';
    for (let round = 0; round < 400; round++) {
      const secrets = [word(4 + rand(40)), word(4 + rand(40))];
      const planted: string[] = [];
      let text = '';
      for (let k = 0; k < 6; k++) {
        text += Array.from({ length: rand(30) }, () => pick([...noise])).join('');
        const s = pick(secrets);
        const pre = word(rand(3));
        const variants = [
          s,
          swapCase(s),
          encodeURIComponent(s),
          new URLSearchParams({ s }).toString().slice(2),
          b64(s),
          b64url(s).replace(/=+$/, ''),
          [...s].map((c) => (rand(2) ? encodeURIComponent(c) : c)).join(''),
          JSON.stringify(s)
            .slice(1, -1)
            .replace(/[+/]/g, (c) => (c === '/' ? '\\/' : '\\u002B')),
        ];
        const which = rand(variants.length);
        const spelled = variants[which];
        // An encoded spelling right after a dangling escape ('%4', '\\u00') loses its first
        // character into that escape, so those are set apart; raw ones may touch anything.
        text += (which < 2 ? '' : ' ') + spelled;
        planted.push(spelled);
        // And one inside a base64 blob, at any alignment.
        const blob = Buffer.from(`${pre}${s}${word(rand(3))}`, 'utf8');
        text += ` ${blob.toString(pick(['base64', 'base64url'] as const))} `;
        const off = Buffer.byteLength(pre);
        const core = Buffer.concat([Buffer.alloc(off % 3), Buffer.from(s, 'utf8')]).toString('base64');
        planted.push(core.slice(Math.ceil(((off % 3) * 8) / 6), Math.floor(((off % 3) * 8 + Buffer.byteLength(s) * 8) / 6)));
      }
      const out = redact(text, secrets);
      for (const p of planted) {
        const lowerOut = out.toLowerCase();
        const halves = p.length >= 16 ? [p.slice(0, p.length >> 1), p.slice(p.length >> 1)] : [p];
        for (const h of halves) {
          if (h.length >= 6 && lowerOut.includes(h.toLowerCase())) {
            throw new Error(`round ${round}: ${JSON.stringify(h)} of ${JSON.stringify(p)} survived, secrets ${JSON.stringify(secrets)}:\n${text}\n->\n${out}`);
          }
        }
      }
    }
  });
});

// ---------------------------------------------------------------------------
// Linear time, by ratio in one process (never an absolute time).

test('redact() takes linear time: 128 KB of hostile input costs no more than 20x 128 KB of letters', () => {
  const size = 128 * 1024;
  const jwt = () => `eyJhbGciOiJSUzI1NiJ9.${randomBytes(500).toString('base64url')}.${randomBytes(256).toString('base64url')}`;
  const secret = `Sk-${randomBytes(16).toString('hex')}`;
  const secrets = [jwt(), jwt(), jwt(), jwt(), secret, `${CLIENT_ID}:${secret}`];
  const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const time = (text: string) => {
    redact(text, secrets);
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const t0 = process.hrtime.bigint();
      redact(text, secrets);
      best = Math.min(best, Number(process.hrtime.bigint() - t0));
    }
    return best;
  };
  const letters = time(fill('lorem ipsum dolor sit amet '));
  const hostile: Record<string, string> = {
    '-eyJ': fill('-eyJ'),
    'eyJaaaa.': fill('eyJaaaa.'),
    'Bearer ': fill('Bearer '),
    'bearer+x=': fill('bearer+x='),
    'client_secret=': fill('client_secret='),
    '"access_token"  ': fill('"access_token"  '),
    'near-miss of the secret': fill(secret.slice(0, -1)),
    'near-miss of a token': fill(secrets[0].slice(0, -1)),
    'near-miss of the base64 of the secret': fill(b64(secret).slice(0, -2)),
    '%': fill('%'),
    '%2': fill('%2'),
    '\\u00': fill('\\u00'),
    'one long run': fill('a'),
  };
  const ratios = Object.fromEntries(Object.entries(hostile).map(([name, text]) => [name, Math.round((time(text) / letters) * 10) / 10]));
  // Every ratio at once, so that a failure shows them all.
  expect(Object.entries(ratios).filter(([, ratio]) => !(ratio < 20))).toEqual([]);
});
