import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AsposeConfigError } from 'aspose-cloud-auth';
import { AsposeAuthModule } from 'aspose-cloud-auth/nestjs';
import { CaptureLogger } from '../support/capture-logger';
import { asposeVariables, useEnv } from '../support/env';

const SECRET = ' s3cr3t-do-not-print-7f2e ';
const setEnv = useEnv();
beforeEach(() => setEnv(asposeVariables()));

/** Four mistakes at once: each must be named, in one message, and the secret value never. */
function badEnvironment(prefix = 'ASPOSE_'): void {
  setEnv({
    [`${prefix}CLIENT_SECRET`]: SECRET, // stray spaces around it, as pasted from a dashboard
    [`${prefix}BASE_URL`]: 'ftp://api.aspose.cloud',
    [`${prefix}TIMEOUT_MS`]: 'soon',
    [`${prefix}TOKEN_URL`]: `http://id.example.com/connect/token`,
  });
}

async function bootError(imports: unknown[]): Promise<AsposeConfigError> {
  try {
    const m = await Test.createTestingModule({ imports: imports as never[] }).compile();
    await m.close();
  } catch (err) {
    return err as AsposeConfigError;
  }
  throw new Error('the module booted');
}

test('a misconfigured app fails to start with one error naming every bad variable, and no secret', async () => {
  badEnvironment();
  const err = await bootError([AsposeAuthModule.forRootAsync()]);
  expect(err).toBeInstanceOf(AsposeConfigError);
  expect(err.code).toBe('ERR_ASPOSE_CONFIG');
  for (const variable of ['ASPOSE_CLIENT_ID', 'ASPOSE_CLIENT_SECRET', 'ASPOSE_BASE_URL', 'ASPOSE_TIMEOUT_MS', 'ASPOSE_TOKEN_URL']) {
    expect(err.message).toContain(variable);
  }
  expect(err.issues.map((i) => i.variable).sort()).toEqual([
    'ASPOSE_BASE_URL',
    'ASPOSE_CLIENT_ID',
    'ASPOSE_CLIENT_SECRET',
    'ASPOSE_TIMEOUT_MS',
    'ASPOSE_TOKEN_URL',
  ]);
  expect(err.message).toMatch(/ASPOSE_CLIENT_ID is missing/);
  expect(err.message).toMatch(/ASPOSE_CLIENT_SECRET has leading or trailing white space/);
  expect(JSON.stringify(err.issues) + err.message + err.stack).not.toContain(SECRET.trim());
});

test('a named client names its own prefixed variables', async () => {
  badEnvironment('ASPOSE_OCR_');
  const err = await bootError([AsposeAuthModule.forRootAsync({ name: 'ocr' })]);
  expect(err).toBeInstanceOf(AsposeConfigError);
  expect(err.issues.map((i) => i.variable).sort()).toEqual([
    'ASPOSE_OCR_BASE_URL',
    'ASPOSE_OCR_CLIENT_ID',
    'ASPOSE_OCR_CLIENT_SECRET',
    'ASPOSE_OCR_TIMEOUT_MS',
    'ASPOSE_OCR_TOKEN_URL',
  ]);
  expect(err.message).not.toContain(SECRET.trim());
});

test('with nothing set at all, the message says which variables to set', async () => {
  const err = await bootError([AsposeAuthModule.forRootAsync()]);
  expect(err).toBeInstanceOf(AsposeConfigError);
  expect(err.message).toMatch(/ASPOSE_CLIENT_ID is missing: set it to the Client Id/);
  expect(err.message).toMatch(/ASPOSE_CLIENT_SECRET is missing: set it to the Client Secret/);
});

test('forRoot() options are validated the same way, by option name', async () => {
  const err = await bootError([AsposeAuthModule.forRoot({ clientId: 'id', clientSecret: SECRET, baseUrl: 'not a url', timeoutMs: -1 })]);
  expect(err).toBeInstanceOf(AsposeConfigError);
  expect(err.issues.map((i) => i.option).sort()).toEqual(['baseUrl', 'clientSecret', 'timeoutMs']);
  expect(err.message).not.toContain(SECRET.trim());
});

test('NestFactory.create() rejects, and what Nest logs about it holds every variable and no secret', async () => {
  badEnvironment();
  @Module({ imports: [AsposeAuthModule.forRootAsync()] })
  class AppModule {}
  const logger = new CaptureLogger();
  await expect(NestFactory.create(AppModule, { logger, abortOnError: false })).rejects.toBeInstanceOf(AsposeConfigError);
  const logged = logger.lines
    .filter((l) => l.level === 'error')
    .map((l) => l.message)
    .join('\n');
  expect(logged).toContain('Invalid Aspose environment variables (5 problems)');
  for (const variable of ['ASPOSE_CLIENT_ID', 'ASPOSE_CLIENT_SECRET', 'ASPOSE_BASE_URL', 'ASPOSE_TIMEOUT_MS', 'ASPOSE_TOKEN_URL'])
    expect(logged).toContain(variable);
  expect(logger.text).not.toContain(SECRET.trim());
});

test('without @nestjs/config installed, forRootAsync() with no factory says what to install', async () => {
  let bridge: Promise<unknown> | undefined;
  jest.isolateModules(() => {
    jest.doMock('@nestjs/config', () => {
      throw Object.assign(new Error("Cannot find module '@nestjs/config'"), { code: 'MODULE_NOT_FOUND' });
    });
    const configBridge = require('../../src/nestjs/aspose-config.bridge') as typeof import('../../src/nestjs/aspose-config.bridge');
    bridge = configBridge.asposeConfigBridge();
  });
  await expect(bridge).rejects.toMatchObject({
    code: 'ERR_ASPOSE_CONFIG',
    message: expect.stringContaining('install @nestjs/config, or pass a useFactory'),
    cause: expect.objectContaining({ code: 'MODULE_NOT_FOUND' }),
  });
  jest.dontMock('@nestjs/config');
});
