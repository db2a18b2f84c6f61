import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { IsOmittable } from '../../common/is-omittable';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../passwords';

const STATES = ['signed-in', 'mfa-required', 'mfa-enrolment-required'] as const;
const ROLES = ['OWNER', 'INSTRUCTOR', 'ASSISTANT'] as const;
export const lower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SessionInstructorDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty() mfaEnabled!: boolean;
}

export class SessionTenantDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() mfaRequired!: boolean;
}

/** The signed-in (or half signed-in) dashboard session. */
export class SessionDto {
  @ApiProperty({
    enum: STATES,
    description:
      '`mfa-required`: only `POST /v1/auth/mfa/verify` (and sign-out) until a code is given; `mfa-enrolment-required`: only MFA enrolment.',
  })
  state!: (typeof STATES)[number];

  @ApiProperty({
    description:
      'Send as the `x-csrf-token` header with every cookie-authenticated POST, PATCH and DELETE. Changes when the session is rotated.',
  })
  csrfToken!: string;

  @ApiProperty({ type: SessionInstructorDto }) instructor!: SessionInstructorDto;
  @ApiProperty({ type: SessionTenantDto }) tenant!: SessionTenantDto;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Until when sensitive changes need no new code; null when a step-up is needed.',
  })
  stepUpUntil!: string | null;
}

export class SignInDto {
  @ApiProperty({ example: 'ada@example.edu' })
  @Transform(lower)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiPropertyOptional({
    description: 'The tenant to sign in to, when the email and password open several (see the 409 answer).',
  })
  @IsOmittable()
  @IsUUID()
  tenantId?: string;
}

export class TenantChoiceDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
}

export class TenantChoiceProblemDto {
  @ApiProperty() type!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 409 }) status!: number;
  @ApiProperty() detail!: string;
  @ApiProperty({ type: [TenantChoiceDto] }) tenants!: TenantChoiceDto[];
}

export class MfaVerifyDto {
  @ApiPropertyOptional({ example: '123456', description: 'A code from the authenticator app; or give `recoveryCode`.' })
  @IsOmittable()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({ example: 'ABCD-EFGH-IJKL-MNOP', description: 'One of the recovery codes (each works once).' })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  recoveryCode?: string;
}

export class MfaCodeDto {
  @ApiProperty({ example: '123456' })
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code!: string;
}

export class InvitationTokenDto {
  @ApiProperty({ description: 'The part of the invitation link after `#`.' })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'token is not an invitation token' })
  token!: string;
}

export class AcceptInvitationDto extends InvitationTokenDto {
  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: `password must be at least ${PASSWORD_MIN_LENGTH} characters` })
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;
}

export class InvitationPreviewDto {
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty() tenantName!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: Date;
}

export class SignedOutDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description: "The school provider's end-session URL (RP-initiated logout); null when it has none.",
  })
  endSessionUrl!: string | null;
}
