import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageOf } from '../../common/dto/page.dto';
import { IsOmittable } from '../../common/is-omittable';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../passwords';
import { lower, trim } from './session.dto';

const ROLES = ['OWNER', 'INSTRUCTOR', 'ASSISTANT'] as const;

export class MfaEnrolmentDto {
  @ApiProperty({ description: 'Base32 secret, shown once (for apps that cannot scan the URL).' }) secret!: string;
  @ApiProperty({ description: 'otpauth://totp/… URL, for a QR code.' }) otpauthUrl!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'Ten single-use codes, shown once.' }) recoveryCodes!: string[];
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword!: string;

  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: `newPassword must be at least ${PASSWORD_MIN_LENGTH} characters` })
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword!: string;
}

export class CreateAccountTokenDto {
  @ApiProperty({ example: 'laptop' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3650,
    description: 'The token stops working this many days from now; never when left out.',
  })
  @IsOmittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}

export class CreateInvitationDto {
  @ApiProperty({ example: 'grace@example.edu' })
  @Transform(lower)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: (typeof ROLES)[number];
}

export class InvitationDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ enum: ['pending', 'accepted', 'revoked', 'expired'] }) state!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) acceptedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) revokedAt!: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export class InvitationPageDto extends PageOf(InvitationDto, 'InvitationPage') {}

export class IssuedInvitationDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: Date;
  @ApiProperty({ description: '`PUBLIC_URL/invite#<token>`, single-use, shown once.' }) invitationUrl!: string;
}

export class TenantDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Instructors signing in with a password must use MFA.' }) mfaRequired!: boolean;
  @ApiProperty({ description: 'Instructors may sign in with a password (else only through an identity provider).' })
  passwordSignIn!: boolean;
  @ApiProperty({
    description: "An SSO sign-in whose ID token's `amr` contains `mfa` needs no LabKeys TOTP code.",
  })
  trustProviderMfa!: boolean;
}

export class UpdateTenantDto {
  @ApiPropertyOptional()
  @IsOmittable()
  @IsBoolean()
  mfaRequired?: boolean;

  @ApiPropertyOptional({
    description:
      'Off: instructors sign in only through an identity provider; refused unless an enabled instructor provider admits you.',
  })
  @IsOmittable()
  @IsBoolean()
  passwordSignIn?: boolean;

  @ApiPropertyOptional({ description: "Skip LabKeys' TOTP step when the identity provider asserts MFA (`amr`)." })
  @IsOmittable()
  @IsBoolean()
  trustProviderMfa?: boolean;
}
