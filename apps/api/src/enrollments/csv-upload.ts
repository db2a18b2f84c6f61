import {
  createParamDecorator,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { ValidationProblemException } from '../common/problem';

/** About 100,000 roster lines; the parser stops far sooner on rows or lines, the byte limit bounds the rest. */
export const MAX_CSV_BYTES = 5 * 1024 * 1024;
export const CSV_MEDIA_TYPES = ['text/csv', 'application/csv', 'text/plain'];

export const csvTooLarge = () =>
  new PayloadTooLargeException({ detail: `The CSV file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB.` });

/** Minimal shape of multer's file; @types/multer is not a dependency. */
interface UploadedCsvFile {
  buffer: Buffer;
}

/**
 * The CSV of the request: the `file` part of a multipart upload (CsvFileInterceptor has stored it in memory,
 * after the guards), or a raw text/csv body as the request stream itself, not yet read: no middleware parses
 * it, so an unauthenticated upload is refused before a byte of it is read, and the roster parser reads only
 * as far as it needs. Anything else is 415.
 */
export const CsvUpload = createParamDecorator((_: unknown, ctx: ExecutionContext): Readable | Buffer => {
  const req = ctx.switchToHttp().getRequest<Request & { file?: UploadedCsvFile }>();
  if (req.is('multipart/form-data')) {
    if (!req.file)
      throw new ValidationProblemException([
        { field: 'file', message: 'attach the CSV file as the multipart field "file"' },
      ]);
    return req.file.buffer;
  }
  if (req.is(CSV_MEDIA_TYPES)) {
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity')
      throw new UnsupportedMediaTypeException({ detail: 'Send the CSV uncompressed (no Content-Encoding).' });
    const charset = /;\s*charset=("?)([^";]+)\1/i.exec(req.headers['content-type'] ?? '')?.[2].toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8')
      throw new UnsupportedMediaTypeException({ detail: 'The CSV must be UTF-8.' });
    if (Number(req.headers['content-length'] ?? 0) > MAX_CSV_BYTES) throw csvTooLarge();
    return req;
  }
  throw new UnsupportedMediaTypeException({
    detail: 'Send the roster as text/csv or as multipart/form-data with a "file" field.',
  });
});
