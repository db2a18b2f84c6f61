import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class SetupRoleDto {
  @ApiProperty({ example: 'arn:aws:iam::123456789012:role/LabKeysLab' }) roleArn!: string;
  @ApiProperty() roleName!: string;
  @ApiProperty({ example: '/' }) path!: string;
  @ApiProperty({ description: 'IAM trust policy (JSON document).', type: 'object', additionalProperties: true }) trustPolicy!: Record<string, unknown>;
}

export class SetupLabRoleDto extends SetupRoleDto {
  @ApiProperty({ example: 43200, description: 'Recommended MaxSessionDuration; long labs renew sessions below it.' }) maxSessionDuration!: number;
  @ApiProperty({ example: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] }) trustedActions!: string[];
  @ApiProperty({ description: 'What the role itself may do is the lab\'s business: attach its permissions yourself.' }) note!: string;
}

export class SetupManagementRoleDto extends SetupRoleDto {
  @ApiProperty({ example: 'LabKeysRevocation' }) policyName!: string;
  @ApiProperty({ description: 'Inline policy of the management role (JSON document).', type: 'object', additionalProperties: true }) policy!: Record<string, unknown>;
}

export class CloudFormationDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The template as JSON.' }) json!: Record<string, unknown>;
  @ApiProperty({ description: 'The same template as YAML.' }) yaml!: string;
}

export class ConnectionSetupDto {
  @ApiProperty({ description: 'LabKeys\' AWS principal the trust policies allow.' }) labkeysPrincipalArn!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty({ type: SetupLabRoleDto }) labRole!: SetupLabRoleDto;
  @ApiProperty({ type: SetupManagementRoleDto }) managementRole!: SetupManagementRoleDto;
  @ApiProperty({ description: 'Terraform (HCL) for both roles.' }) terraform!: string;
  @ApiProperty({ type: CloudFormationDto }) cloudFormation!: CloudFormationDto;
}

export class AwsCheckDto {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional({ description: 'AWS\'s error code, exactly as AWS sent it.', example: 'AccessDenied' }) code?: string;
  @ApiPropertyOptional({ description: 'AWS\'s error message, exactly as AWS sent it.' }) message?: string;
}

export class VerifyResultDto {
  @ApiProperty({ type: AwsCheckDto, description: 'AssumeRole on the lab role (900 s, external id, a session tag and source identity).' }) trust!: AwsCheckDto;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'The lab role\'s MaxSessionDuration (IAM GetRole); null when not permitted.' }) maxSessionDuration!: number | null;
  @ApiPropertyOptional({ description: 'Why maxSessionDuration is null.' }) maxSessionDurationNote?: string;
  @ApiPropertyOptional({ type: AwsCheckDto, nullable: true, description: 'The management role, when one is set (checked with GetRole on the lab role).' }) managementRole!: AwsCheckDto | null;
  @ApiPropertyOptional({ nullable: true, type: Boolean, description: 'LabKeys\' own identity is an assumed role: sessions capped at 3600 s, no console SessionDuration. Null when STS could not be asked.' }) roleChaining!: boolean | null;
  @ApiProperty({ description: 'LabKeys\' identity as STS reports it, when known.', nullable: true, type: String }) labkeysIdentityArn!: string | null;
  @ApiProperty({ format: 'date-time' }) checkedAt!: Date;
}
