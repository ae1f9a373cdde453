// The Express app under test in bench/proxy.bench.mjs, in its own process so
// the proxy, the load generator and the stand-in each get their own event loop.
// Started by fork() with STAND_IN_URL, CLIENT_ID and CLIENT_SECRET; reports its URL over IPC.
//
// It serves two forwarders side by side, behind the same stand-in auth check:
// - /aspose/*: asposeProxy, with every check it makes;
// - /hand-rolled/*: the thinnest forwarder one could write by hand with undici's
//   stream() and a fixed Bearer header: no allow list, no path or header
//   checks, no token service. It shows what the extra hop itself costs.
import express from 'express';
import { Agent, request } from 'undici';
import { AsposeClient } from '../dist/esm/index.js';
import { asposeAuth, asposeProxy } from '../dist/esm/express/index.js';

const base = process.env.STAND_IN_URL;
const client = new AsposeClient({ clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET, baseUrl: base });
const agent = new Agent();
const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: process.env.CLIENT_ID, client_secret: process.env.CLIENT_SECRET });
const token = await (
  await request(`${base}/connect/token`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  })
).body.json();
const fixed = `Bearer ${token.access_token}`;

const app = express();
app.disable('x-powered-by');
app.use(asposeAuth(client));
const requireUser = (req, res, next) => (req.headers['x-user'] === 'bench' ? next() : res.status(401).end());
app.use('/aspose', requireUser, asposeProxy({ client, allow: ['GET /v4.0/words/', 'GET /__stand-in/'] }));
app.use('/hand-rolled', requireUser, (req, res, next) => {
  agent
    .stream({ origin: base, path: req.url, method: req.method, headers: { authorization: fixed, accept: req.headers.accept } }, ({ statusCode, headers }) => {
      res.writeHead(statusCode, headers);
      return res;
    })
    .catch(next);
});
const server = app.listen(0, '127.0.0.1', () => process.send({ id: 'ready', url: `http://127.0.0.1:${server.address().port}` }));
process.on('message', (msg) => {
  if (msg === 'stats') process.send({ id: 'stats', ...client.tokens.stats });
  else if (msg === 'close') server.close(() => Promise.all([client.close(), agent.close()]).then(() => process.exit(0)));
});
process.on('disconnect', () => process.exit(0));
