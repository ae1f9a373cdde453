import type { IncomingMessage, ServerResponse } from 'node:http';
import { dropFramingSetInFront } from './header-filter.js';

/**
 * The token the proxy hands an official Aspose SDK under `sdkTokenEndpoint`:
 * a fixed, public string that is not a JWT and that no Aspose server accepts.
 * It only lets the SDK go on to its API call; the proxy drops the caller's
 * `Authorization` header on the way through, as it always does, and sends
 * the server's own token instead.
 */
export const SDK_PLACEHOLDER_TOKEN = 'aspose-cloud-auth-proxy-placeholder';

/** Lifetime announced for the placeholder, in seconds: a day, so SDKs that cache their token ask once a day. */
const PLACEHOLDER_LIFETIME_SEC = 86_400;

/** Largest token request body read (the SDKs send a short form); a larger one is answered 413. */
const MAX_FORM_BYTES = 8 * 1024;

/**
 * Whether a target's fully decoded path pieces (lower-cased) name a token
 * endpoint an official SDK asks for its token: `/connect/token` (Cells 25+,
 * Slides, PDF…), `/oauth2/token` (older API versions), and the product token
 * paths such as `/v4.0/words/connect/token` (Words) or
 * `/v3.0/cells/connect/token`.
 *
 * @internal
 */
export function isSdkTokenPath(pieces: readonly string[]): boolean {
  switch (pieces.length) {
    case 2:
      return pieces[1] === 'token' && (pieces[0] === 'connect' || pieces[0] === 'oauth2');
    case 3:
      return /^v\d+(\.\d+)?$/.test(pieces[0]) && pieces[1] === 'connect' && pieces[2] === 'token';
    case 4:
      return /^v\d+(\.\d+)?$/.test(pieces[0]) && /^[a-z]+$/.test(pieces[1]) && pieces[2] === 'connect' && pieces[3] === 'token';
    default:
      return false;
  }
}

/**
 * Whether a request carries the placeholder as its bearer token: an SDK that
 * took it from {@link answerSdkTokenRequest}. The header is not one a page
 * on another site can send without a CORS preflight, so it proves what the
 * CSRF header proves.
 *
 * @internal
 */
export function carriesSdkPlaceholder(req: IncomingMessage): boolean {
  const value = req.headers.authorization;
  return (
    typeof value === 'string' &&
    value.length === SDK_PLACEHOLDER_TOKEN.length + 7 &&
    value.slice(7) === SDK_PLACEHOLDER_TOKEN &&
    /^bearer $/i.test(value.slice(0, 7))
  );
}

/** Writes a JSON answer; returns its body's size in bytes. */
const json = (res: ServerResponse, status: number, body: object, close: boolean): number => {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    // RFC 6749 §5.1: token answers are never cached.
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'x-content-type-options': 'nosniff',
  };
  if (close) headers.connection = 'close';
  dropFramingSetInFront(res);
  res.writeHead(status, headers);
  res.end(text);
  return headers['content-length'] as number;
};

/**
 * Answers an official SDK's token request (`POST`, a form with
 * `grant_type=client_credentials` or `refresh_token`) with the placeholder,
 * in the shape of Aspose's token endpoint, without reading more than a few
 * KiB and without sending anything upstream. Whatever client id and secret
 * the SDK was given are read only to be dropped: they are never checked,
 * kept, logged or echoed.
 *
 * Resolves with the answer body's size in bytes (0 if none was written) once
 * the answer is written or the caller is gone; never rejects.
 *
 * @internal
 */
export function answerSdkTokenRequest(req: IncomingMessage, res: ServerResponse): Promise<number> {
  return new Promise<number>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (answer: () => number | void) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
      let bytes = 0;
      try {
        if (!res.headersSent && !res.destroyed) bytes = answer() ?? 0;
      } catch {
        res.destroy();
      }
      resolve(bytes);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        finish(() => json(res, 413, { error: 'invalid_request', error_description: `The token request body is larger than ${MAX_FORM_BYTES} bytes` }, true));
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () =>
      finish(() => {
        const grant = new URLSearchParams(Buffer.concat(chunks).toString('latin1')).get('grant_type');
        if (grant !== 'client_credentials' && grant !== 'refresh_token') {
          return json(
            res,
            400,
            {
              error: 'unsupported_grant_type',
              error_description: 'This proxy answers grant_type=client_credentials or refresh_token with a placeholder token',
            },
            false,
          );
        }
        return json(
          res,
          200,
          { access_token: SDK_PLACEHOLDER_TOKEN, token_type: 'Bearer', expires_in: PLACEHOLDER_LIFETIME_SEC, refresh_token: SDK_PLACEHOLDER_TOKEN },
          false,
        );
      });
    const onGone = () =>
      finish(() => {
        res.destroy();
      });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
    if (req.readableEnded) onEnd();
  });
}
