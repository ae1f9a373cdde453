import type { Dispatcher } from 'undici';
import type { AsposeTokenStore } from '../token/token-store.js';

/**
 * How requests are authenticated.
 * - `client_credentials`: OAuth 2.0 client credentials, with a cached, refreshed token (the default).
 * - `static`: one fixed `accessToken` you obtained elsewhere. A 401 is returned as it is.
 * - `none`: no `Authorization` header at all, for self-hosted Aspose containers run without auth.
 */
export type AsposeAuthMode = 'client_credentials' | 'static' | 'none';

/** Where log lines go. `console` and Nest's `Logger` both fit. Lines never hold a secret or a token. */
export interface AsposeLogger {
  debug?(message: string, ...meta: unknown[]): void;
  log?(message: string, ...meta: unknown[]): void;
  warn?(message: string, ...meta: unknown[]): void;
  error?(message: string, ...meta: unknown[]): void;
}

/** Bounded exponential backoff with full jitter, used for transient token-endpoint faults. */
export interface AsposeRetryOptions {
  /** Retries after the first attempt. Default 3, so at most 4 token requests per fetch. */
  retries?: number;
  /** Backoff base in ms; attempt n waits a random time in [0, min(max, base·2ⁿ)]. Default 250. */
  minDelayMs?: number;
  /**
   * Longest wait between two attempts, in ms. Default 5000. Also the first hold after a fetch
   * ran out of retries: no token request for that long (doubling per failed fetch in a row, up to
   * 60 s), calls failing at once with the last error. `0` turns the hold off.
   */
  maxDelayMs?: number;
  /**
   * Longest `Retry-After` (ms) a call waits out. A token-endpoint answer with a longer one ends
   * the retries at once, and until it has passed no token request is sent: calls that need a
   * new token fail at once with `ERR_ASPOSE_AUTH_RATE_LIMITED`. Default 30000.
   */
  maxRetryAfterMs?: number;
}

/**
 * How refusals of the credentials (`ERR_ASPOSE_AUTH_REFUSED`: `invalid_client` and the other
 * 4xx answers) hold back further token requests for the same Client Id and Secret.
 *
 * Aspose locks a credential pair out of `/connect/token` for 10 minutes (429,
 * `Retry-After: 600`) after 5 refused requests. So after each refusal the next request for
 * that pair waits an exponentially growing, jittered delay, and never more than
 * `maxRequests` refused requests are sent in any `windowMs`: with the defaults a process
 * never locks its own credentials out. Meanwhile calls fail at once with the last refusal,
 * whose `retryAt` says when the next request is allowed. New credentials (see
 * {@link AsposeCredential}) are not held back.
 *
 * The budget is per `TokenService`, and Aspose's 5 are per pair: a fleet of N processes
 * sharing one pair shares them, so keep N × `maxRequests` at 5 or under (five processes:
 * `maxRequests: 1`).
 */
export interface AsposeRefusalBackoffOptions {
  /** Wait after the first refusal, in ms; it doubles with each further refusal in a row. Jittered down by up to half. Default 10000. */
  initialDelayMs?: number;
  /** Longest wait between two refused requests, in ms. Default 300000 (5 min). */
  maxDelayMs?: number;
  /** Most refused token requests in any `windowMs`. Default 5, Aspose's limit. */
  maxRequests?: number;
  /** The sliding window of `maxRequests`, in ms. Default 600000 (10 min), Aspose's lockout window. `0` turns the limit off. */
  windowMs?: number;
}

/**
 * A Client Id or Secret: the value itself, or a function (sync or async) returning it,
 * called before each token request, so a secret rotated in a vault is used without a restart.
 * A value it returns is checked like a static one (a non-empty string without surrounding
 * white space or line breaks); a bad value, or a function that throws, rejects or takes longer
 * than `tokenTimeoutMs`, fails the call with an `AsposeConfigError` naming the option, and no
 * token request is sent. While a lockout or refusal backoff holds the last pair back, the
 * functions are called at most once a second to see whether the credentials changed.
 */
export type AsposeCredential = string | (() => string | Promise<string>);

/**
 * Anything with undici's `dispatch` contract: an undici 7 or undici 8
 * `Agent`, `Pool`, `ProxyAgent` or `EnvHttpProxyAgent`, or one of those
 * composed with interceptors. Only `dispatch` is called, always with a
 * handler in the callback API that undici 7 and 8 share, so the library's
 * own undici and the one your application brings need not be the same
 * major.
 */
export interface AsposeDispatcher {
  // Method syntax on purpose: parameters compare bivariantly, so undici 8's
  // own DispatchOptions type is accepted too. The handler is typed as the
  // callback API the two majors share: undici 7's full DispatchHandler also
  // declares the deprecated legacy callbacks, whose `onBodySent` undici 8
  // declares differently, and that one member made undici 8's dispatchers
  // unassignable in either direction.
  dispatch(
    options: Dispatcher.DispatchOptions,
    handler: Pick<
      Dispatcher.DispatchHandler,
      'onRequestStart' | 'onRequestUpgrade' | 'onResponseStart' | 'onResponseData' | 'onResponseEnd' | 'onResponseError'
    >,
  ): boolean;
}

/** Options of a {@link TokenService}. All are optional except the credentials the chosen `auth` needs. */
export interface TokenServiceOptions {
  /** Authentication mode. Inferred when absent: `static` if `accessToken` is set, else `client_credentials`. */
  auth?: AsposeAuthMode;
  /** Client Id from the Applications page of the Aspose Cloud dashboard, or a function returning it (see {@link AsposeCredential}). */
  clientId?: AsposeCredential;
  /**
   * Client Secret from the same page, or a function returning it (see {@link AsposeCredential}),
   * for a secret kept in a vault. Never logged, printed or put in an error.
   */
  clientSecret?: AsposeCredential;
  /** A fixed access token, for `auth: 'static'`. */
  accessToken?: string;
  /** API base URL. Default `https://api.aspose.cloud`. Only its origin ever receives the token. */
  baseUrl?: string;
  /** Token endpoint. Default `{baseUrl}/connect/token`. See {@link AsposePresets} for the other known endpoints. */
  tokenUrl?: string;
  /** Optional OAuth `scope` form field. Aspose does not need one. */
  scope?: string;
  /** Bound on each token request, in ms. Default 10000. */
  tokenTimeoutMs?: number;
  /** Backoff for transient token-endpoint faults. */
  retry?: AsposeRetryOptions;
  /**
   * Largest refresh-ahead window, in ms (default 300000, 5 min). The window is 20% of the
   * token's lifetime up to this cap: a 24 h token refreshes 5 min early, a 3 s token 0.6 s early.
   */
  refreshAheadMs?: number;
  /**
   * Largest safety margin before expiry, in ms (default 30000). Inside it a token is no longer
   * handed out, so it cannot expire in flight. The margin is 5% of the lifetime up to this cap.
   */
  expirySkewMs?: number;
  /**
   * Shortest time between two token renewals caused by a 401 from the API, in ms (default 5000;
   * `0` turns the cap off). A 401 that comes sooner after the last such renewal does not drop the
   * token ({@link TokenService.invalidate} returns false) and is returned to the caller without a
   * replay, so a route that always answers 401, or a client that provokes 401s through a proxy,
   * costs at most one token request per interval instead of one or two per call. Renewals on
   * expiry and `forceRefresh` are not counted.
   */
  min401RenewalIntervalMs?: number;
  /** How refusals of the credentials hold back further token requests. See {@link AsposeRefusalBackoffOptions}. */
  refusalBackoff?: AsposeRefusalBackoffOptions;
  /** Allow plain `http://` to non-loopback hosts. Off by default: the secret and token would travel in clear. */
  allowInsecureHttp?: boolean;
  /**
   * Where token requests are sent: a `ProxyAgent` for a corporate proxy, say; undici 7 or 8
   * (see {@link AsposeDispatcher}). Default: a keep-alive `Agent` of the service's own, closed
   * by `close()`. A dispatcher you pass stays yours to close.
   */
  dispatcher?: AsposeDispatcher;
  /**
   * Fleet mode: a store shared by every process using these credentials, such as
   * `redisTokenStore(client)` from `aspose-cloud-auth/redis` (or your own
   * {@link AsposeTokenStore}). The processes then share one token, one fetch when they
   * start cold, one renewal after a 401, one refresh ahead of expiry, and every lockout,
   * refusal backoff and outage hold, so that the fleet as a whole stays within
   * Aspose's rule of 5 refused token requests. Each process keeps its own cache in
   * front: in steady state a call never touches the store. Entries are encrypted with
   * a key derived from the client secret. A store that fails, hangs or is flushed never
   * fails a call: the process fetches its own tokens (logged once) until it answers
   * again. Used with `auth: 'client_credentials'` only.
   */
  store?: AsposeTokenStore;
  /**
   * Where to log token fetches, refreshes and failures. Default: nowhere. A logger that throws
   * is ignored: it never changes the outcome of a call.
   */
  logger?: AsposeLogger;
}

/** Options of an {@link AsposeClient}: the token options plus the HTTP ones. */
export interface AsposeClientOptions extends TokenServiceOptions {
  /**
   * Bound on waiting for an API answer's headers, and then on each gap between body chunks, in ms.
   * Default 120000: document conversions can take a while. `0` disables it.
   */
  timeoutMs?: number;
  /** Most sockets kept open to the API origin. Default: unlimited, like undici. */
  connections?: number;
  /** Headers added to every API request (for example `x-aspose-client`). */
  headers?: Record<string, string>;
}

/** Known token endpoints (FACTS.md). Pick one with `{ ...AsposePresets.groupdocs, clientId, clientSecret }`. */
export const AsposePresets = {
  /** The documented default for all Aspose Cloud products. */
  aspose: { baseUrl: 'https://api.aspose.cloud', tokenUrl: 'https://api.aspose.cloud/connect/token' },
  /** The identity host the BarCode SDKs use since 25.x. */
  asposeId: { baseUrl: 'https://api.aspose.cloud', tokenUrl: 'https://id.aspose.cloud/connect/token' },
  /** The token route the Words SDKs use. */
  words: { baseUrl: 'https://api.aspose.cloud', tokenUrl: 'https://api.aspose.cloud/v4.0/words/connect/token' },
  /** The Cells forwarder. */
  cells: { baseUrl: 'https://api.aspose.cloud', tokenUrl: 'https://api.aspose.cloud/v4.0/cells/connect/token' },
  /** GroupDocs Cloud: the same scheme on its own host. */
  groupdocs: { baseUrl: 'https://api.groupdocs.cloud', tokenUrl: 'https://api.groupdocs.cloud/connect/token' },
} as const satisfies Record<string, { baseUrl: string; tokenUrl: string }>;

/** The default API base URL. */
export const DEFAULT_BASE_URL = 'https://api.aspose.cloud';

/** @internal */
export const AUTH_MODES: readonly AsposeAuthMode[] = ['client_credentials', 'static', 'none'];

/**
 * True for `localhost`, 127.0.0.0/8 and `::1`: hosts where plain http never
 * leaves the machine. `*.localhost` does not count: RFC 6761 asks resolvers
 * to send it to loopback, but nothing makes the system resolver (or a proxy)
 * honour that, so it is treated like any other name.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
