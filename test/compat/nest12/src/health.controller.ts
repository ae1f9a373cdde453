import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { AsposeHealthIndicator } from 'aspose-cloud-auth/nestjs/terminus';

/** Terminus's /health with the Aspose check: the token, never a product API call. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly aspose: AsposeHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.aspose.isHealthy()]);
  }
}
