import { BadRequestException, Controller, Get, HttpException, Param, Query, StreamableFile } from '@nestjs/common';
import { mergeMap, type Observable } from 'rxjs';
import { AsposeHttpService } from 'aspose-cloud-auth/nestjs';

/**
 * BarCode generation through `AsposeHttpService`, the rxjs face of the same
 * client: the same token, and if the Observable is unsubscribed before Aspose
 * answers, the call is aborted upstream.
 */
@Controller('barcodes')
export class BarcodesController {
  constructor(private readonly http: AsposeHttpService) {}

  /** `GET /barcodes/QR?text=Hello` answers an SVG image, streamed from Aspose as it arrives. */
  @Get(':type')
  generate(@Param('type') type: string, @Query('text') text?: string): Observable<StreamableFile> {
    if (!text) throw new BadRequestException('add ?text=… to encode');
    const path = `/v4.0/barcode/generate/${encodeURIComponent(type)}`;
    // An image, not JSON: requestRaw() hands over undici's response, body unread.
    return this.http.requestRaw({ path, query: { data: text, imageFormat: 'Svg' } }).pipe(
      mergeMap(async (res) => {
        // requestRaw() does not throw on status: pass BarCode's own error on, status and all.
        if (res.statusCode !== 200) throw new HttpException(parseOrText(await res.body.text()), res.statusCode);
        return new StreamableFile(res.body, { type: String(res.headers['content-type'] ?? 'image/svg+xml') });
      }),
    );
  }
}

function parseOrText(body: string): object | string {
  try {
    return JSON.parse(body) as object;
  } catch {
    return body.slice(0, 500);
  }
}
