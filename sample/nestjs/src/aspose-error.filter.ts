import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AsposeApiError, AsposeError } from 'aspose-cloud-auth';
import type { Response } from 'express';

/**
 * Turns the library's errors into answers: an Aspose API error keeps its status
 * and Aspose's own code; anything else from the library (token endpoint down,
 * timeout) is a 502, since the fault is upstream. Messages never hold a secret.
 */
@Catch(AsposeError)
export class AsposeErrorFilter implements ExceptionFilter {
  catch(err: AsposeError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof AsposeApiError) {
      res.status(err.status).json({ statusCode: err.status, asposeCode: err.apiCode, message: err.apiMessage ?? err.message, asposeRequestId: err.requestId });
      return;
    }
    res.status(HttpStatus.BAD_GATEWAY).json({ statusCode: HttpStatus.BAD_GATEWAY, code: err.code, message: err.message });
  }
}
