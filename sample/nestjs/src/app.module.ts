import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AsposeAuthModule } from 'aspose-cloud-auth/nestjs';
import { AsposeErrorFilter } from './aspose-error.filter';
import { BarcodesController } from './barcodes.controller';
import { DocumentsController } from './documents.controller';
import { StatusController } from './status.controller';

/**
 * The whole Aspose setup is the one import below: it reads ASPOSE_CLIENT_ID and
 * ASPOSE_CLIENT_SECRET (and the optional ASPOSE_* variables) through
 * ConfigService, fails the start naming every bad variable, and takes a token
 * at bootstrap so that wrong credentials stop the app before it listens.
 */
@Module({
  imports: [AsposeAuthModule.forRootAsync({ prefetchToken: true })],
  controllers: [DocumentsController, BarcodesController, StatusController],
  providers: [{ provide: APP_FILTER, useClass: AsposeErrorFilter }],
})
export class AppModule {}
