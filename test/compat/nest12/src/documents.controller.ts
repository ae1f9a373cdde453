import { Controller, Get, HttpException, Param } from '@nestjs/common';
import { AsposeApiError, AsposeClient } from 'aspose-cloud-auth';

/** Words document info through the injected promise-based client. */
@Controller('documents')
export class DocumentsController {
  constructor(private readonly aspose: AsposeClient) {}

  @Get(':name')
  async info(@Param('name') name: string): Promise<{ fileName: string }> {
    try {
      const info = await this.aspose.get<{ Document: { FileName: string } }>(`/v4.0/words/${encodeURIComponent(name)}`);
      return { fileName: info.Document.FileName };
    } catch (err) {
      if (err instanceof AsposeApiError) throw new HttpException({ asposeCode: err.apiCode }, err.status);
      throw err;
    }
  }
}
