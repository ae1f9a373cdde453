import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { AsposeConfigError, type ConfigIssue } from '../errors/errors.js';
import { AsposeClient } from '../http/aspose-client.js';
import { createAsposeProxy, type AsposeProxyOptions } from '../proxy/aspose-proxy.js';
import { internalError, sendProxyError } from '../proxy/proxy-errors.js';

/** Options of {@link asposeProxyListener}: the proxy's, with `client`, `prefix` and `authorize` required. */
export interface AsposeProxyListenerOptions extends AsposeProxyOptions {
  /** The client whose origin and token the proxy uses. Required: no framework middleware runs in front of the listener to supply one. */
  client: AsposeClient;
  /**
   * The path the listener serves the proxy under, such as `/aspose`, matched
   * case-sensitively on the raw URL and cut off before matching `allow`.
   * Every other request goes to `next` untouched. Required.
   */
  prefix: string;
  /**
   * Your authentication, run on each request under `prefix` before anything
   * else, since the app's own middleware (sessions, passport, …) does not
   * run in front of the listener. Return `true` (or a promise of `true`) to
   * forward the request; anything else hands it to `next`, your app, whose
   * own authentication then refuses it in its usual way. A throw or a
   * rejection is answered 500 `ERR_ASPOSE_PROXY_INTERNAL` and reported to
   * `onError`. For server-to-server use with nothing to check, pass
   * `() => true`.
   */
  authorize: (req: IncomingMessage) => boolean | PromiseLike<boolean>;
}

/**
 * Wraps a `node:http` request listener (an Express app, Koa's
 * `app.callback()`, any `(req, res) => void`) so that requests under
 * `prefix` are proxied to the Aspose API **before the framework touches
 * them**, and every other request goes to `next` as before.
 *
 * ```ts
 * const app = express();
 * // … the app's routes, without asposeProxy …
 * http.createServer(asposeProxyListener({ client, prefix: '/aspose', allow: ['GET /v4.0/words/'], authorize: isSignedIn }, app)).listen(3000);
 * ```
 *
 * The faster mounting, for Express above all: Express swaps the request and
 * response prototypes of every request it sees, which makes Node's own
 * `writeHead`/`end` several times slower, and runs every middleware mounted
 * in front. Here the proxy works on Node's objects as they come, with every
 * rule of `asposeProxy()` on the same core (see {@link AsposeProxyOptions}).
 * The price is that no middleware of the app runs in front of the proxy:
 * your authentication goes in `authorize`, which is required.
 *
 * @throws {AsposeConfigError} at once, naming every missing or malformed option or `allow` entry.
 */
export function asposeProxyListener(options: AsposeProxyListenerOptions, next: RequestListener): RequestListener {
  const issues: ConfigIssue[] = [];
  const given = (options ?? {}) as Partial<AsposeProxyListenerOptions>;
  if (!(given.client instanceof AsposeClient)) {
    issues.push({ option: 'client', problem: 'is required, an AsposeClient: no middleware runs in front of the listener to supply one' });
  }
  if (typeof given.prefix !== 'string' || given.prefix.replace(/\/+$/, '') === '') {
    issues.push({ option: 'prefix', problem: 'is required: the path to serve the proxy under, such as "/aspose" (every other request goes to your app)' });
  }
  if (typeof given.authorize !== 'function') {
    issues.push({
      option: 'authorize',
      problem:
        "is required: your app's middleware does not run in front of the listener, so pass (req) => true for a signed-in caller (() => true for server-to-server use)",
    });
  }
  if (given.delegateErrors === true) {
    issues.push({
      option: 'delegateErrors',
      problem:
        "cannot be used here: the listener runs before any framework, so there is no error handling to hand errors to (use onError and onForward, or mount the framework's adapter instead)",
    });
  }
  if (typeof next !== 'function')
    issues.push({ option: 'next', problem: 'must be the request listener to hand other requests to (an Express app, app.callback() of Koa)' });
  let proxy: ReturnType<typeof createAsposeProxy> | undefined;
  try {
    proxy = createAsposeProxy(options);
  } catch (err) {
    if (!(err instanceof AsposeConfigError)) throw err;
    issues.push(...err.issues);
  }
  if (issues.length > 0 || proxy === undefined) throw new AsposeConfigError(issues, { source: 'asposeProxyListener options' });

  const core = proxy;
  const { client, authorize, onError } = options;

  /** `authorize` threw or rejected: answered 500 (never a forward), the detail to `onError`. */
  const fail = (err: unknown, req: IncomingMessage, res: ServerResponse, target: string): void => {
    try {
      // A request body nobody will read: close the connection rather than drain it.
      sendProxyError(res, 'ERR_ASPOSE_PROXY_INTERNAL', 'The proxy failed unexpectedly; the server reports the detail to its onError hook', true);
    } catch {
      res.destroy();
    }
    try {
      onError?.(internalError(err, req.method, target, client.tokens), req, res);
    } catch {
      // a logging hook must not break the answer
    }
  };

  return function asposeProxyListener(req: IncomingMessage, res: ServerResponse): void {
    const target = core.match(req.url);
    if (target === undefined) {
      next(req, res);
      return;
    }
    let verdict: boolean | PromiseLike<boolean>;
    try {
      verdict = authorize(req);
    } catch (err) {
      fail(err, req, res, target);
      return;
    }
    // The common case, a synchronous check, costs no promise.
    if (verdict === true) {
      void core.handle(req, res, target, client);
      return;
    }
    if (verdict === null || typeof verdict !== 'object' || typeof verdict.then !== 'function') {
      next(req, res);
      return;
    }
    try {
      verdict.then(
        (ok) => {
          try {
            if (ok === true) void core.handle(req, res, target, client);
            else next(req, res);
          } catch (err) {
            fail(err, req, res, target);
          }
        },
        (err: unknown) => fail(err, req, res, target),
      );
    } catch (err) {
      // a thenable whose then() throws
      fail(err, req, res, target);
    }
  };
}
