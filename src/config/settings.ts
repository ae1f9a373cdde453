/**
 * What options resolve to: validated once, defaults applied, split into the
 * token service's settings and the HTTP client's. Each is resolved in one
 * place, so the token service never carries HTTP settings it does not use,
 * and a client sharing a token service resolves only its own.
 *
 * @internal
 */
import { AsposeConfigError, type ConfigIssue } from '../errors/errors.js';
import { redact } from '../errors/redact.js';
import { storeProblem, type AsposeTokenStore } from '../token/token-store.js';
import {
  AUTH_MODES,
  DEFAULT_BASE_URL,
  isLoopbackHost,
  type AsposeClientOptions,
  type AsposeCredential,
  type AsposeDispatcher,
  type AsposeLogger,
  type AsposeRefusalBackoffOptions,
  type TokenServiceOptions,
} from './options.js';

/**
 * Where the API lives, derived once from `baseUrl`: the one place the
 * trailing-slash rule is applied.
 *
 * @internal
 */
export interface ApiTarget {
  /** The base URL without trailing slashes: `https://api.aspose.cloud`, `https://host/words`. */
  readonly baseUrl: string;
  /** Its origin: the only one that ever receives the token. */
  readonly origin: string;
  /** Its path without trailing slashes: `''` for most, `/words` for a base URL with a path. */
  readonly basePath: string;
}

/** Token settings every mode has. @internal */
interface TokenSettingsBase {
  readonly api: ApiTarget;
  readonly tokenUrl: string;
  readonly scope: string | undefined;
  readonly tokenTimeoutMs: number;
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly refreshAheadMs: number;
  readonly expirySkewMs: number;
  readonly min401RenewalIntervalMs: number;
  readonly refusalBackoff: Readonly<Required<AsposeRefusalBackoffOptions>>;
  /** Where token requests go; undefined: the service's own agent. */
  readonly dispatcher: AsposeDispatcher | undefined;
  readonly logger: AsposeLogger | undefined;
  /** Fleet mode's shared store, checked to have its three methods; undefined without one. */
  readonly store: AsposeTokenStore | undefined;
}

/**
 * A token service's settings, by `auth`: `client_credentials` with its
 * Client Id and Secret (strings, or functions read before each token
 * request), `static` with its token, `none` with nothing. Holds secrets:
 * kept in the service's private fields, never returned.
 *
 * @internal
 */
export type TokenSettings = TokenSettingsBase &
  (
    | { readonly auth: 'client_credentials'; readonly clientId: AsposeCredential; readonly clientSecret: AsposeCredential }
    | { readonly auth: 'static'; readonly accessToken: string }
    | { readonly auth: 'none' }
  );

/** An HTTP client's own settings (the token service has its own). @internal */
export interface ClientSettings {
  /** Bound on an answer's headers, then on each gap in its body, in ms; `0`: none. */
  readonly timeoutMs: number;
  /** Most requests under way at once; undefined: no limit. */
  readonly connections: number | undefined;
  /** Headers added to every request, names lower-cased; undefined when there are none. */
  readonly headers: Readonly<Record<string, string>> | undefined;
}

/** Maps an option name to the environment variable that sets it, for messages. @internal */
export type VariableNames = Partial<Record<string, string>>;

/** Collects problems, naming each option as the operator knows it. */
class Issues {
  readonly list: ConfigIssue[] = [];
  readonly #names: VariableNames;
  /** Values that must not be quoted back (a secret pasted into the wrong option). */
  readonly #secrets: string[];

  constructor(options: TokenServiceOptions, names: VariableNames) {
    this.#names = names;
    this.#secrets = [options.clientSecret, options.accessToken].filter((s): s is string => typeof s === 'string');
    if (typeof options.clientId === 'string' && typeof options.clientSecret === 'string') this.#secrets.push(`${options.clientId}:${options.clientSecret}`);
  }

  add(option: string, problem: string): void {
    this.list.push({ option, variable: this.#names[option], problem });
  }

  label(option: string): string {
    return this.#names[option] ?? option;
  }

  quote(value: unknown, max: number): string {
    return JSON.stringify(redact(String(value), this.#secrets).slice(0, max));
  }

  /** A whole number option from `min` to `max`, or `def` when absent (or malformed: the problem is recorded). */
  int(option: string, value: unknown, def: number, min: number, max: number): number {
    if (value === undefined) return def;
    if (typeof value !== 'number' || !Number.isFinite(value) || !Number.isInteger(value) || value < min || value > max) {
      this.add(
        option,
        `must be a whole number from ${min} to ${max} (got ${typeof value === 'string' ? this.quote(value, 40) : JSON.stringify(value)?.slice(0, 40)})`,
      );
      return def;
    }
    return value;
  }

  error(source: string | undefined): AsposeConfigError {
    return new AsposeConfigError(this.list, { source });
  }
}

function checkObject(options: unknown, source: string | undefined): void {
  if (options === null || typeof options !== 'object') {
    throw new AsposeConfigError([{ option: 'options', problem: 'must be an object such as { clientId, clientSecret }' }], { source });
  }
}

/**
 * Validates token options and applies defaults.
 *
 * @throws {AsposeConfigError} naming every problem; `names` maps option names
 *   to environment variable names, so that messages speak the operator's language.
 * @internal
 */
export function resolveTokenSettings(options: TokenServiceOptions, names: VariableNames = {}, source?: string): TokenSettings {
  checkObject(options, source);
  const issues = new Issues(options, names);
  const settings = tokenSettings(options, issues);
  if (settings === undefined || issues.list.length > 0) throw issues.error(source);
  return settings;
}

/**
 * Validates an HTTP client's own options (`timeoutMs`, `connections`, `headers`) and applies defaults.
 *
 * @throws {AsposeConfigError} naming every problem.
 * @internal
 */
export function resolveClientSettings(options: AsposeClientOptions, names: VariableNames = {}, source?: string): ClientSettings {
  checkObject(options, source);
  const issues = new Issues(options, names);
  const settings = clientSettings(options, issues);
  if (issues.list.length > 0) throw issues.error(source);
  return settings;
}

/**
 * Validates a client's options, token and HTTP alike, in one pass, so that
 * one error names every problem.
 *
 * @throws {AsposeConfigError} naming every problem.
 * @internal
 */
export function resolveClientOptions(
  options: AsposeClientOptions,
  names: VariableNames = {},
  source?: string,
): { token: TokenSettings; client: ClientSettings } {
  checkObject(options, source);
  const issues = new Issues(options, names);
  const token = tokenSettings(options, issues);
  const client = clientSettings(options, issues);
  if (token === undefined || issues.list.length > 0) throw issues.error(source);
  return { token, client };
}

/** The token settings, or undefined when a problem leaves them incomplete (the problem is in `issues`). */
function tokenSettings(options: TokenServiceOptions, issues: Issues): TokenSettings | undefined {
  let auth = options.auth;
  if (auth === undefined) auth = options.accessToken ? 'static' : 'client_credentials';
  if (!AUTH_MODES.includes(auth)) issues.add('auth', `must be one of ${AUTH_MODES.join(', ')} (got ${issues.quote(auth, 40)})`);

  const text = (option: 'clientId' | 'clientSecret' | 'accessToken' | 'scope'): string | undefined => {
    const v: unknown = options[option];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') {
      issues.add(option, option === 'clientId' || option === 'clientSecret' ? 'must be a string, or a function returning one' : 'must be a string');
      return undefined;
    }
    const problem = credentialProblem(v);
    if (problem) issues.add(option, problem);
    return v;
  };
  // A function is called before each token request, and its value checked then (see AsposeCredential).
  const clientId = typeof options.clientId === 'function' ? options.clientId : text('clientId');
  const clientSecret = typeof options.clientSecret === 'function' ? options.clientSecret : text('clientSecret');
  const accessToken = text('accessToken');
  const scope = text('scope');

  if (auth === 'client_credentials') {
    const dashboard = 'from the Applications page of the Aspose Cloud dashboard (https://dashboard.aspose.cloud/applications)';
    if (!clientId) issues.add('clientId', `is missing: set it to the Client Id ${dashboard}`);
    if (!clientSecret) issues.add('clientSecret', `is missing: set it to the Client Secret ${dashboard}`);
  } else if (auth === 'static') {
    if (!accessToken) issues.add('accessToken', `is missing: auth is 'static', so an access token is required`);
  }

  const base = url(options, issues, 'baseUrl', options.baseUrl ?? DEFAULT_BASE_URL);
  const api = base ? apiTarget(base) : undefined;
  const before = issues.list.length;
  const token = url(options, issues, 'tokenUrl', options.tokenUrl ?? `${api?.baseUrl ?? DEFAULT_BASE_URL}/connect/token`);
  // A token URL derived from baseUrl can only repeat baseUrl's problem; name only what the user set.
  if (options.tokenUrl === undefined) issues.list.length = before;

  const retry = options.retry ?? {};
  const refusal = options.refusalBackoff ?? {};
  const common: TokenSettingsBase = {
    api: api ?? apiTarget(new URL(DEFAULT_BASE_URL)),
    tokenUrl: token ? token.href : '',
    scope,
    tokenTimeoutMs: issues.int('tokenTimeoutMs', options.tokenTimeoutMs, 10_000, 1, 600_000),
    retries: issues.int('retry.retries', retry.retries, 3, 0, 20),
    minDelayMs: issues.int('retry.minDelayMs', retry.minDelayMs, 250, 0, 600_000),
    maxDelayMs: issues.int('retry.maxDelayMs', retry.maxDelayMs, 5_000, 0, 600_000),
    maxRetryAfterMs: issues.int('retry.maxRetryAfterMs', retry.maxRetryAfterMs, 30_000, 0, 3_600_000),
    refreshAheadMs: issues.int('refreshAheadMs', options.refreshAheadMs, 300_000, 0, 86_400_000),
    expirySkewMs: issues.int('expirySkewMs', options.expirySkewMs, 30_000, 0, 3_600_000),
    min401RenewalIntervalMs: issues.int('min401RenewalIntervalMs', options.min401RenewalIntervalMs, 5_000, 0, 3_600_000),
    refusalBackoff: {
      initialDelayMs: issues.int('refusalBackoff.initialDelayMs', refusal.initialDelayMs, 10_000, 0, 3_600_000),
      maxDelayMs: issues.int('refusalBackoff.maxDelayMs', refusal.maxDelayMs, 300_000, 0, 86_400_000),
      maxRequests: issues.int('refusalBackoff.maxRequests', refusal.maxRequests, 5, 1, 1_000),
      windowMs: issues.int('refusalBackoff.windowMs', refusal.windowMs, 600_000, 0, 86_400_000),
    },
    dispatcher: options.dispatcher,
    logger: options.logger,
    store: tokenStore(options.store, issues),
  };
  switch (auth) {
    case 'client_credentials':
      return clientId && clientSecret ? { ...common, auth, clientId, clientSecret } : undefined;
    case 'static':
      return accessToken ? { ...common, auth, accessToken } : undefined;
    case 'none':
      return { ...common, auth };
    default:
      return undefined;
  }
}

/** The `store` option, checked to be a store (the problem is recorded otherwise). */
function tokenStore(store: unknown, issues: Issues): AsposeTokenStore | undefined {
  if (store === undefined) return undefined;
  const problem = storeProblem(store);
  if (problem) {
    issues.add('store', problem);
    return undefined;
  }
  return store as AsposeTokenStore;
}

function clientSettings(options: AsposeClientOptions, issues: Issues): ClientSettings {
  const headers = options.headers;
  return {
    timeoutMs: issues.int('timeoutMs', options.timeoutMs, 120_000, 0, 86_400_000),
    connections: options.connections === undefined ? undefined : issues.int('connections', options.connections, 1, 1, 100_000),
    headers: headers && Object.keys(headers).length > 0 ? lowerCaseKeys(headers) : undefined,
  };
}

/** `baseUrl` or `tokenUrl`, parsed, or undefined when it is unusable (the problem is in `issues`). */
function url(options: TokenServiceOptions, issues: Issues, option: 'baseUrl' | 'tokenUrl', value: unknown): URL | undefined {
  if (typeof value !== 'string' || value === '') {
    issues.add(option, 'must be an absolute http(s) URL');
    return undefined;
  }
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    issues.add(option, `is not a valid URL: use the form https://host[/path]`);
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    issues.add(option, `must use https: (got ${u.protocol})`);
    return undefined;
  }
  if (u.username || u.password) {
    issues.add(option, 'must not contain user:password@: pass credentials as clientId and clientSecret');
    return undefined;
  }
  if (u.search || u.hash) {
    issues.add(option, 'must not have a query string or fragment');
    return undefined;
  }
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname) && options.allowInsecureHttp !== true) {
    issues.add(
      option,
      `uses plain http:// to a non-loopback host, which would send the ${option === 'tokenUrl' ? 'client secret' : 'access token'} in clear: use https://, or set ${issues.label('allowInsecureHttp')}=true if this network is trusted`,
    );
  }
  return u;
}

/** The {@link ApiTarget} of a base URL already checked: trailing slashes go, however many. */
function apiTarget(base: URL): ApiTarget {
  const basePath = trimTrailingSlashes(base.pathname);
  return { baseUrl: base.origin + basePath, origin: base.origin, basePath };
}

/** `path` without trailing slashes, in one backward scan (no regex over configured text). @internal */
export function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) end--;
  return path.slice(0, end);
}

/** Header names are case-insensitive: lower-cased, so a header of any casing replaces another. @internal */
export function lowerCaseKeys<V>(headers: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k in headers) out[k.toLowerCase()] = headers[k]!;
  return out;
}

/**
 * What is wrong with a Client Id, Client Secret or token string, or undefined if nothing is.
 * Shared by the static check here and the check of what a credential function returns.
 *
 * @internal
 */
export function credentialProblem(value: string): string | undefined {
  if (value.trim() !== value || /[\r\n]/.test(value)) return 'has leading or trailing white space or a line break: copy the value again without them';
  return undefined;
}
