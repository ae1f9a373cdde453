import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AsposeAuthModule, AsposeExceptionFilter } from 'aspose-cloud-auth/nestjs';
import { AsposeHealthIndicator } from 'aspose-cloud-auth/nestjs/terminus';
import { BarcodesController } from './barcodes.controller';
import { DocumentsController } from './documents.controller';
import { HealthController } from './health.controller';
import { StatusController } from './status.controller';

/**
 * The whole Aspose setup is the one import below: it reads ASPOSE_CLIENT_ID and
 * ASPOSE_CLIENT_SECRET (and the optional ASPOSE_* variables) through
 * ConfigService, fails the start naming every bad variable, and takes a token
 * at bootstrap so that wrong credentials stop the app before it listens.
 *
 * AsposeExceptionFilter turns the library's errors into answers (an Aspose 404
 * stays a 404, with Aspose's code; no token is a 502 or 503); Terminus serves
 * `/health`, with the Aspose check among the others.
 */
@Module({
  imports: [AsposeAuthModule.forRootAsync({ prefetchToken: true }), TerminusModule],
  controllers: [DocumentsController, BarcodesController, StatusController, HealthController],
  providers: [{ provide: APP_FILTER, useClass: AsposeExceptionFilter }, AsposeHealthIndicator],
})
export class AppModule {}
