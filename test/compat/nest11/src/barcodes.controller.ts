import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { mergeMap, type Observable } from 'rxjs';
import { AsposeHttpService } from 'aspose-cloud-auth/nestjs';

/** BarCode generate through the rxjs face of the same client. */
@Controller('barcodes')
export class BarcodesController {
  constructor(private readonly http: AsposeHttpService) {}

  @Get(':type')
  @Header('content-type', 'image/svg+xml')
  generate(@Param('type') type: string, @Query('data') data: string): Observable<string> {
    return this.http
      .requestRaw({ path: `/v4.0/barcode/generate/${encodeURIComponent(type)}`, query: { data, imageFormat: 'Svg' } })
      .pipe(mergeMap((res) => res.body.text()));
  }
}
