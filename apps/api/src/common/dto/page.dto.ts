import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

/**
 * The shape of every list answer, `{ items, nextCursor }`, as a named class per item type so the OpenAPI
 * document shows `CoursePage`, `LabPage`, … with the right item schema.
 */
export function PageOf<T>(item: Type<T>, name: string): Type<{ items: T[]; nextCursor: string | null }> {
  class Page {
    @ApiProperty({ type: [item] }) items!: T[];
    @ApiProperty({
      nullable: true,
      type: String,
      description: 'Pass as `cursor` for the next page; null on the last page.',
    })
    nextCursor!: string | null;
  }
  Object.defineProperty(Page, 'name', { value: name });
  return Page;
}
