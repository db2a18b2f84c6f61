import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor } from '../auth/auth.decorators';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import {
  CreateTemplateDto,
  ListTemplatesQueryDto,
  PreviewTemplateDto,
  TemplateDto,
  TemplatePageDto,
  TemplatePreviewDto,
  UpdateTemplateDto,
} from './dto/template.dto';
import { TemplatePreviewService } from './template-preview.service';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1/templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly previews: TemplatePreviewService,
  ) {}

  @Get()
  @ApiOkResponse({ type: TemplatePageDto })
  list(@CurrentInstructor() me: InstructorActor, @Query() query: ListTemplatesQueryDto) {
    return this.templates.list(me.scope, query, query);
  }

  @Get(':templateId')
  @ApiOkResponse({ type: TemplateDto })
  get(@CurrentInstructor() me: InstructorActor, @UuidParam('templateId') id: string) {
    return this.templates.get(me.scope, id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a role template; every violation comes back in `errors`, each naming its field.' })
  @ApiCreatedResponse({ type: TemplateDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'A template with this name exists.' })
  create(@CurrentInstructor() me: InstructorActor, @Body() body: CreateTemplateDto) {
    return this.templates.create(me.scope, body);
  }

  @Patch(':templateId')
  @ApiOperation({ summary: 'Update a role template; the result is validated as a whole.' })
  @ApiOkResponse({ type: TemplateDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'A template with this name exists.' })
  update(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('templateId') id: string,
    @Body() body: UpdateTemplateDto,
  ) {
    return this.templates.update(me.scope, id, body);
  }

  @Delete(':templateId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Labs use the template.' })
  async remove(@CurrentInstructor() me: InstructorActor, @UuidParam('templateId') id: string): Promise<void> {
    await this.templates.remove(me.scope, id);
  }

  @Post(':templateId/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'The exact AssumeRole parameters for one student (no AWS call, no credentials).' })
  @ApiOkResponse({ type: TemplatePreviewDto })
  preview(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('templateId') id: string,
    @Body() body: PreviewTemplateDto,
  ) {
    return this.previews.preview(me.scope, id, body);
  }
}
