import { Module } from '@nestjs/common';
import { AsposeAuthModule } from 'aspose-cloud-auth/nestjs';
import { BarcodesController } from './barcodes.controller.js';
import { DocumentsController } from './documents.controller.js';

/** Everything Aspose needs: ASPOSE_CLIENT_ID and ASPOSE_CLIENT_SECRET in the environment. */
@Module({
  imports: [AsposeAuthModule.forRootAsync({ prefetchToken: true })],
  controllers: [DocumentsController, BarcodesController],
})
export class AppModule {}
