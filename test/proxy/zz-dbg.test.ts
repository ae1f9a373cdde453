import { AsposeClient } from 'aspose-cloud-auth';
import { startAsposeStandIn } from 'aspose-cloud-auth/testing';
import { send, startProxyApp } from './fixture-apps';
it('dbg', async () => {
  const standIn = await startAsposeStandIn();
  const client = new AsposeClient({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url });
  const app = await startProxyApp('express', client, { allow: ['* /'] , onError: (e) => console.log(e)});
  let r = await send(app.port, '/aspose/v9.9/echo', { method: 'DELETE', body: 'x' });
  console.log(r.status, r.text);
  const q = new URLSearchParams({ 'set-cookie': 'a=b', connection: 'x-upstream-hop', 'x-upstream-hop': '1', 'keep-alive': 'timeout=1', 'proxy-authenticate': 'Basic realm="aspose"', trailer: 'x-checksum' });
  r = await send(app.port, `/aspose/__stand-in/headers?${q}`);
  console.log(r.status, r.text);
  await app.close(); await client.close(); await standIn.close();
});
