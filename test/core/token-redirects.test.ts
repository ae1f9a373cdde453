/**
 * The token request never follows a redirect, whatever the dispatcher is
 * composed with: following one would post the client secret wherever the
 * redirect points (307/308 keep the POST and its body), or take a token from
 * there (301/302/303 turn into a GET). Checked with undici's redirect
 * interceptor (which honours the request's maxRedirections: 0) and with a layer
 * that follows redirects regardless (whose next hop is stopped before it is
 * sent, through undici's context.history). The error names only the target's
 * origin: its path and query could hold anything.
 */
import { inspect } from 'node:util';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { AsposeAuthError, TokenService } from 'aspose-cloud-auth';
import { cleanup, track } from '../support/cleanup';
import { client } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { waitFor } from '../support/polling';
import { captureServer, type CaptureServer } from '../support/servers';

afterEach(cleanup);

const CLIENT_ID = 'redirect-test-client';
const SECRET = 'S3cr3t-redirect-f00d';
const TARGET_TOKEN = 'token-handed-out-by-the-redirect-target';
const TARGET_PATH = '/landing/private-path-segment';
const TARGET_QUERY = 'q=private-query-value';

/**
 * A server on another loopback port that counts everything sent to it (its
 * `bytesRead()` is 0 until a request is written to it) and would hand out a token.
 */
async function redirectTarget(): Promise<CaptureServer> {
  const target = await captureServer();
  target.respond = () => ({ status: 200, body: { access_token: TARGET_TOKEN, token_type: 'Bearer', expires_in: 3600 } });
  return target;
}

/** A token endpoint that answers `status` with a Location: `location` to every request. */
async function redirectingEndpoint(status: number, location: string): Promise<CaptureServer> {
  const endpoint = await captureServer();
  endpoint.respond = () => ({ status, headers: { location }, body: { moved: true } });
  return endpoint;
}

/**
 * A layer that follows redirects whatever the request asks, as a third-party or
 * hand-written redirect layer might: undici's redirect interceptor, with the
 * request's own `maxRedirections` taken away.
 */
function followRegardless(maxRedirections: number): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => {
    const follow = interceptors.redirect({ maxRedirections })(dispatch);
    return (opts, handler) => {
      const { maxRedirections: _ignored, ...rest } = opts as Dispatcher.DispatchOptions & { maxRedirections?: number };
      return follow(rest, handler);
    };
  };
}

type Layering = 'redirect interceptor' | 'a layer following regardless' | 'no dispatcher (the service’s own Agent)';
const LAYERINGS: Layering[] = ['redirect interceptor', 'a layer following regardless', 'no dispatcher (the service’s own Agent)'];

function dispatcherFor(layering: Layering): Dispatcher | undefined {
  if (layering === 'no dispatcher (the service’s own Agent)') return undefined;
  const agent = track(new Agent(), (a) => a.close());
  return agent.compose(layering === 'redirect interceptor' ? interceptors.redirect({ maxRedirections: 3 }) : followRegardless(3));
}

function tokensAt(tokenUrl: string, dispatcher: Dispatcher | undefined): TokenService {
  return track(
    new TokenService({
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      baseUrl: new URL(tokenUrl).origin,
      tokenUrl,
      dispatcher,
      retry: { minDelayMs: 5, maxDelayMs: 20 },
    }),
    (t) => t.close(),
  );
}

/** Every printed form of an error, for leak checks. */
function printed(err: unknown): string {
  return [String(err), inspect(err, { depth: 10 }), JSON.stringify(err), (err as Error).stack ?? ''].join('\n');
}

test('control: the layer that follows regardless really does follow a 307 for an ordinary request, body and all', async () => {
  const target = await redirectTarget();
  const endpoint = await redirectingEndpoint(307, `${target.url}${TARGET_PATH}?${TARGET_QUERY}`);
  const res = await request(`${endpoint.url}/connect/token`, {
    method: 'POST',
    body: 'client_secret=x',
    dispatcher: dispatcherFor('a layer following regardless'),
    maxRedirections: 0,
  } as never);
  expect(res.statusCode).toBe(200);
  await res.body.dump();
  expect(target.requests.map((r) => ({ method: r.method, url: r.url, body: r.body.toString() }))).toEqual([
    { method: 'POST', url: `${TARGET_PATH}?${TARGET_QUERY}`, body: 'client_secret=x' },
  ]);
});

describe.each(LAYERINGS)('token endpoint redirecting to another origin, with %s', (layering) => {
  test.each([301, 302, 303, 307, 308])('%i: no request reaches the target, its token is never taken, and the error names only its origin', async (status) => {
    const target = await redirectTarget();
    const endpoint = await redirectingEndpoint(status, `${target.url}${TARGET_PATH}?${TARGET_QUERY}`);
    const tokens = tokensAt(`${endpoint.url}/connect/token`, dispatcherFor(layering));

    const err = await rejectionOf(tokens.getToken());
    expect(err).toBeInstanceOf(AsposeAuthError);
    expect(err.code).toBe('ERR_ASPOSE_AUTH_REFUSED');
    expect(err.message).toMatch(/set tokenUrl to the token endpoint itself/);
    if (layering === 'a layer following regardless') {
      // The 3xx was swallowed by the layer; what is stopped is the hop it started.
      expect(err.message).toMatch(/redirected, and a layer of the dispatcher followed it; the redirected request was stopped before it was sent/);
    } else {
      expect(err.status).toBe(status);
      expect(err.message).toContain(`(it redirects to ${target.origin})`);
    }
    const text = printed(err);
    for (const hidden of [TARGET_PATH, 'private-path-segment', 'private-query-value', SECRET, TARGET_TOKEN]) expect(text).not.toContain(hidden);

    // Nothing of a request reached the target: no request, not one byte on any socket. (A layer that
    // follows regardless does open a connection to it: undici connects before it asks the handler,
    // which is where the hop is stopped. The connection is then dropped unused.)
    expect(target.requests).toEqual([]);
    expect(target.bytesRead()).toBe(0);
    if (layering !== 'a layer following regardless') expect(target.connections).toBe(0);
    await waitFor(() => target.open === 0, 'the connection to the target to close', 5_000);
    // The endpoint itself was asked once (a redirect is a refusal: not retried) and got the secret, as it should.
    expect(endpoint.requests).toHaveLength(1);
    expect(endpoint.requests[0].body.toString()).toContain(`client_secret=${SECRET}`);
    expect(tokens.stats).toMatchObject({ tokensIssued: 0, requests: 1 });

    // The next call does not take the target's token either.
    await rejectionOf(tokens.getToken());
    expect(target.requests).toEqual([]);
    expect(target.bytesRead()).toBe(0);
  });

  test('an API call through a client whose token endpoint redirects never reaches the API or the target', async () => {
    const target = await redirectTarget();
    const api = await captureServer();
    const endpoint = await redirectingEndpoint(307, `${target.url}${TARGET_PATH}?${TARGET_QUERY}`);
    const dispatcher = dispatcherFor(layering);
    const aspose = client(undefined, {
      baseUrl: api.url,
      tokenUrl: `${endpoint.url}/connect/token`,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      ...(dispatcher ? { dispatcher } : {}),
    });
    const err = await rejectionOf(aspose.get('/v4.0/words/a.docx'));
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED' });
    expect(api.requests).toEqual([]);
    expect(target.requests).toEqual([]);
    expect(target.bytesRead()).toBe(0);
  });
});

describe.each(LAYERINGS)('token endpoint redirecting to its own origin, with %s', (layering) => {
  test.each([302, 307, 308])('%i to another path on the same origin is still an error: tokenUrl must be the endpoint itself', async (status) => {
    const endpoint = await captureServer();
    endpoint.respond = (req) =>
      req.url.startsWith('/connect/token')
        ? { status, headers: { location: '/elsewhere/token?next=private-query-value' }, body: { moved: true } }
        : { status: 200, body: { access_token: TARGET_TOKEN, token_type: 'Bearer', expires_in: 3600 } };
    const tokens = tokensAt(`${endpoint.url}/connect/token`, dispatcherFor(layering));
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED' });
    expect(err.message).toMatch(/set tokenUrl to the token endpoint itself/);
    expect(printed(err)).not.toMatch(/elsewhere|private-query-value|S3cr3t|token-handed-out/);
    expect(endpoint.requests.map((r) => r.url)).toEqual(['/connect/token']);
  });
});

describe('a redirect whose host is named after the client secret never puts it in the error or the log', () => {
  const ID = 'my-client-id';
  test.each([
    ['the secret as the host (lower-cased by URL parsing)', '0123456789abcdef0123456789ABCDEF', (s: string) => `https://${s}.evil.example/steal`],
    ['the secret inside a longer host label', '0123456789abcdef0123456789ABCDEF', (s: string) => `https://x${s}y.evil.example/`],
    [
      'the secret percent-encoded in the host',
      'secretsecretsecretsecret',
      (s: string) => `https://${[...s].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')}.evil.example/`,
    ],
    ['a secret cut short by a slash (the host holds only its start)', 'abcdefghij/klmnopqrstuv', (s: string) => `https://${s}.evil.example/`],
    // node:http writes a header string as latin1, and the token request reads headers as UTF-8: the é arrives as U+FFFD.
    ['a non-ASCII secret, sent as latin1 (the host turns it into punycode)', 'sécrét-välue-0123456789', (s: string) => `https://${s}.evil.example/`],
    [
      'a non-ASCII secret, sent as UTF-8 (the host turns it into punycode)',
      'sécrét-välue-0123456789',
      (s: string) => Buffer.from(`https://${s}.evil.example/`, 'utf8').toString('latin1'),
    ],
    ['a non-ASCII secret, percent-encoded as latin1', 'sécrét-välue-0123456789', (s: string) => `https://${escape(s)}.evil.example/`],
  ])('%s', async (_, secret, location) => {
    const endpoint = await redirectingEndpoint(302, location(secret));
    const logs: string[] = [];
    const tokens = track(
      new TokenService({
        clientId: ID,
        clientSecret: secret,
        baseUrl: endpoint.url,
        logger: { error: (m) => logs.push(m), warn: (m) => logs.push(m), log: (m) => logs.push(m) },
      }),
      (t) => t.close(),
    );
    const err = await rejectionOf(tokens.getToken());
    expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', status: 302 });
    expect(err.message).toMatch(/set tokenUrl to the token endpoint itself/);
    // Either said to be hidden, or (a host the URL parser refuses) not mentioned at all.
    expect(err.message).not.toContain('(it redirects to');
    expect(logs).toHaveLength(1);
    const text = [printed(err), ...logs].join('\n').toLowerCase();
    // The secret, its start, and its ASCII characters alone (what punycode keeps of it).
    for (const hidden of [secret, secret.slice(0, 10), secret.replace(/[^\x20-\x7e]/g, '')]) expect(text).not.toContain(hidden.toLowerCase());
  });

  test('the Client Id and Secret pair in a host is caught too, and an ordinary redirect still names its origin', async () => {
    const secret = 'pair-secret-0123456789';
    const endpoint = await redirectingEndpoint(307, `https://${ID}.${secret}.evil.example/`);
    const tokens = track(new TokenService({ clientId: ID, clientSecret: secret, baseUrl: endpoint.url }), (t) => t.close());
    const err = await rejectionOf(tokens.getToken());
    expect(err.message).toContain('(where it redirects to is not shown: its Location could hold the client secret)');
    expect(printed(err)).not.toContain(secret);

    const plain = await redirectingEndpoint(307, 'https://id.aspose.cloud/connect/token?x=1');
    const other = track(new TokenService({ clientId: ID, clientSecret: secret, baseUrl: plain.url }), (t) => t.close());
    expect((await rejectionOf(other.getToken())).message).toContain('(it redirects to https://id.aspose.cloud)');
  });
});
