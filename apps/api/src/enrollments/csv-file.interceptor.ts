import {
  BadRequestException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { ValidationProblemException } from '../common/problem';
import { MAX_CSV_BYTES } from './csv-upload';

const MulterCsvFile = FileInterceptor('file', { limits: { fileSize: MAX_CSV_BYTES, files: 1 } });

/**
 * Stores a multipart upload's `file` part in memory (other requests pass through untouched). Interceptors run
 * after the guards, so an unauthenticated upload is refused before multer reads any of it. Multer's
 * own 400s (unexpected field, several files) become problems naming `file` like every other bad input.
 */
@Injectable()
export class CsvFileInterceptor implements NestInterceptor {
  private readonly multer = new MulterCsvFile();

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await this.multer.intercept(context, next);
    } catch (error) {
      if (error instanceof BadRequestException && !(error instanceof ValidationProblemException)) {
        throw new ValidationProblemException([
          { field: 'file', message: `${error.message}; send one CSV file in the multipart field "file"` },
        ]);
      }
      throw error;
    }
  }
}
