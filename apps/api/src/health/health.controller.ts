import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PrismaService } from '@labkeys/database';
import { Public } from '../auth/auth.decorators';
import { RedisProbe } from './redis-probe.service';

type CheckState = 'up' | 'down';

export class HealthReport {
  status!: 'ok' | 'unavailable';
  checks!: { database: CheckState; redis: CheckState };
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisProbe,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'Postgres and Redis answer.', type: HealthReport })
  @ApiServiceUnavailableResponse({ description: 'Postgres or Redis does not answer.', type: HealthReport })
  async check(@Res() res: Response): Promise<void> {
    const [database, redis] = await Promise.all([state(this.prisma.ping()), state(this.redis.ping())]);
    const ok = database === 'up' && redis === 'up';
    const report: HealthReport = { status: ok ? 'ok' : 'unavailable', checks: { database, redis } };
    res.status(ok ? 200 : 503).setHeader('cache-control', 'no-store');
    res.json(report);
  }
}

function state(check: Promise<void>): Promise<CheckState> {
  return check.then(
    () => 'up',
    () => 'down',
  );
}
