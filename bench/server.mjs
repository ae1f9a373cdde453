// The local Aspose stand-in in its own process, so the server and the client
// under test each get a core. Driven over IPC by bench/lib.mjs.
import { startAsposeStandIn } from '../dist/esm/testing/index.js';

const standIn = await startAsposeStandIn({ tokenLifetimeSec: Number(process.env.TOKEN_LIFETIME_SEC ?? 3600) });
const counters = () => ({ tokenRequests: standIn.tokenRequests, apiRequests: standIn.apiRequests, unauthorized: standIn.unauthorized });
process.on('message', (msg) => {
  if (msg === 'stats') process.send({ id: 'stats', ...counters() });
  else if (msg === 'reset') { standIn.resetCounters(); process.send({ id: 'reset' }); }
  else if (msg === 'revoke') { standIn.revoke(); process.send({ id: 'revoke' }); }
  else if (msg === 'close') standIn.close().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
process.send({ id: 'ready', url: standIn.url, clientId: standIn.clientId, clientSecret: standIn.clientSecret });
