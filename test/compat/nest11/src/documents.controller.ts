import { Controller, Get, Param } from '@nestjs/common';
import { AsposeClient } from 'aspose-cloud-auth';

/** Words document info through the injected promise-based client; its errors are AsposeExceptionFilter's. */
@Controller('documents')
export class DocumentsController {
  constructor(private readonly aspose: AsposeClient) {}

  @Get(':name')
  async info(@Param('name') name: string): Promise<{ fileName: string }> {
    const info = await this.aspose.get<{ Document: { FileName: string } }>(`/v4.0/words/${encodeURIComponent(name)}`);
    return { fileName: info.Document.FileName };
  }
}
