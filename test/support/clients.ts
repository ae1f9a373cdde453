/**
 * Clients for the servers in ./servers.ts: an {@link AsposeClient} or a
 * {@link TokenService} with a server's credentials and fast retries, closed
 * by `cleanup()`.
 */
import { randomBytes } from 'node:crypto';
import { Agent } from 'undici';
import { AsposeClient, TokenService, type AsposeClientOptions } from 'aspose-cloud-auth';
import type { AsposeStandIn } from 'aspose-cloud-auth/testing';
import { track } from './cleanup';

/** Small retry delays, so the fault matrix runs in milliseconds. */
export const FAST_RETRY = { minDelayMs: 5, maxDelayMs: 20 } as const;

/** What a client needs to know of a token server. */
export type Endpoint = Pick<AsposeStandIn, 'url' | 'clientId' | 'clientSecret'>;

/** Client options for `server`: its credentials and URL, fast retries. */
export function credentials(server: Endpoint): AsposeClientOptions {
  return { clientId: server.clientId, clientSecret: server.clientSecret, baseUrl: server.url, retry: FAST_RETRY };
}

/** An {@link AsposeClient} for `server` (or for `options` alone), closed by `cleanup()`. */
export function client(server: Endpoint | undefined, options: AsposeClientOptions = {}): AsposeClient {
  return track(new AsposeClient({ ...(server ? credentials(server) : {}), ...options }), (c) => c.close());
}

/** A {@link TokenService} for `server` on its own undici Agent, both closed by `cleanup()`. */
export function tokenService(server: Endpoint, options: Partial<ConstructorParameters<typeof TokenService>[0]> = {}): TokenService {
  const agent = track(new Agent(), (a) => a.close());
  return track(new TokenService({ ...credentials(server), dispatcher: agent, ...options }), (t) => t.close());
}

/** A distinctive secret, easy to search for in whatever the library prints. */
export function distinctiveSecret(): string {
  return `S3cr3t-${randomBytes(12).toString('hex')}`;
}
