import { Controller, Get } from '@nestjs/common';
import { TokenService } from 'aspose-cloud-auth';

/** How many tokens the app has needed so far: one serves every call until it nears expiry. */
@Controller('status')
export class StatusController {
  constructor(private readonly tokens: TokenService) {}

  @Get('token')
  token() {
    return { ...this.tokens.stats, tokenUrl: this.tokens.tokenUrl };
  }
}
