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

  @Get('live')
  @ApiOkResponse({ description: 'The process serves HTTP (no store is checked): for a liveness probe.' })
  live(@Res() res: Response): void {
    res.status(200).setHeader('cache-control', 'no-store');
    res.json({ status: 'ok' });
  }

  @Get('ready')
  @ApiOkResponse({
    description:
      'Ready for traffic: Postgres and Redis answer and every migration is applied (terminus format; checked at most once per second).',
  })
  @ApiServiceUnavailableResponse({
    description: 'A store does not answer or a migration is pending; `error` names it.',
  })
  async ready(@Res() res: Response): Promise<void> {
    const result = await this.health.readiness();
    res.status(result.status === 'ok' ? 200 : 503).setHeader('cache-control', 'no-store');
    res.json(result);
  }
}
