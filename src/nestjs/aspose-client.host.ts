import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { AsposeLogger } from '../config/options.js';
import { AsposeConfigError } from '../errors/errors.js';
import { AsposeClient } from '../http/aspose-client.js';
import type { AsposeAuthModuleOptions } from './aspose-auth-options.interface.js';

/** How long `app.close()` waits for calls under way by default. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Owns the one {@link AsposeClient} of a registration, and with it the one
 * `TokenService` and the connection pool; runs their lifecycle.
 *
 * - `onModuleInit`: with `prefetchToken`, takes a token, so bad credentials
 *   stop the app before it listens.
 * - `onApplicationShutdown`: closes the client (pool and token service). It is
 *   the last hook of `app.close()`, after the HTTP server has stopped and other
 *   providers' `onModuleDestroy` have run, so requests still in flight during
 *   shutdown finish with a working client (for up to `shutdownTimeoutMs`,
 *   then they are aborted), and nothing stays open after.
 *
 * @internal
 */
export class AsposeClientHost implements OnModuleInit, OnApplicationShutdown {
  /** The client every provider of this registration hands out. */
  readonly client: AsposeClient;
  readonly #prefetch: boolean;
  readonly #shutdownTimeoutMs: number;

  constructor(options: AsposeAuthModuleOptions, name: string | undefined) {
    const { prefetchToken, logger, shutdownTimeoutMs, ...clientOptions } = options ?? {};
    if (shutdownTimeoutMs !== undefined && !(Number.isInteger(shutdownTimeoutMs) && shutdownTimeoutMs >= 0)) {
      throw new AsposeConfigError(
        [{ option: 'shutdownTimeoutMs', problem: `must be a whole number of ms, 0 or more (got ${JSON.stringify(shutdownTimeoutMs)?.slice(0, 40)})` }],
        { source: 'AsposeAuthModule options' },
      );
    }
    const log: AsposeLogger | undefined = logger === false ? undefined : (logger ?? new Logger(name === undefined ? 'AsposeAuth' : `AsposeAuth:${name}`));
    this.client = new AsposeClient({ ...clientOptions, logger: log });
    this.#prefetch = prefetchToken === true;
    this.#shutdownTimeoutMs = shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  }

  async onModuleInit(): Promise<void> {
    if (!this.#prefetch || !this.client.tokens.canRefresh) return;
    try {
      await this.client.tokens.getToken();
    } catch (err) {
      // app.init() is failing: nobody will call app.close(), so let go of the
      // sockets now rather than leave them to the process.
      await this.client.close({ force: true });
      throw err;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close({ timeoutMs: this.#shutdownTimeoutMs });
  }
}
