/** A 401 drops the token it carried, and only that one: a burst of 401s costs one new token. */
import { AccessToken } from 'aspose-cloud-auth';
import { cleanup } from '../support/cleanup';
import { client, tokenService } from '../support/clients';
import { standIn } from '../support/servers';

afterEach(cleanup);

test('1000 concurrent 401s carrying the same stale token cause exactly one new token request', async () => {
  const server = await standIn();
  const aspose = client(server);
  await aspose.get('/v4.0/words/warm.docx');
  const stale = await aspose.tokens.getToken();
  expect(server.tokenRequests).toBe(1);

  server.revoke();
  const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => aspose.get<{ Document: { FileName: string } }>(`/v4.0/words/doc-${i}.docx`)));

  expect(results.every((r, i) => r.Document.FileName === `doc-${i}.docx`)).toBe(true);
  expect(server.tokenRequests).toBe(2);
  expect(server.unauthorized).toBe(1000);
  expect(server.apiRequests).toBe(1 + 1000 + 1000);
  expect((await aspose.tokens.getToken()).value).not.toBe(stale.value);
  expect(aspose.tokens.stats.invalidations).toBe(1);
});

test('invalidate(value) ignores a token that is no longer current', async () => {
  const server = await standIn();
  const tokens = tokenService(server);
  const old = await tokens.getToken();
  const current = await tokens.getToken({ forceRefresh: true });
  expect(tokens.invalidate(old.value)).toBe(false);
  expect(tokens.invalidate(old)).toBe(false);
  expect((await tokens.getToken()).value).toBe(current.value);
  expect(server.tokenRequests).toBe(2);
});

test('invalidate(value) of the current token makes the next caller fetch a new one', async () => {
  const server = await standIn();
  const tokens = tokenService(server);
  const token = await tokens.getToken();
  expect(tokens.invalidate(token.value)).toBe(true);
  expect(tokens.invalidate(token.value)).toBe(false);
  const next = await tokens.getToken();
  expect(next.value).not.toBe(token.value);
  expect(server.tokenRequests).toBe(2);
  expect(tokens.stats.invalidations).toBe(1);
});

test('invalidating a static access token is refused: there is nothing to refresh it from', async () => {
  const server = await standIn();
  const tokens = tokenService(server, { auth: 'static', accessToken: server.issueToken(), clientId: undefined, clientSecret: undefined });
  expect(tokens.invalidate()).toBe(false);
  await expect(tokens.getToken()).resolves.toBeInstanceOf(AccessToken);
  expect(server.tokenRequests).toBe(0);
});
