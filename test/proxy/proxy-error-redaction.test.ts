// An upstream answer undici cannot parse, echoing the server's token: the
// error the proxy hands to onError keeps undici's parser error as its cause,
// with the raw bytes it holds (`data`) redacted.
import { createServer as createTcpServer } from 'node:net';
import { inspect } from 'node:util';
import { AsposeClient, type AsposeError } from 'aspose-cloud-auth';
import { FRAMEWORKS } from '../support/frameworks';
import { listen } from '../support/http';
import { send, startProxyApp } from './fixture-apps';

const TOKEN = 'opaque-static-token-5f2a9c1e7b3d4a6f8e0c';

test.each(FRAMEWORKS)('%s: a malformed upstream answer echoing the token reaches onError redacted', async (framework) => {
  const raw = await listen(
    createTcpServer((socket) => {
      socket.once('data', (request: Buffer) => {
        const auth = /^authorization: *(.*)$/im.exec(request.toString('latin1'))?.[1]?.trim() ?? '';
        socket.end(`HTTP/1.1 200 OK\r\nBad Header\x01: ${auth}\r\n\r\n{}`);
      });
    }),
  );
  const client = new AsposeClient({ accessToken: TOKEN, baseUrl: raw.url });
  const errors: AsposeError[] = [];
  const app = await startProxyApp(framework, client, { allow: ['GET /v4.0/words/'], onError: (e) => errors.push(e) });
  try {
    const res = await send(app.port, '/aspose/v4.0/words/report.docx');
    expect(res.status).toBe(502);
    expect(res.text).not.toContain(TOKEN);
    expect(errors).toHaveLength(1);
    const err = errors[0] as AsposeError & { cause: { name: string; data: string } };
    expect(err.code).toBe('ERR_ASPOSE_NETWORK');
    expect(err.cause.name).toBe('HTTPParserError');
    expect(err.cause.data).toContain('[redacted]');
    expect(inspect(err, { depth: Infinity, showHidden: true })).not.toContain(TOKEN);
  } finally {
    await app.close();
    await client.close();
    await raw.close();
  }
});
