import { Body, Controller, Delete, Get, HttpCode, HttpException, Patch, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@labkeys/config';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor, OwnerOnly, StepUp } from '../auth/auth.decorators';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import {
  CreateIdentityProviderDto,
  IdentityProviderDto,
  IdentityProviderListDto,
  TestSignInDto,
  UpdateIdentityProviderDto,
} from './dto/identity-provider.dto';
import { IdentityProvidersService } from './identity-providers.service';
import { setSsoBrowserCookie, ssoBrowserCookieOf } from './sso-browser-cookie';
import { SsoFailure, SsoFlowService } from './sso-flow.service';
import { SsoRefusal } from './sso-refusal';

/** The tenant's school identity providers (owners only); creating and changing one needs a fresh code (step-up). */
@ApiTags('identity-providers')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiProblemResponses()
@OwnerOnly()
@Controller('v1/identity-providers')
export class IdentityProvidersController {
  constructor(
    private readonly providers: IdentityProvidersService,
    private readonly flow: SsoFlowService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOkResponse({ type: IdentityProviderListDto })
  list(@CurrentInstructor() me: InstructorActor): Promise<IdentityProviderListDto> {
    return this.providers.list(me.scope);
  }

  @Get(':providerId')
  @ApiOkResponse({ type: IdentityProviderDto })
  get(@CurrentInstructor() me: InstructorActor, @UuidParam('providerId') id: string): Promise<IdentityProviderDto> {
    return this.providers.get(me.scope, id);
  }

  @Post()
  @StepUp()
  @ApiOperation({
    summary: 'Add a school identity provider; its discovery document is read first. The client secret is sealed.',
  })
  @ApiCreatedResponse({ type: IdentityProviderDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'A provider with this name exists.' })
  create(
    @CurrentInstructor() me: InstructorActor,
    @Body() body: CreateIdentityProviderDto,
  ): Promise<IdentityProviderDto> {
    return this.providers.create(me.scope, body);
  }

  @Patch(':providerId')
  @StepUp()
  @ApiOkResponse({ type: IdentityProviderDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'The name is taken, or the change would lock the owner out (password sign-in is off).',
  })
  update(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('providerId') id: string,
    @Body() body: UpdateIdentityProviderDto,
  ): Promise<IdentityProviderDto> {
    return this.providers.update(me, id, body);
  }

  @Delete(':providerId')
  @StepUp()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiConflictResponse({ type: ProblemDto, description: 'It would lock the owner out (password sign-in is off).' })
  async remove(@CurrentInstructor() me: InstructorActor, @UuidParam('providerId') id: string): Promise<void> {
    await this.providers.remove(me, id);
  }

  @Post(':providerId/test-sign-in')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Starts a test sign-in in this browser: open `authorizationUrl`; what the provider returned (claims, no tokens) is then kept as `lastTest`.',
  })
  @ApiOkResponse({ type: TestSignInDto })
  async testSignIn(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('providerId') id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TestSignInDto> {
    try {
      const started = await this.flow.beginTest(me.scope, id, ssoBrowserCookieOf(req));
      setSsoBrowserCookie(res, started.browserSecret, this.config.secureCookies);
      return { authorizationUrl: started.authorizationUrl };
    } catch (error) {
      const refusal = error instanceof SsoFailure ? error.refusal : error instanceof SsoRefusal ? error : null;
      if (!refusal) throw error;
      throw new HttpException({ detail: refusal.detail, code: refusal.code }, refusal.status);
    }
  }
}
