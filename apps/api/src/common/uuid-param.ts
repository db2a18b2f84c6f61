import { Param, type PipeTransform, type ArgumentMetadata } from '@nestjs/common';
import { ValidationProblemException } from './problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class UuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
    throw new ValidationProblemException([
      { field: metadata.data ?? 'id', message: `${metadata.data ?? 'id'} must be a UUID` },
    ]);
  }
}

/** A path parameter that must be a UUID (400 naming it otherwise). */
export const UuidParam = (name: string) => Param(name, new UuidPipe());
