/** Any number of concurrent callers share one token request. */
import { cleanup } from '../support/cleanup';
import { client, tokenService } from '../support/clients';
import { sleep } from '../support/polling';
import { standIn } from '../support/servers';

afterEach(cleanup);

test('1000 concurrent first calls share one token request', async () => {
  const server = await standIn();
  const aspose = client(server);
  const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => aspose.get<{ Document: { FileName: string } }>(`/v4.0/words/doc-${i}.docx`)));
  expect(results.map((r) => r.Document.FileName)).toEqual(Array.from({ length: 1000 }, (_, i) => `doc-${i}.docx`));
  expect(server.tokenRequests).toBe(1);
  expect(server.unauthorized).toBe(0);
  expect(server.apiRequests).toBe(1000);
});

test('concurrent getToken() callers get the same token from one request', async () => {
  const server = await standIn();
  const tokens = tokenService(server);
  const all = await Promise.all(Array.from({ length: 200 }, () => tokens.getToken()));
  expect(new Set(all.map((t) => t.value)).size).toBe(1);
  expect(server.tokenRequests).toBe(1);
  expect(tokens.stats).toMatchObject({ requests: 1, tokensIssued: 1 });
});

test('a cached token is served without another request', async () => {
  const server = await standIn();
  const tokens = tokenService(server);
  const first = await tokens.getToken();
  for (let i = 0; i < 100; i++) expect((await tokens.getToken()).value).toBe(first.value);
  expect(server.tokenRequests).toBe(1);
});

test('concurrent forceRefresh callers share one new token request', async () => {
  const server = await standIn();
  const tokens = tokenService(server);
  const first = await tokens.getToken();
  const forced = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken({ forceRefresh: true })));
  expect(new Set(forced.map((t) => t.value)).size).toBe(1);
  expect(forced[0].value).not.toBe(first.value);
  expect(server.tokenRequests).toBe(2);
  // The forced token is now the cached one.
  expect((await tokens.getToken()).value).toBe(forced[0].value);
  expect(server.tokenRequests).toBe(2);
});

test('callers arriving while a token request is slow join it rather than starting another', async () => {
  const server = await standIn();
  server.failToken({ kind: 'delay', ms: 300 });
  const tokens = tokenService(server);
  const early = tokens.getToken();
  await sleep(100);
  const late = await Promise.all([tokens.getToken(), tokens.getToken({ forceRefresh: true })]);
  const first = await early;
  expect(late.map((t) => t.value)).toEqual([first.value, first.value]);
  expect(server.tokenRequests).toBe(1);
});
