import { Injectable } from '@nestjs/common';
import { AsposeClient } from 'aspose-cloud-auth';

/** The README's Nest quick start: the client injected by its class. */
@Injectable()
export class ReportsService {
  constructor(private readonly aspose: AsposeClient) {}

  async format(name: string): Promise<string> {
    const info = await this.aspose.get<{ Document: { SourceFormat: string } }>(`/v4.0/words/${encodeURIComponent(name)}`);
    return info.Document.SourceFormat;
  }
}
