import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { STUDENT_PAGE_HTML } from './student-page.html';

/** Where a student's access link lands: a static page that calls the student API with the link's token. */
@ApiExcludeController()
@Public()
@Controller('student')
export class StudentPageController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  @Header('content-security-policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'")
  page(): string {
    return STUDENT_PAGE_HTML;
  }
}
