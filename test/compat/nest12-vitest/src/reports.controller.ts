import { Controller, Get, Param } from '@nestjs/common';
import { ReportsService } from './reports.service.js';

@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get(':name/format')
  async format(@Param('name') name: string): Promise<{ format: string }> {
    return { format: await this.reports.format(name) };
  }
}
