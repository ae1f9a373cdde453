/**
 * A logger that throws never changes an outcome: every call into it is
 * guarded, so a call that got its token succeeds, a refusal is still the
 * refusal, and a 401 is still replayed with a fresh token.
 */
import { join } from 'node:path';
import { AccessToken, type AsposeLogger } from 'aspose-cloud-auth';
import { cleanup } from '../support/cleanup';
import { client, tokenService } from '../support/clients';
import { rejectionOf } from '../support/errors';
import { standIn } from '../support/servers';
import { runScenario } from '../support/unhandled-rejections';

afterEach(cleanup);

/** A logger whose every method throws, counting the calls it got. */
function throwingLogger(): AsposeLogger & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const thrower = (level: string) => () => {
    calls[level] = (calls[level] ?? 0) + 1;
    throw new Error(`logger.${level} is broken`);
  };
  return { calls, debug: thrower('debug'), log: thrower('log'), warn: thrower('warn'), error: thrower('error') };
}

test('calls that get a token succeed, although logger.log throws on “token obtained”', async () => {
  const server = await standIn();
  const logger = throwingLogger();
  const aspose = client(server, { logger });
  const docs = await Promise.all(Array.from({ length: 20 }, () => aspose.get<{ Document: { FileName: string } }>('/v4.0/words/a.docx')));
  expect(docs.map((d) => d.Document.FileName)).toEqual(Array(20).fill('a.docx'));
  expect(logger.calls.log).toBe(1);
});

test('a transient fault is still retried (logger.warn throws) and the call succeeds', async () => {
  const server = await standIn();
  server.failToken({ kind: 'status', status: 503 });
  const logger = throwingLogger();
  const tokens = tokenService(server, { logger });
  await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken);
  expect(server.tokenRequests).toBe(2);
  expect(logger.calls.warn).toBe(1);
});

test('a refusal still surfaces as ERR_ASPOSE_AUTH_REFUSED (logger.error throws)', async () => {
  const server = await standIn();
  const logger = throwingLogger();
  const aspose = client(server, { logger, clientSecret: 'wrong-secret' });
  const err = await rejectionOf(aspose.get('/v4.0/words/a.docx'));
  expect(err).toMatchObject({ code: 'ERR_ASPOSE_AUTH_REFUSED', oauthError: 'invalid_client' });
  expect(logger.calls.error).toBe(1);
});

test('a 401 is still replayed with a fresh token (logger.debug throws on “invalidated”)', async () => {
  const server = await standIn();
  const logger = throwingLogger();
  const aspose = client(server, { logger });
  await aspose.get('/v4.0/words/a.docx');
  server.revoke();
  const doc = await aspose.get<{ Document: { FileName: string } }>('/v4.0/words/b.docx');
  expect(doc.Document.FileName).toBe('b.docx');
  expect(server.unauthorized).toBe(1);
  expect(server.tokenRequests).toBe(2);
  expect(logger.calls.debug).toBe(1);
});

test('a background refresh ahead of expiry with a throwing logger leaves no unhandled rejection, and the next token arrives', async () => {
  // In a child process, where a real listener sees unhandled rejections (see no-unhandled.test.ts).
  const { unhandled, result } = await runScenario(join(__dirname, 'unhandled-rejection.scenarios.cjs'), 'a background refresh with a throwing logger');
  expect(unhandled).toEqual([]);
  // Inside the refresh window the old token still served, and the next one arrived.
  expect(result).toEqual({ peekedFirst: true, tokensIssued: 2 });
});
