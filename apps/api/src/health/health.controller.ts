import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { HealthCheck, HealthReport } from './health-check.service';

export { HealthReport };

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthCheck) {}

  @Get()
  @ApiOkResponse({ description: 'Postgres and Redis answer (checked at most once per second).', type: HealthReport })
  @ApiServiceUnavailableResponse({ description: 'Postgres or Redis does not answer.', type: HealthReport })
  async check(@Res() res: Response): Promise<void> {
    const report = await this.health.report();
    res.status(report.status === 'ok' ? 200 : 503).setHeader('cache-control', 'no-store');
    res.json(report);
  }
}
