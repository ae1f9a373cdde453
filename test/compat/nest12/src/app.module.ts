import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AsposeAuthModule, AsposeExceptionFilter } from 'aspose-cloud-auth/nestjs';
import { AsposeHealthIndicator } from 'aspose-cloud-auth/nestjs/terminus';
import { BarcodesController } from './barcodes.controller.js';
import { DocumentsController } from './documents.controller.js';
import { HealthController } from './health.controller.js';

/**
 * Everything Aspose needs: ASPOSE_CLIENT_ID and ASPOSE_CLIENT_SECRET in the
 * environment; AsposeExceptionFilter answers the library's errors, and
 * Terminus's /health carries the Aspose check.
 */
@Module({
  imports: [AsposeAuthModule.forRootAsync({ prefetchToken: true }), TerminusModule],
  controllers: [DocumentsController, BarcodesController, HealthController],
  providers: [{ provide: APP_FILTER, useClass: AsposeExceptionFilter }, AsposeHealthIndicator],
})
export class AppModule {}
