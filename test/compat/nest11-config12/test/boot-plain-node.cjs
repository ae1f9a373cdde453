// The app module of src/app.module.ts, in plain CommonJS, booted by Node
// itself rather than by Jest: Node 20.19+ can require() the ESM-only
// @nestjs/config 12. Prints what happened as one JSON line.
require('reflect-metadata');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { AsposeAuthModule } = require('aspose-cloud-auth/nestjs');
const { TokenService } = require('aspose-cloud-auth');

class AppModule {}
Module({ imports: [AsposeAuthModule.forRootAsync({ prefetchToken: true })] })(AppModule);

NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false }).then(
  async (app) => {
    const tokensIssued = app.get(TokenService).stats.tokensIssued;
    await app.close();
    console.log(JSON.stringify({ booted: true, tokensIssued }));
  },
  (err) => console.log(JSON.stringify({ booted: false, code: err.code, message: err.message })),
);
