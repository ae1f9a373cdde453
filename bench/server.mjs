// The local Aspose stand-in in its own process, so the server and the client
// under test each get a core. Driven over IPC by bench/lib.mjs.
// LOCKOUT_SEC shortens the stand-in's model of Aspose's token-endpoint lockout (default 600 s).
import { startAsposeStandIn } from '../dist/esm/testing/index.js';

const lockoutSec = process.env.LOCKOUT_SEC === undefined ? undefined : Number(process.env.LOCKOUT_SEC);
const standIn = await startAsposeStandIn({
  tokenLifetimeSec: Number(process.env.TOKEN_LIFETIME_SEC ?? 3600),
  rateLimit: lockoutSec === undefined ? undefined : { lockoutSec },
});
// The arms read /v4.0/words/report.docx: the stand-in answers only for documents in its storage.
standIn.storage.put('report.docx', 'a document for the benchmark');
const counters = () => ({
  tokenRequests: standIn.tokenRequests,
  tokensIssued: standIn.tokensIssued,
  tokenFailures: standIn.tokenFailures,
  tokenRateLimited: standIn.tokenRateLimited,
  lockouts: standIn.lockouts,
  apiRequests: standIn.apiRequests,
  unauthorized: standIn.unauthorized,
});
let windowed;
process.on('message', (msg) => {
  if (msg?.cmd === 'window') {
    // Counters zeroed now and read back after msg.ms by this process's own clock, so a busy
    // client process cannot stretch the window; msg.lockout locks the accepted pair out at the same instant.
    standIn.resetCounters();
    if (msg.lockout) standIn.lockOut();
    windowed = new Promise((resolve) => setTimeout(() => resolve(counters()), msg.ms));
    process.send({ id: 'window' });
  } else if (msg === 'window-stats') windowed.then((c) => process.send({ id: 'window-stats', ...c }));
  else if (msg === 'stats') process.send({ id: 'stats', ...counters() });
  else if (msg === 'reset') {
    standIn.resetCounters();
    process.send({ id: 'reset' });
  } else if (msg?.cmd === 'token-latency') {
    // The next msg.times token requests are answered after msg.ms: a token endpoint across a network.
    standIn.failToken({ kind: 'delay', ms: msg.ms }, msg.times);
    process.send({ id: 'token-latency' });
  } else if (msg === 'revoke') {
    standIn.revoke();
    process.send({ id: 'revoke' });
  } else if (msg === 'close') standIn.close().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
process.send({ id: 'ready', url: standIn.url, clientId: standIn.clientId, clientSecret: standIn.clientSecret });
