import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsOmittable } from '../../common/is-omittable';

export const AUDIENCES = ['instructors', 'students', 'both'] as const;
export type AudienceName = (typeof AUDIENCES)[number];

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const domains = ({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? (value as unknown[]).map((d) => (typeof d === 'string' ? d.trim().toLowerCase().replace(/^@/, '') : d))
    : value;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const URL_OPTIONS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };
const AUDIENCE_DESCRIPTION =
  'Who may sign in with it: instructors (the dashboard), students (the student page and CLI), or both.';

class IdentityProviderFields {
  @ApiProperty({ example: 'Example University', description: 'Shown on the sign-in button: "Sign in with …".' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName!: string;

  @ApiProperty({
    example: 'https://accounts.google.com',
    description:
      "The provider's issuer URL; LabKeys reads `<issuer>/.well-known/openid-configuration`. https (plain http only for a provider on this machine).",
  })
  @Transform(trim)
  @IsUrl(URL_OPTIONS, { message: 'issuer must be an http(s) URL' })
  @MaxLength(500)
  issuer!: string;

  @ApiProperty({ description: 'The client id the school registered for LabKeys.' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  clientId!: string;

  @ApiProperty({ format: 'password', writeOnly: true, description: 'Sealed at rest; never returned.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  clientSecret!: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['example.edu'],
    description: 'Only verified emails of these domains may sign in; empty = any verified email of the provider.',
  })
  @IsOmittable()
  @Transform(domains)
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(DOMAIN, { each: true, message: 'each allowed domain must be a domain name like example.edu' })
  allowedDomains?: string[];

  @ApiPropertyOptional({ default: 'email', description: 'The ID token claim that carries the email.' })
  @IsOmittable()
  @Matches(/^[A-Za-z0-9_:./-]{1,100}$/, { message: 'emailClaim must be a claim name' })
  emailClaim?: string;

  @ApiPropertyOptional({ enum: AUDIENCES, default: 'both', description: AUDIENCE_DESCRIPTION })
  @IsOmittable()
  @IsIn(AUDIENCES)
  audience?: AudienceName;

  @ApiPropertyOptional({ default: true })
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateIdentityProviderDto extends IdentityProviderFields {}

export class UpdateIdentityProviderDto {
  @ApiPropertyOptional({ example: 'Example University' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ example: 'https://accounts.google.com' })
  @IsOmittable()
  @Transform(trim)
  @IsUrl(URL_OPTIONS, { message: 'issuer must be an http(s) URL' })
  @MaxLength(500)
  issuer?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  clientId?: string;

  @ApiPropertyOptional({ format: 'password', writeOnly: true, description: 'A new client secret; left out = kept.' })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  clientSecret?: string;

  @ApiPropertyOptional({ type: [String], example: ['example.edu'] })
  @IsOmittable()
  @Transform(domains)
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(DOMAIN, { each: true, message: 'each allowed domain must be a domain name like example.edu' })
  allowedDomains?: string[];

  @ApiPropertyOptional()
  @IsOmittable()
  @Matches(/^[A-Za-z0-9_:./-]{1,100}$/, { message: 'emailClaim must be a claim name' })
  emailClaim?: string;

  @ApiPropertyOptional({ enum: AUDIENCES, description: AUDIENCE_DESCRIPTION })
  @IsOmittable()
  @IsIn(AUDIENCES)
  audience?: AudienceName;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}

export class IdentityProviderTestDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'The ID token claims the provider returned (never the tokens).',
  })
  claims!: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why the test sign-in failed.' })
  error!: string | null;
}

export class IdentityProviderDto {
  @ApiProperty() id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() issuer!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty({ enum: [true], description: 'The secret is stored (sealed); it is never returned.' })
  clientSecretSet!: true;
  @ApiProperty({ type: [String] }) allowedDomains!: string[];
  @ApiProperty() emailClaim!: string;
  @ApiProperty({ enum: AUDIENCES }) audience!: AudienceName;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'The redirect URI to register at the provider for LabKeys.' }) redirectUri!: string;
  @ApiProperty({ nullable: true, type: IdentityProviderTestDto, description: 'The last test sign-in, if any.' })
  lastTest!: IdentityProviderTestDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class IdentityProviderListDto {
  @ApiProperty({ type: [IdentityProviderDto] }) items!: IdentityProviderDto[];
  @ApiProperty({ description: 'The sign-in page students of this tenant use (share it, or link it from the LMS).' })
  studentSignInUrl!: string;
  @ApiProperty({ description: "The dashboard's sign-in page for this tenant (with its sign-in buttons)." })
  instructorSignInUrl!: string;
}

export class TestSignInDto {
  @ApiProperty({ description: "Open this URL in the same browser: the provider's sign-in page." })
  authorizationUrl!: string;
}

export class SsoStartQueryDto {
  @ApiProperty({ enum: ['instructor', 'student', 'student-cli'] })
  @IsIn(['instructor', 'student', 'student-cli'])
  purpose!: 'instructor' | 'student' | 'student-cli';

  @ApiPropertyOptional({ description: 'student-cli: the port of the CLI’s loopback listener on 127.0.0.1.' })
  @IsOmittable()
  @Matches(/^\d{1,5}$/, { message: 'port must be a port number' })
  port?: string;

  @ApiPropertyOptional({ description: 'student-cli: base64url SHA-256 of the CLI’s one-time verifier.' })
  @IsOmittable()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'challenge must be a base64url SHA-256' })
  challenge?: string;
}

export class SsoCallbackQueryDto {
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(2000) code?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(500) state?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(500) iss?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(200) error?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(1000) error_description?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(2000) error_uri?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(2000) session_state?: string;
}

export class PublicIdentityProviderDto {
  @ApiProperty() id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ description: 'Start the sign-in here (a link for the browser).' }) signInUrl!: string;
}

export class TenantSignInOptionsDto {
  @ApiProperty() tenantId!: string;
  @ApiProperty() tenantName!: string;
  @ApiProperty({ description: 'Instructors may sign in with a password.' }) passwordSignIn!: boolean;
  @ApiProperty({ type: [PublicIdentityProviderDto] }) providers!: PublicIdentityProviderDto[];
}

export class CliExchangeDto {
  @ApiProperty({ description: 'The one-time code LabKeys sent to the loopback listener.' })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'code is not a LabKeys one-time code' })
  code!: string;

  @ApiProperty({ description: 'The verifier whose SHA-256 the CLI sent when it started.' })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'verifier must be 43 base64url characters' })
  verifier!: string;
}

export class CliCredentialDto {
  @ApiProperty({ description: 'A bearer token (lkc_…) for the student API; keep it like a password.' })
  token!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}
