import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { AuditService } from './audit.service';
import { AuditPageDto, ListAuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: AuditPageDto })
  list(@CurrentInstructor() me: InstructorActor, @Query() q: ListAuditQueryDto) {
    return this.audit.list(me.scope, q);
  }
}
