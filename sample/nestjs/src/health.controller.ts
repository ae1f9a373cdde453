import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { AsposeHealthIndicator } from 'aspose-cloud-auth/nestjs/terminus';

/**
 * `GET /health`: up while the app holds an Aspose access token or can get
 * one; down, with the reason (refused, locked out until when…), when it
 * cannot. It never calls a product API, so probing it spends no credits.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly aspose: AsposeHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.aspose.isHealthy('aspose')]);
  }
}
