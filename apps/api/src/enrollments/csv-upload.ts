import { createParamDecorator, UnsupportedMediaTypeException, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { text } from 'express';
import { ValidationProblemException } from '../common/problem';

/** About 100,000 roster lines; the row limit refuses far fewer, but the body must be read to say so. */
export const MAX_CSV_BYTES = 5 * 1024 * 1024;
export const CSV_MEDIA_TYPES = ['text/csv', 'application/csv', 'text/plain'];

/** Reads a raw CSV body as text; the api-wide parsers handle only JSON (1 MB) and forms. */
export const csvBodyParser = text({ type: CSV_MEDIA_TYPES, limit: MAX_CSV_BYTES, defaultCharset: 'utf-8' });

/** Minimal shape of multer's file; @types/multer is not a dependency. */
interface UploadedCsvFile {
  buffer: Buffer;
}

/**
 * The CSV text of the request, from a raw text/csv body or from the `file` part of a multipart upload
 * (FileInterceptor has stored it in memory by then). Anything else is 415.
 */
export const CsvUpload = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<Request & { file?: UploadedCsvFile }>();
  if (req.is('multipart/form-data')) {
    if (!req.file) throw new ValidationProblemException([{ field: 'file', message: 'attach the CSV file as the multipart field "file"' }]);
    return req.file.buffer.toString('utf8');
  }
  if (req.is(CSV_MEDIA_TYPES)) return typeof req.body === 'string' ? req.body : '';
  throw new UnsupportedMediaTypeException({ detail: 'Send the roster as text/csv or as multipart/form-data with a "file" field.' });
});
