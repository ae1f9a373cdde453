import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AsposeAuthModule, AsposeExceptionFilter } from 'aspose-cloud-auth/nestjs';
import { AsposeHealthIndicator } from 'aspose-cloud-auth/nestjs/terminus';
import { HealthController } from './health.controller.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/**
 * Everything Aspose needs: ASPOSE_CLIENT_ID and ASPOSE_CLIENT_SECRET in the
 * environment, read through @nestjs/config 12; AsposeExceptionFilter answers
 * the library's errors, and Terminus's /health carries the Aspose check.
 */
@Module({
  imports: [AsposeAuthModule.forRootAsync({ prefetchToken: true }), TerminusModule],
  controllers: [ReportsController, HealthController],
  providers: [ReportsService, AsposeHealthIndicator, { provide: APP_FILTER, useClass: AsposeExceptionFilter }],
})
export class AppModule {}
