// A proxied call while the token endpoint holds the credentials back (Aspose's
// 429 lockout): a 502 JSON answer naming ERR_ASPOSE_AUTH_RATE_LIMITED, with no
// token request of its own and nothing sent upstream.
import { AsposeClient, type AsposeError } from 'aspose-cloud-auth';
import { startAsposeStandIn } from 'aspose-cloud-auth/testing';
import { FRAMEWORKS } from '../support/frameworks';
import { send, startProxyApp } from './fixture-apps';

test.each(FRAMEWORKS)('%s: a locked-out pair is 502 ERR_ASPOSE_AUTH_RATE_LIMITED, and one token request serves every call', async (framework) => {
  const standIn = await startAsposeStandIn({ unknownRoutes: 'echo', documents: 'any' });
  standIn.lockOut();
  const client = new AsposeClient({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url });
  const errors: AsposeError[] = [];
  const app = await startProxyApp(framework, client, { allow: ['GET /v4.0/words/'], onError: (e) => errors.push(e) });
  try {
    for (let i = 0; i < 5; i++) {
      const res = await send(app.port, '/aspose/v4.0/words/report.docx');
      expect(res.status).toBe(502);
      expect(res.json().error.code).toBe('ERR_ASPOSE_AUTH_RATE_LIMITED');
    }
    expect(errors.map((e) => e.code)).toEqual(Array(5).fill('ERR_ASPOSE_AUTH_RATE_LIMITED'));
    expect(standIn.tokenRequests).toBe(1);
    expect(standIn.apiRequests).toBe(0);
  } finally {
    await app.close();
    await client.close();
    await standIn.close();
  }
});
