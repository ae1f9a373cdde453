// What every README and docs example may use without defining it: the
// imports a snippet leaves out, and the objects it talks about (`aspose`, an
// app's `requireUser`, your secret store). scripts/check-examples.mjs imports
// into each example the names it uses from here and does not declare itself.
import type { Server } from 'node:http';
import type { RequestHandler } from 'express';
import type { AsposeClient } from 'aspose-cloud-auth';
import type { AsposeHttpService } from 'aspose-cloud-auth/nestjs';

export { createReadStream } from 'node:fs';
export { readFile } from 'node:fs/promises';
export { Agent, fetch, interceptors, request } from 'undici';
export { Controller, Get, Injectable, Module, Param } from '@nestjs/common';
export { ConfigModule, ConfigService } from '@nestjs/config';
export { NestFactory } from '@nestjs/core';
export { Test } from '@nestjs/testing';
export { lastValueFrom, timeout, type Observable } from 'rxjs';
export { default as express } from 'express';
export {
  AsposeApiError,
  AsposeAuthError,
  AsposeAuthRateLimitedError,
  AsposeAuthRefusedError,
  AsposeTimeoutError,
  AsposeClient,
  AsposeError,
  AsposePresets,
  TokenService,
  asposeAuthInterceptor,
  loadAsposeConfig,
} from 'aspose-cloud-auth';
export {
  AsposeAuthModule,
  AsposeHttpService,
  InjectAsposeClient,
  InjectTokenService,
  getAsposeClientToken,
  type AsposeAuthModuleOptions,
  type AsposeAuthOptionsFactory,
} from 'aspose-cloud-auth/nestjs';
export { asposeAuth, asposeProxy, asposeProxyListener } from 'aspose-cloud-auth/express';
export { startAsposeStandIn } from 'aspose-cloud-auth/testing';

/** The application's one shared client. */
export declare const aspose: AsposeClient;
/** Nest's `AsposeHttpService`, as injected. */
export declare const http: AsposeHttpService;
/** The application's HTTP server. */
export declare const server: Server;
/** The application's own authentication (a session or JWT check), in front of the proxy. */
export declare const requireUser: RequestHandler;
/** The application's own check of a session cookie, for code that runs before the app's middleware. */
export declare function isSignedIn(cookie: string | undefined): boolean;
/** Any secret store: HashiCorp Vault, AWS Secrets Manager, a mounted file… */
export declare const vault: { read(path: string): Promise<string> };
/** The same, as an injectable Nest provider, and the module that provides it. */
export declare class Vault {
  read(path: string): Promise<string>;
}
export declare class VaultModule {}
/** The service of the NestJS quick start, for the examples that test it. */
export declare class ReportsService {
  format(name: string): Promise<string>;
}
export { redisTokenStore, type RedisLikeClient } from 'aspose-cloud-auth/redis';
/** An app's injection token for its connected Redis client (fleet mode examples). */
export const REDIS = Symbol('REDIS');
