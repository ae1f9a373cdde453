import { inspect } from 'node:util';
import { AsposeConfigError, type ConfigIssue } from '../errors/errors.js';
import { redact } from '../errors/redact.js';
import { AUTH_MODES, type AsposeAuthMode, type AsposeClientOptions } from './options.js';
import { resolveClientOptions, type VariableNames } from './settings.js';

/** Options of {@link loadAsposeConfig}. */
export interface LoadAsposeConfigOptions {
  /**
   * Prefix of every variable name. Default `ASPOSE_`. Use another for a second client,
   * for example `ASPOSE_OCR_` reads `ASPOSE_OCR_CLIENT_ID`, `ASPOSE_OCR_CLIENT_SECRET`…
   */
  prefix?: string;
}

/** The environment variables read, by option. Prefix them with `ASPOSE_` (or your own prefix). */
export const ASPOSE_ENV_VARIABLES = {
  auth: 'AUTH',
  clientId: 'CLIENT_ID',
  clientSecret: 'CLIENT_SECRET',
  accessToken: 'ACCESS_TOKEN',
  baseUrl: 'BASE_URL',
  tokenUrl: 'TOKEN_URL',
  tokenTimeoutMs: 'TOKEN_TIMEOUT_MS',
  timeoutMs: 'TIMEOUT_MS',
  allowInsecureHttp: 'ALLOW_INSECURE_HTTP',
} as const;

type EnvLike = Record<string, string | undefined>;

/**
 * Reads client options from environment variables and validates them all at
 * once. On any problem it throws one {@link AsposeConfigError} naming every
 * missing or malformed variable (never a secret value).
 *
 * | variable | option |
 * |---|---|
 * | `ASPOSE_CLIENT_ID`, `ASPOSE_CLIENT_SECRET` | the dashboard credentials |
 * | `ASPOSE_BASE_URL` | API base URL (default `https://api.aspose.cloud`) |
 * | `ASPOSE_TOKEN_URL` | token endpoint (default `{base}/connect/token`) |
 * | `ASPOSE_ACCESS_TOKEN` | a fixed token: selects `auth: 'static'` |
 * | `ASPOSE_AUTH` | `client_credentials`, `static` or `none` |
 * | `ASPOSE_TOKEN_TIMEOUT_MS`, `ASPOSE_TIMEOUT_MS` | timeouts |
 * | `ASPOSE_ALLOW_INSECURE_HTTP` | `true` to allow http:// to non-loopback hosts |
 *
 * The returned object is plain options for `new AsposeClient(…)`. Its own
 * `util.inspect` and `JSON.stringify` output hides the secret and token.
 */
export function loadAsposeConfig(env: EnvLike = process.env, options: LoadAsposeConfigOptions = {}): AsposeClientOptions {
  const prefix = options.prefix ?? 'ASPOSE_';
  const names: VariableNames = {};
  for (const [option, suffix] of Object.entries(ASPOSE_ENV_VARIABLES)) names[option] = prefix + suffix;
  const issues: ConfigIssue[] = [];
  const read = (option: keyof typeof ASPOSE_ENV_VARIABLES): string | undefined => {
    const v = env[names[option]!];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const number = (option: 'tokenTimeoutMs' | 'timeoutMs'): number | undefined => {
    const v = read(option);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v.trim())) {
      issues.push({
        option,
        variable: names[option],
        problem: `must be a whole number of milliseconds (got ${JSON.stringify(redact(v, [read('clientSecret'), read('accessToken')]).slice(0, 20))})`,
      });
      return undefined;
    }
    return Number(v.trim());
  };
  const flag = read('allowInsecureHttp');
  if (flag !== undefined && !/^(true|false|1|0|yes|no)$/i.test(flag.trim())) {
    issues.push({ option: 'allowInsecureHttp', variable: names.allowInsecureHttp, problem: 'must be true or false' });
  }

  const config: AsposeClientOptions = {};
  // Modes are case-insensitive; anything else is passed on as it is, for validation to name
  // (and to redact, should it be a secret pasted into the wrong variable).
  const auth = read('auth')?.trim();
  if (auth !== undefined) config.auth = (AUTH_MODES.find((m) => m === auth.toLowerCase()) ?? auth) as AsposeAuthMode;
  const set = <K extends keyof AsposeClientOptions>(key: K, value: AsposeClientOptions[K] | undefined) => {
    if (value !== undefined) config[key] = value;
  };
  set('clientId', read('clientId'));
  set('clientSecret', read('clientSecret'));
  set('accessToken', read('accessToken'));
  set('baseUrl', read('baseUrl')?.trim());
  set('tokenUrl', read('tokenUrl')?.trim());
  set('tokenTimeoutMs', number('tokenTimeoutMs'));
  set('timeoutMs', number('timeoutMs'));
  if (flag !== undefined) config.allowInsecureHttp = /^(true|1|yes)$/i.test(flag.trim());

  try {
    resolveClientOptions(config, names, 'Aspose environment variables');
  } catch (err) {
    if (!(err instanceof AsposeConfigError)) throw err;
    issues.push(...err.issues);
  }
  if (issues.length > 0) throw new AsposeConfigError(issues, { source: 'Aspose environment variables' });
  return hideSecrets(config);
}

/**
 * Gives an options object an `inspect` and `toJSON` that hide its secret and token.
 * The methods are not enumerable, so `{ ...config }` copies only the plain options.
 *
 * @internal
 */
export function hideSecrets<T extends AsposeClientOptions>(config: T): T {
  const safe = () => {
    const shown: Record<string, unknown> = { ...(config as Record<string, unknown>) };
    if (shown.clientSecret !== undefined) shown.clientSecret = '[redacted]';
    if (shown.accessToken !== undefined) shown.accessToken = '[redacted]';
    return shown;
  };
  Object.defineProperty(config, 'toJSON', { value: safe, enumerable: false });
  Object.defineProperty(config, inspect.custom, {
    value: (depth: number, opts: object) => inspect(safe(), { ...opts, depth }),
    enumerable: false,
  });
  return config;
}
