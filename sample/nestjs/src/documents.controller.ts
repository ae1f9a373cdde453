import { Controller, Get, Param, Query } from '@nestjs/common';
import { AsposeClient } from 'aspose-cloud-auth';

/** What Aspose.Words Cloud says about a document (`GET /v4.0/words/{name}`). */
interface WordsDocumentInfo {
  Document: { FileName: string; SourceFormat: string; IsEncrypted: boolean; IsSigned: boolean };
  RequestId?: string;
}

/** Words document info through the injected, promise-based `AsposeClient`. */
@Controller('documents')
export class DocumentsController {
  constructor(private readonly aspose: AsposeClient) {}

  /** `GET /documents/report.docx?folder=reports&storage=MyStorage` */
  @Get(':name')
  async info(@Param('name') name: string, @Query('folder') folder?: string, @Query('storage') storage?: string) {
    const info = await this.aspose.get<WordsDocumentInfo>(`/v4.0/words/${encodeURIComponent(name)}`, { query: { folder, storage } });
    const { FileName, SourceFormat, IsEncrypted, IsSigned } = info.Document;
    return { name: FileName, format: SourceFormat, encrypted: IsEncrypted, signed: IsSigned, asposeRequestId: info.RequestId };
  }
}
