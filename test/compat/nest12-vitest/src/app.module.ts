import { Module } from '@nestjs/common';
import { AsposeAuthModule } from 'aspose-cloud-auth/nestjs';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/** Everything Aspose needs: ASPOSE_CLIENT_ID and ASPOSE_CLIENT_SECRET in the environment, read through @nestjs/config 12. */
@Module({
  imports: [AsposeAuthModule.forRootAsync({ prefetchToken: true })],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class AppModule {}
