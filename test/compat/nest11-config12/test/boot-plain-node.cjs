// The app module of src/app.module.ts, in plain CommonJS, booted by Node
// itself rather than by Jest: Node 20.19+ can require() the ESM-only
// @nestjs/config 12, and the ESM-only @nestjs/terminus 12 that a plain
// `npm install @nestjs/terminus` also brings to a Nest 11 app. The app
// listens, with AsposeExceptionFilter and a Terminus /health carrying the
// Aspose check, and is called once on each. Prints what happened as one JSON line.
require('reflect-metadata');
const { get } = require('node:http');
const { Controller, Get, Module, Param } = require('@nestjs/common');
const { APP_FILTER, NestFactory } = require('@nestjs/core');
const { HealthCheckService, TerminusModule } = require('@nestjs/terminus');
const { AsposeAuthModule, AsposeExceptionFilter } = require('aspose-cloud-auth/nestjs');
const { AsposeHealthIndicator } = require('aspose-cloud-auth/nestjs/terminus');
const { AsposeClient, TokenService } = require('aspose-cloud-auth');

class HealthController {
  constructor(health, aspose) {
    this.health = health;
    this.aspose = aspose;
  }
  check() {
    return this.health.check([() => this.aspose.isHealthy()]);
  }
}
Controller('health')(HealthController);
Get()(HealthController.prototype, 'check', Object.getOwnPropertyDescriptor(HealthController.prototype, 'check'));
Reflect.defineMetadata('design:paramtypes', [HealthCheckService, AsposeHealthIndicator], HealthController);

class DocumentsController {
  constructor(aspose) {
    this.aspose = aspose;
  }
  info(name) {
    return this.aspose.get(`/v4.0/words/${encodeURIComponent(name)}`);
  }
}
Controller('documents')(DocumentsController);
Get(':name')(DocumentsController.prototype, 'info', Object.getOwnPropertyDescriptor(DocumentsController.prototype, 'info'));
Param('name')(DocumentsController.prototype, 'info', 0);
Reflect.defineMetadata('design:paramtypes', [AsposeClient], DocumentsController);

class AppModule {}
Module({
  imports: [AsposeAuthModule.forRootAsync({ prefetchToken: true }), TerminusModule],
  controllers: [HealthController, DocumentsController],
  providers: [AsposeHealthIndicator, { provide: APP_FILTER, useClass: AsposeExceptionFilter }],
})(AppModule);

/** GET over a fresh connection: the status and the parsed JSON body. */
function call(url) {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

async function main() {
  const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
  try {
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const health = await call(`${url}/health`);
    const missing = await call(`${url}/documents/missing.docx`);
    const terminus = require('@nestjs/terminus/package.json').version;
    const tokensIssued = app.get(TokenService).stats.tokensIssued;
    console.log(
      JSON.stringify({
        booted: true,
        tokensIssued,
        terminus,
        health: [health.status, health.body.info?.aspose?.status],
        missing: [missing.status, missing.body.asposeCode],
      }),
    );
  } finally {
    await app.close();
  }
}
main().catch((err) => console.log(JSON.stringify({ booted: false, code: err.code, message: err.message })));
