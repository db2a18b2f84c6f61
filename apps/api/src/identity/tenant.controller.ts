import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor, OwnerOnly, StepUp } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { AccountService } from './account.service';
import { TenantDto, UpdateTenantDto } from './dto/account.dto';

/** The caller's tenant and its sign-in settings. */
@ApiTags('tenant')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiProblemResponses()
@Controller('v1/tenant')
export class TenantController {
  constructor(private readonly account: AccountService) {}

  @Get()
  @ApiOkResponse({ type: TenantDto })
  get(@CurrentInstructor() me: InstructorActor) {
    return this.account.tenant(me);
  }

  @Patch()
  @OwnerOnly()
  @StepUp()
  @ApiOkResponse({
    type: TenantDto,
    description:
      'With `mfaRequired`, instructors without MFA may only enrol once signed in. `passwordSignIn: false` is refused (409) unless an enabled instructor identity provider admits the owner making the change.',
  })
  update(@CurrentInstructor() me: InstructorActor, @Body() body: UpdateTenantDto) {
    return this.account.updateSignIn(me, body);
  }
}
