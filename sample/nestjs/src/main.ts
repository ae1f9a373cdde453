// The NestJS sample: a Words route through the injected AsposeClient and a
// BarCode route through AsposeHttpService, both on one token.
//
//   npm start                  build, then a demo run: start, call its own routes, print what happened, exit
//   npm start -- --serve       keep serving on PORT (default 3000) until Ctrl+C
//
// With no ASPOSE_CLIENT_ID in the environment it starts the local Aspose
// stand-in that the library ships (aspose-cloud-auth/testing) and points
// itself at it. With ASPOSE_CLIENT_ID and ASPOSE_CLIENT_SECRET set it calls
// the real Aspose Cloud API, with the same code.
import 'reflect-metadata';
import { ConsoleLogger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TokenService } from 'aspose-cloud-auth';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { AppModule } from './app.module';
import { runDemo } from './demo';

async function main(): Promise<void> {
  const serve = process.argv.includes('--serve');
  let standIn: AsposeStandIn | undefined;
  if (!process.env.ASPOSE_CLIENT_ID) {
    standIn = await startAsposeStandIn();
    // The stand-in answers only for documents in its storage, as Aspose does: put the demo's there.
    standIn.storage.put(process.env.SAMPLE_DOCUMENT ?? 'report.docx', "a document in the stand-in's storage");
    // The app reads these through ConfigService, exactly as it would read real ones.
    process.env.ASPOSE_CLIENT_ID = standIn.clientId;
    process.env.ASPOSE_CLIENT_SECRET = standIn.clientSecret;
    process.env.ASPOSE_BASE_URL = standIn.url;
  }

  let app: INestApplication | undefined;
  const shutdown = async () => {
    await app?.close();
    await standIn?.close();
  };
  try {
    app = await NestFactory.create(AppModule, { abortOnError: false, logger: serve ? ['log', 'warn', 'error'] : new DemoLogger() });
    await app.listen(serve ? Number(process.env.PORT ?? 3000) : 0, '127.0.0.1');
  } catch (err) {
    await shutdown();
    throw err;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const tokens = app.get(TokenService);
  console.log(`NestJS sample listening on ${url}`);
  console.log(standIn ? `Aspose: the local stand-in at ${standIn.url} (no ASPOSE_CLIENT_ID set)` : `Aspose: ${tokens.baseUrl}, token from ${tokens.tokenUrl}`);

  if (serve) {
    console.log(
      `\nTry:\n  curl ${url}/documents/report.docx\n  curl ${url}/barcodes/QR?text=Hello\n  curl ${url}/status/token\n  curl ${url}/health\nCtrl+C to stop.`,
    );
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        console.log(`\n${signal}: closing (the Aspose client and its sockets close with the app)`);
        shutdown().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
    return;
  }

  try {
    await runDemo(url, tokens, standIn);
  } finally {
    await shutdown();
  }
}

/** In the demo run, Nest's start-up chatter is left out; the Aspose token lines, warnings and errors stay. */
class DemoLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && context.startsWith('AsposeAuth')) super.log(message, ...rest);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
