import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { CREDENTIAL_FORMATS } from '../credential-formats';
import { IsOmittable } from '../../common/is-omittable';

export class CurrentSessionQueryDto {
  @ApiPropertyOptional({ enum: CREDENTIAL_FORMATS, default: 'json', description: 'json, env (bash/zsh exports), fish, powershell, cmd (Windows), ini (~/.aws/credentials profile) or process (credential_process v1).' })
  @IsOmittable()
  @IsIn(CREDENTIAL_FORMATS)
  format?: (typeof CREDENTIAL_FORMATS)[number];

  @ApiPropertyOptional({ default: 'labkeys', description: 'Profile name for the ini format.' })
  @IsOmittable()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'profile must be 1-64 letters, digits, _ . or -' })
  profile?: string;
}

export class ConsoleQueryDto {
  @ApiPropertyOptional({ enum: ['redirect', 'json'], default: 'redirect', description: 'json answers {url} instead of a 302 (for pages that add the token themselves).' })
  @IsOmittable()
  @IsIn(['redirect', 'json'])
  mode?: 'redirect' | 'json';
}

export class StudentCredentialsDto {
  @ApiProperty() sessionId!: string;
  @ApiProperty() labId!: string;
  @ApiProperty() labName!: string;
  @ApiProperty({ enum: ['ACTIVE'] }) state!: string;
  @ApiProperty() accessKeyId!: string;
  @ApiProperty() secretAccessKey!: string;
  @ApiProperty() sessionToken!: string;
  @ApiProperty({ format: 'date-time' }) expiration!: string;
  @ApiProperty() region!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) assumedRoleArn!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Set when the lab runs against a non-default AWS endpoint.' }) endpointUrl!: string | null;
  @ApiProperty() consoleUrl!: string;
}
