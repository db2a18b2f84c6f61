import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';
import { IsOmittable } from '../../common/is-omittable';

export const REVOKE_REASON_MAX = 300;

/**
 * Control characters (line breaks and tabs included), line and paragraph separators, and the bidirectional
 * overrides that could make the text read differently from what it says: the reason is one line of plain text,
 * shown on the student's page and printed by their CLI as it is.
 */
const PLAIN_TEXT = /^[^\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]*$/u;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The body of a revocation: nothing, or the instructor's reason for the students. */
export class RevokeRequestDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: REVOKE_REASON_MAX,
    description:
      'Why access ends, in your words; shown to the students (as text) and kept with the sessions and in the audit log. Trimmed; one line, no control characters.',
    example: 'The lab is over; thanks for joining.',
  })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @Length(1, REVOKE_REASON_MAX, { message: `reason must be 1 to ${REVOKE_REASON_MAX} characters (after trimming)` })
  @Matches(PLAIN_TEXT, { message: 'reason must be one line of text without control characters' })
  reason?: string;
}
