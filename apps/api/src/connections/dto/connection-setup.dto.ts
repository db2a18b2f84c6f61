import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class SetupRoleDto {
  @ApiProperty({ example: 'arn:aws:iam::123456789012:role/LabKeysLab' }) roleArn!: string;
  @ApiProperty() roleName!: string;
  @ApiProperty({ example: '/' }) path!: string;
  @ApiProperty({ description: 'IAM trust policy (JSON document).', type: 'object', additionalProperties: true })
  trustPolicy!: Record<string, unknown>;
}

export class SetupLabRoleDto extends SetupRoleDto {
  @ApiProperty({ example: 43200, description: 'Recommended MaxSessionDuration; long labs renew sessions below it.' })
  maxSessionDuration!: number;
  @ApiProperty({ example: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] }) trustedActions!: string[];
  @ApiProperty({ description: "What the role itself may do is the lab's business: attach its permissions yourself." })
  note!: string;
}

export class SetupManagementRoleDto extends SetupRoleDto {
  @ApiProperty({ example: 'LabKeysRevocation' }) policyName!: string;
  @ApiProperty({
    description: 'Inline policy of the management role (JSON document).',
    type: 'object',
    additionalProperties: true,
  })
  policy!: Record<string, unknown>;
}

export class CloudFormationDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The template as JSON.' }) json!: Record<
    string,
    unknown
  >;
  @ApiProperty({ description: 'The same template as YAML.' }) yaml!: string;
}

export class OidcProviderSetupDto {
  @ApiProperty({
    example: 'https://labkeys.example.edu/oidc',
    description: "The provider URL: LabKeys' issuer (PUBLIC_URL/oidc).",
  })
  url!: string;
  @ApiProperty({ example: 'arn:aws:iam::123456789012:oidc-provider/labkeys.example.edu/oidc' }) arn!: string;
  @ApiProperty({ example: ['sts.amazonaws.com'], description: 'Client ids (audiences) of the provider.' })
  clientIds!: string[];
  @ApiProperty() note!: string;
}

export class ConnectionSetupDto {
  @ApiProperty({ enum: ['assumeRole', 'webIdentity'] }) mode!: string;
  @ApiProperty({
    description:
      "The principal the trust policies allow: LabKeys' AWS principal (assumeRole) or the account's OIDC provider for LabKeys (webIdentity).",
  })
  labkeysPrincipalArn!: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description:
      'Required by the trust policies in assumeRole mode; null in webIdentity mode (the sub condition scopes the trust to this tenant).',
  })
  externalId!: string | null;
  @ApiPropertyOptional({
    type: OidcProviderSetupDto,
    description: 'webIdentity mode: the IAM OIDC provider to create.',
  })
  oidcProvider?: OidcProviderSetupDto;
  @ApiProperty({ type: SetupLabRoleDto }) labRole!: SetupLabRoleDto;
  @ApiProperty({ type: SetupManagementRoleDto }) managementRole!: SetupManagementRoleDto;
  @ApiProperty({ description: 'Terraform (HCL) for both roles.' }) terraform!: string;
  @ApiProperty({ type: CloudFormationDto }) cloudFormation!: CloudFormationDto;
}

export class AwsCheckDto {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional({ description: "AWS's error code, exactly as AWS sent it.", example: 'AccessDenied' })
  code?: string;
  @ApiPropertyOptional({ description: "AWS's error message, exactly as AWS sent it." }) message?: string;
}

export class ExternalIdProbeDto {
  @ApiPropertyOptional({
    nullable: true,
    type: Boolean,
    description: 'AWS refused the AssumeRole (as it must); null when AWS could not answer (throttling, 5xx).',
  })
  refused!: boolean | null;
  @ApiPropertyOptional({ description: "AWS's error code, exactly as AWS sent it.", example: 'AccessDenied' })
  code?: string;
  @ApiPropertyOptional({ description: "AWS's error message, or what was let in." }) message?: string;
}

export class ExternalIdProbesDto {
  @ApiProperty({ type: ExternalIdProbeDto, description: 'AssumeRole on the lab role with no external id.' })
  withoutExternalId!: ExternalIdProbeDto;
  @ApiProperty({ type: ExternalIdProbeDto, description: 'AssumeRole on the lab role with a wrong external id.' })
  wrongExternalId!: ExternalIdProbeDto;
}

export class MissingActionDto {
  @ApiProperty({ example: 'iam:PutRolePolicy' }) action!: string;
  @ApiProperty({ example: 'AccessDenied', description: "AWS's error code, exactly as AWS sent it." }) code!: string;
  @ApiProperty({ description: "AWS's error message, exactly as AWS sent it." }) message!: string;
}

export class InlinePolicyAccessDto {
  @ApiProperty({ description: 'Every IAM action revocation needs on the lab role succeeded.' }) ok!: boolean;
  @ApiProperty({ enum: ['managementRole', 'labkeysIdentity'], description: 'Whose permissions were checked.' })
  principal!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) principalArn!: string | null;
  @ApiProperty({
    description: "The probe inline policy written and deleted (never LabKeys' revocation policy).",
    example: 'LabKeysVerifyProbe-1a2b3c4d5e6f',
  })
  probePolicyName!: string;
  @ApiPropertyOptional({
    description: 'The probe was written but could not be deleted; it denies nothing and may be removed by hand.',
  })
  probeLeftBehind?: boolean;
  @ApiProperty({ type: [MissingActionDto], description: "What the principal may not do, with AWS's answer." })
  missing!: MissingActionDto[];
}

export class VerifyFailureDto {
  @ApiProperty({ enum: ['trust', 'externalId', 'otherTenant', 'oidcProvider', 'managementRole', 'inlinePolicies'] })
  check!: string;
  @ApiPropertyOptional({ example: 'iam:PutRolePolicy' }) action?: string;
  @ApiProperty({ example: 'ExternalIdNotEnforced' }) code!: string;
  @ApiProperty() message!: string;
}

export class VerifyResultDto {
  @ApiProperty({
    description:
      'Safe to use: trust ok, external id enforced, inline policies writable. Labs cannot start on a connection whose last verify was false.',
  })
  verified!: boolean;
  @ApiProperty({
    type: AwsCheckDto,
    description: 'AssumeRole on the lab role (900 s, external id, a session tag and source identity).',
  })
  trust!: AwsCheckDto;
  @ApiPropertyOptional({
    nullable: true,
    type: Boolean,
    description:
      'AWS refused AssumeRole on the lab role both without an external id and with a wrong one; false when either was let in (the connection is then not verified); null when AWS could not answer.',
  })
  externalIdEnforced!: boolean | null;
  @ApiProperty({ type: ExternalIdProbesDto }) externalIdProbes!: ExternalIdProbesDto;
  @ApiPropertyOptional({ description: 'webIdentity: why the external id probes do not apply.' })
  externalIdNote?: string;
  @ApiPropertyOptional({
    nullable: true,
    type: Boolean,
    description:
      "webIdentity: AWS refused a token LabKeys signed for another tenant's subject; null when AWS could not answer.",
  })
  otherTenantRefused?: boolean | null;
  @ApiPropertyOptional({ type: ExternalIdProbeDto, description: "webIdentity: AWS's answer to that token." })
  otherTenantProbe?: ExternalIdProbeDto;
  @ApiPropertyOptional({
    type: AwsCheckDto,
    description:
      "webIdentity: the account's IAM OIDC provider for LabKeys exists (GetOpenIDConnectProvider as the management role), names the issuer and accepts sts.amazonaws.com.",
  })
  oidcProvider?: AwsCheckDto & { arn: string };
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: "The lab role's MaxSessionDuration (IAM GetRole); null when not permitted.",
  })
  maxSessionDuration!: number | null;
  @ApiPropertyOptional({ description: 'Why maxSessionDuration is null.' }) maxSessionDurationNote?: string;
  @ApiPropertyOptional({
    type: AwsCheckDto,
    nullable: true,
    description:
      'The management role, when one is set: LabKeys can assume it and it can do everything revocation does on the lab role (first failure named).',
  })
  managementRole!: AwsCheckDto | null;
  @ApiProperty({
    type: InlinePolicyAccessDto,
    description:
      "GetRole, ListRolePolicies, PutRolePolicy, GetRolePolicy and DeleteRolePolicy of a probe inline policy on the lab role, as the management role (or LabKeys' identity when none is set).",
  })
  inlinePolicies!: InlinePolicyAccessDto;
  @ApiPropertyOptional({
    nullable: true,
    type: Boolean,
    description:
      "LabKeys' own identity is an assumed role: sessions capped at 3600 s, no console SessionDuration. Null when STS could not be asked.",
  })
  roleChaining!: boolean | null;
  @ApiProperty({ description: "LabKeys' identity as STS reports it, when known.", nullable: true, type: String })
  labkeysIdentityArn!: string | null;
  @ApiProperty({
    type: [VerifyFailureDto],
    description: 'Why verified is false; empty when verified. Also kept on the connection (lastVerifyFailures).',
  })
  failures!: VerifyFailureDto[];
  @ApiProperty({ format: 'date-time' }) checkedAt!: Date;
}
