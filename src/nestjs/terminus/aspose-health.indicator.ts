import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { AsposeAbortError, AsposeAuthError, AsposeConfigError, AsposeError } from '../../errors/errors.js';
import type { TokenService } from '../../token/token-service.js';
import { getTokenServiceToken } from '../aspose-auth.providers.js';

/** Options of {@link AsposeHealthIndicator.isHealthy}. */
export interface AsposeHealthCheckOptions {
  /** The named client to check (`AsposeAuthModule.forRootAsync({ name })`); the default client when left out. */
  name?: string;
  /**
   * How long the check waits for a token when none is cached, in ms, before
   * it reports `timeout`. Default 5000. The token request itself goes on, and
   * the calls waiting for it still get it.
   */
  timeoutMs?: number;
}

/**
 * Why a check is `down`:
 *
 * - `refused`: the token endpoint refused the credentials (`ERR_ASPOSE_AUTH_REFUSED`), or
 *   they are held back after refusals until `retryAt`;
 * - `rate-limited`: a `Retry-After` from the token endpoint holds token requests back until
 *   `retryAt` (Aspose's 10-minute lockout after failed requests is one; `ERR_ASPOSE_AUTH_RATE_LIMITED`);
 * - `unavailable`: the token endpoint kept failing (`ERR_ASPOSE_AUTH_UNAVAILABLE`), with `retryAt`
 *   when token requests are held back;
 * - `invalid-response`: the token endpoint answered without a usable token (`ERR_ASPOSE_AUTH_INVALID_RESPONSE`);
 * - `timeout`: no token within the check's `timeoutMs`;
 * - `misconfigured`: a credential function threw or gave a bad value (`ERR_ASPOSE_CONFIG`);
 * - `closed`: the client was closed (the app is shutting down).
 */
export type AsposeHealthDownReason = 'refused' | 'rate-limited' | 'unavailable' | 'invalid-response' | 'timeout' | 'misconfigured' | 'closed';

/**
 * What an `up` check adds to its `{ status: 'up' }`. Never a token or secret.
 */
export interface AsposeHealthUpDetails extends Record<string, unknown> {
  /** The authentication mode (`client_credentials`, `static`, `none`). */
  auth: TokenService['auth'];
  /** When the cached token expires (ISO 8601); absent for `auth: 'none'` and a static token without `exp`. */
  tokenExpiresAt?: string;
  /** A refresh ahead of expiry is held back (the current token still serves): why, as a down check would say. */
  refreshHeldBack?: AsposeHealthDownReason;
  /** When the held-back refresh may be tried again (ISO 8601). */
  retryAt?: string;
}

/** What a `down` check adds to its `{ status: 'down' }`. Never a token or secret. */
export interface AsposeHealthDownDetails extends Record<string, unknown> {
  /** Why, in one word. */
  reason: AsposeHealthDownReason;
  /** The error code (`ERR_ASPOSE_AUTH_REFUSED`…), when an error said it. */
  code?: string;
  /**
   * What happened, in a fixed sentence per `reason`: `/health` is often
   * public, so the error's own message (which can name the token endpoint and
   * quote its answer) stays in the server's logs.
   */
  message: string;
  /** The OAuth 2.0 `error` field from the token endpoint, such as `invalid_client`. */
  oauthError?: string;
  /** When token requests may resume (ISO 8601): the end of a lockout, a backoff or a hold. */
  retryAt?: string;
}

const DEFAULT_TIMEOUT_MS = 5_000;

const REASONS: Record<AsposeAuthError['code'], AsposeHealthDownReason> = {
  ERR_ASPOSE_AUTH_REFUSED: 'refused',
  ERR_ASPOSE_AUTH_RATE_LIMITED: 'rate-limited',
  ERR_ASPOSE_AUTH_UNAVAILABLE: 'unavailable',
  ERR_ASPOSE_AUTH_INVALID_RESPONSE: 'invalid-response',
};

/**
 * A `@nestjs/terminus` health indicator for an Aspose client: `up` when it
 * holds a fresh access token or can get one, `down` with the reason
 * (refused, locked out until when, unavailable…) when it cannot.
 *
 * It never calls a product API, so a health check spends no API credits:
 * it reads the token service's state, and sends a token request (free) only
 * when no fresh token is cached and nothing holds requests back. A token
 * endpoint that refuses, or a lockout, is reported from memory without a
 * request, so a health probe every few seconds cannot make a lockout worse.
 * The token a check fetches is the one the app's next call uses.
 *
 * ```ts
 * @Module({
 *   imports: [TerminusModule, AsposeAuthModule.forRootAsync()],
 *   providers: [AsposeHealthIndicator],
 *   controllers: [HealthController],
 * })
 * export class AppModule {}
 *
 * @Controller('health')
 * export class HealthController {
 *   constructor(private readonly health: HealthCheckService, private readonly aspose: AsposeHealthIndicator) {}
 *
 *   @Get()
 *   @HealthCheck()
 *   check() {
 *     return this.health.check([() => this.aspose.isHealthy(), () => this.aspose.isHealthy('aspose-ocr', { name: 'ocr' })]);
 *   }
 * }
 * ```
 *
 * Built on Terminus's `HealthIndicatorService` (Terminus 11 and 12), not the
 * deprecated `HealthIndicator` base class.
 */
@Injectable()
export class AsposeHealthIndicator {
  readonly #indicators: HealthIndicatorService;
  readonly #moduleRef: ModuleRef;
  /** Each client's token service, found once by its registration name ('' for the default client). */
  readonly #services = new Map<string, TokenService>();

  constructor(@Inject(HealthIndicatorService) indicators: HealthIndicatorService, @Inject(ModuleRef) moduleRef: ModuleRef) {
    this.#indicators = indicators;
    this.#moduleRef = moduleRef;
  }

  /**
   * Checks a client (the default one, or `options.name`) and reports under `key`.
   *
   * @throws {AsposeConfigError} if no `AsposeAuthModule` registration has that name, or `timeoutMs` is not a whole number of ms.
   */
  async isHealthy<const Key extends string = 'aspose'>(
    key: Key = 'aspose' as Key,
    options: AsposeHealthCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key, 'up', AsposeHealthUpDetails> | HealthIndicatorResult<Key, 'down', AsposeHealthDownDetails>> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > 300_000) {
      throw new AsposeConfigError(
        [{ option: 'timeoutMs', problem: `must be a whole number of ms from 1 to 300000 (got ${JSON.stringify(timeoutMs)?.slice(0, 40)})` }],
        {
          source: 'AsposeHealthIndicator.isHealthy() options',
        },
      );
    }
    const tokens = this.#tokenService(options.name);
    const check = this.#indicators.check(key);
    const status = tokens.status;
    if (status.closed) return check.down<AsposeHealthDownDetails>({ reason: 'closed', message: 'The Aspose client is closed' });
    if (status.auth === 'none') return check.up<AsposeHealthUpDetails>({ auth: 'none' });
    if (status.hasToken) {
      const up: AsposeHealthUpDetails = { auth: status.auth };
      if (status.expiresAt !== undefined && Number.isFinite(status.expiresAt)) up.tokenExpiresAt = new Date(status.expiresAt).toISOString();
      if (status.heldBack !== undefined) {
        up.refreshHeldBack = REASONS[status.heldBack.code];
        if (status.heldBack.retryAt !== undefined) up.retryAt = new Date(status.heldBack.retryAt).toISOString();
      }
      return check.up<AsposeHealthUpDetails>(up);
    }
    if (status.heldBack !== undefined) return check.down<AsposeHealthDownDetails>(downDetails(status.heldBack));
    try {
      const token = await tokens.getToken({ signal: AbortSignal.timeout(timeoutMs) });
      const up: AsposeHealthUpDetails = { auth: status.auth };
      if (Number.isFinite(token.expiresAt)) up.tokenExpiresAt = new Date(token.expiresAt).toISOString();
      return check.up<AsposeHealthUpDetails>(up);
    } catch (err) {
      if (err instanceof AsposeAbortError) {
        return tokens.closed
          ? check.down<AsposeHealthDownDetails>({ reason: 'closed', message: 'The Aspose client is closed' })
          : check.down<AsposeHealthDownDetails>({ reason: 'timeout', code: err.code, message: `No Aspose access token within ${timeoutMs} ms` });
      }
      if (err instanceof AsposeError) return check.down<AsposeHealthDownDetails>(downDetails(err));
      throw err;
    }
  }

  #tokenService(name: string | undefined): TokenService {
    const key = name ?? '';
    const known = this.#services.get(key);
    if (known !== undefined) return known;
    let tokens: TokenService;
    try {
      tokens = this.#moduleRef.get(getTokenServiceToken(name), { strict: false });
    } catch (err) {
      throw new AsposeConfigError(
        name === undefined
          ? 'AsposeHealthIndicator found no default Aspose client: import AsposeAuthModule.forRoot() or forRootAsync() in the app'
          : `AsposeHealthIndicator found no Aspose client named ${JSON.stringify(name).slice(0, 100)}: register it with AsposeAuthModule.forRootAsync({ name }), or check the name`,
        { cause: err },
      );
    }
    this.#services.set(key, tokens);
    return tokens;
  }
}

/** The sentence a down check says for each reason. */
const DOWN_MESSAGES: Record<AsposeHealthDownReason, string> = {
  refused: 'The Aspose token endpoint refused the credentials',
  'rate-limited': 'Aspose token requests are held back after refusals or a rate limit',
  unavailable: 'The Aspose token endpoint is unavailable',
  'invalid-response': 'The Aspose token endpoint answered with something that is not a usable token',
  timeout: 'No Aspose access token in time',
  misconfigured: 'The Aspose client is misconfigured',
  closed: 'The Aspose client is closed',
};

/** The down details of an error from the token layer. */
function downDetails(error: AsposeError): AsposeHealthDownDetails {
  const details: AsposeHealthDownDetails = {
    reason: error instanceof AsposeAuthError ? REASONS[error.code] : error instanceof AsposeAbortError ? 'closed' : 'misconfigured',
    code: error.code,
    message: '',
  };
  details.message = DOWN_MESSAGES[details.reason];
  if (error instanceof AsposeAuthError) {
    if (error.oauthError !== undefined) details.oauthError = error.oauthError;
    if (error.retryAt !== undefined) details.retryAt = new Date(error.retryAt).toISOString();
  }
  return details;
}
