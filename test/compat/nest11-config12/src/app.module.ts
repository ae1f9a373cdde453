import { Module } from '@nestjs/common';
import { AsposeAuthModule } from 'aspose-cloud-auth/nestjs';

/** The README's setup: ASPOSE_CLIENT_ID and ASPOSE_CLIENT_SECRET read through @nestjs/config's ConfigService. */
@Module({
  imports: [AsposeAuthModule.forRootAsync({ prefetchToken: true })],
})
export class AppModule {}
