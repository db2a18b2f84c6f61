import { Module } from '@nestjs/common';
import { TemplatePreviewService } from './template-preview.service';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

@Module({ controllers: [TemplatesController], providers: [TemplatesService, TemplatePreviewService] })
export class TemplatesModule {}
