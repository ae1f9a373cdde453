import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, send } from './stand-in-http.js';
import { pairKey, type StandInRateLimitModel } from './stand-in-rate-limit.js';

/** A fault the token endpoint plays for the next few requests. */
export type TokenFault =
  /** Answer with this status, JSON body and headers (e.g. 503 with `Retry-After`). */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Accept the connection and never answer. */
  | { kind: 'hang' }
  /** Destroy the socket without an answer. */
  | { kind: 'reset' }
  /** Answer 200 with an HTML page. */
  | { kind: 'non-json' }
  /** Answer 200 with a JSON body cut short, then close the socket. */
  | { kind: 'truncated' }
  /** Answer normally, after a delay. */
  | { kind: 'delay'; ms: number };

/** The token endpoint's paths: Aspose's own, and the Words and Cells forwarders. @internal */
export const TOKEN_PATHS: ReadonlySet<string> = new Set(['/connect/token', '/v4.0/words/connect/token', '/v4.0/cells/connect/token']);

/**
 * What the token endpoint reads and counts on the stand-in: its public
 * settings and counters (the `AsposeStandIn` itself fits).
 *
 * @internal
 */
export interface TokenEndpointHost {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenLifetimeSec: number;
  readonly omitExpiresIn: boolean;
  tokenRequests: number;
  tokenFailures: number;
  tokenRateLimited: number;
  lockouts: number;
  issueToken(): string;
}

/** The stand-in's private parts the token endpoint works with. @internal */
export interface TokenEndpointState {
  /** Faults queued by `failToken()`, played first in first out. */
  readonly faults: TokenFault[];
  /** The rate-limit model, or undefined when it is off. */
  readonly rateLimit: StandInRateLimitModel | undefined;
}

/**
 * Serves one token request as Aspose's `POST /connect/token` would: the
 * client authenticated by form fields or HTTP Basic (RFC 6749 §2.3.1), only
 * `client_credentials`, RFC 6749 §5.2 errors, the rate limit checked before
 * anything else and told of every answer, then any queued fault.
 *
 * @internal
 */
export async function serveTokenRequest(host: TokenEndpointHost, state: TokenEndpointState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  host.tokenRequests++;
  const raw = await readBody(req, 64 * 1024);
  const form = new URLSearchParams(raw.toString('utf8'));
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const [u, p] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    id = decodeURIComponent(u ?? '');
    secret = decodeURIComponent(p ?? '');
  }
  const key = pairKey(id ?? '', secret ?? '');
  const locked = state.rateLimit?.check(key);
  if (locked) {
    if (locked.started) host.lockouts++;
    host.tokenRateLimited++;
    return void send(
      res,
      429,
      { error: 'too_many_requests', error_description: 'Too many failed token requests for this client: try again later' },
      { 'retry-after': String(locked.retryAfterSec) },
    );
  }
  // Every answer below goes through here, so the rate limit counts it before the client can see it.
  const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
    if (status === 400) host.tokenFailures++;
    state.rateLimit?.countAnswer(key, status);
    send(res, status, body, headers);
  };
  const fault = state.faults.shift();
  if (fault) {
    switch (fault.kind) {
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'non-json':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Service temporarily unavailable</body></html>');
        return;
      case 'truncated':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        res.write('{"access_token":"eyJhbGciOi');
        setTimeout(() => req.socket.destroy(), 10);
        return;
      case 'status':
        answer(fault.status, fault.body ?? { error: 'temporarily_unavailable' }, fault.headers);
        return;
      case 'delay':
        await new Promise((r) => setTimeout(r, fault.ms));
        break;
    }
  }
  if (req.method !== 'POST') return void answer(405, { error: 'invalid_request', error_description: 'use POST' });
  if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return void answer(400, { error: 'invalid_request', error_description: 'content-type must be application/x-www-form-urlencoded' });
  }
  if (form.get('grant_type') !== 'client_credentials') {
    return void answer(400, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
  }
  if (id !== host.clientId || secret !== host.clientSecret) {
    return void answer(400, { error: 'invalid_client' });
  }
  const body: Record<string, unknown> = { access_token: host.issueToken(), token_type: 'Bearer' };
  if (!host.omitExpiresIn) body.expires_in = host.tokenLifetimeSec;
  answer(200, body, { 'cache-control': 'no-store' });
}
