import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

export class FieldProblemDto {
  @ApiProperty({ example: 'sessionTags[3].key' }) field!: string;
  @ApiProperty() message!: string;
}

/** RFC 9457 problem details (application/problem+json). */
export class ProblemDto {
  @ApiProperty({ example: 'urn:labkeys:problem:validation' }) type!: string;
  @ApiProperty({ example: 'Invalid request' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional() requestId?: string;
  @ApiPropertyOptional({ type: [FieldProblemDto] }) errors?: FieldProblemDto[];
}

const problem = { type: ProblemDto };

/** The error answers every authenticated route can give. */
export function ApiProblemResponses() {
  return applyDecorators(
    ApiBadRequestResponse({ ...problem, description: 'Invalid input; `errors` names each field.' }),
    ApiUnauthorizedResponse({ ...problem, description: 'Missing, invalid, expired or revoked token.' }),
    ApiForbiddenResponse({ ...problem, description: "The token's role may not do this." }),
    ApiNotFoundResponse({ ...problem, description: 'No such resource in this tenant.' }),
    ApiTooManyRequestsResponse({ ...problem, description: 'Rate limit or too many failed authentications.' }),
  );
}
