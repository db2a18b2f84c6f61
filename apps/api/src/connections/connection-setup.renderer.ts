import { stringify as toYaml } from 'yaml';
import type { PolicyDocument } from '@labkeys/aws';

export interface SetupRole {
  roleArn: string;
  roleName: string;
  path: string;
  trustPolicy: PolicyDocument;
}

export interface SetupDocuments {
  connectionName: string;
  accountId: string;
  labRole: SetupRole & { maxSessionDuration: number };
  managementRole: SetupRole & { policyName: string; policy: PolicyDocument };
  /** webIdentity connections: the IAM OIDC provider that makes the account trust LabKeys' issuer. */
  oidcProvider?: { url: string; clientIds: string[] };
}

/** Terraform for both roles. Policies go in as JSON heredocs, so they read exactly as the JSON answer does. */
export function renderTerraform(doc: SetupDocuments): string {
  const { labRole: lab, managementRole: mgmt, oidcProvider: oidc } = doc;
  // The roles' trust names the provider by ARN; depends_on makes Terraform create the provider first.
  const dependsOn = oidc ? ['  depends_on           = [aws_iam_openid_connect_provider.labkeys]'] : [];
  return [
    `# LabKeys connection ${hclString(doc.connectionName)}: ${oidc ? 'OIDC provider and roles' : 'roles'} to create in AWS account ${doc.accountId}.`,
    oidc
      ? `# The sub condition in the trust policies (this tenant's subjects only) is what stops other LabKeys tenants from using these roles.`
      : `# The external id in the trust policies is what stops other LabKeys tenants from using these roles.`,
    '',
    ...(oidc
      ? [
          'resource "aws_iam_openid_connect_provider" "labkeys" {',
          `  url            = ${hclString(oidc.url)}`,
          `  client_id_list = [${oidc.clientIds.map(hclString).join(', ')}]`,
          '}',
          '',
        ]
      : []),
    'resource "aws_iam_role" "labkeys_lab" {',
    `  name                 = ${hclString(lab.roleName)}`,
    `  path                 = ${hclString(lab.path)}`,
    `  max_session_duration = ${lab.maxSessionDuration}`,
    `  assume_role_policy   = ${heredoc(lab.trustPolicy)}`,
    ...dependsOn,
    '}',
    '',
    'resource "aws_iam_role" "labkeys_management" {',
    `  name               = ${hclString(mgmt.roleName)}`,
    `  path               = ${hclString(mgmt.path)}`,
    `  assume_role_policy = ${heredoc(mgmt.trustPolicy)}`,
    ...dependsOn.map((line) => line.replace('depends_on           =', 'depends_on         =')),
    '}',
    '',
    'resource "aws_iam_role_policy" "labkeys_management" {',
    `  name   = ${hclString(mgmt.policyName)}`,
    '  role   = aws_iam_role.labkeys_management.id',
    `  policy = ${heredoc(mgmt.policy)}`,
    '}',
    '',
    ...(oidc ? ['output "oidc_provider_arn" {', '  value = aws_iam_openid_connect_provider.labkeys.arn', '}', ''] : []),
    'output "lab_role_arn" {',
    '  value = aws_iam_role.labkeys_lab.arn',
    '}',
    '',
    'output "management_role_arn" {',
    '  value = aws_iam_role.labkeys_management.arn',
    '}',
    '',
  ].join('\n');
}

/** The same roles as a CloudFormation template; named roles need CAPABILITY_NAMED_IAM. */
export function renderCloudFormation(doc: SetupDocuments): { json: Record<string, unknown>; yaml: string } {
  const { labRole: lab, managementRole: mgmt, oidcProvider: oidc } = doc;
  const dependsOn = oidc ? { DependsOn: 'LabKeysOidcProvider' } : {};
  const json = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `LabKeys connection ${doc.connectionName}: ${oidc ? 'OIDC provider, ' : ''}lab role and management role (deploy with CAPABILITY_NAMED_IAM).`,
    Resources: {
      ...(oidc && {
        LabKeysOidcProvider: {
          Type: 'AWS::IAM::OIDCProvider',
          Properties: { Url: oidc.url, ClientIdList: oidc.clientIds },
        },
      }),
      LabKeysLabRole: {
        Type: 'AWS::IAM::Role',
        ...dependsOn,
        Properties: {
          RoleName: lab.roleName,
          Path: lab.path,
          MaxSessionDuration: lab.maxSessionDuration,
          AssumeRolePolicyDocument: lab.trustPolicy,
        },
      },
      LabKeysManagementRole: {
        Type: 'AWS::IAM::Role',
        ...dependsOn,
        Properties: {
          RoleName: mgmt.roleName,
          Path: mgmt.path,
          AssumeRolePolicyDocument: mgmt.trustPolicy,
          Policies: [{ PolicyName: mgmt.policyName, PolicyDocument: mgmt.policy }],
        },
      },
    },
    Outputs: {
      ...(oidc && { OidcProviderArn: { Value: { Ref: 'LabKeysOidcProvider' } } }),
      LabRoleArn: { Value: { 'Fn::GetAtt': ['LabKeysLabRole', 'Arn'] } },
      ManagementRoleArn: { Value: { 'Fn::GetAtt': ['LabKeysManagementRole', 'Arn'] } },
    },
  };
  // Strings are quoted so YAML 1.1 readers cannot take "2012-10-17" for a date.
  const yaml = toYaml(json, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
  return { json, yaml };
}

function hclString(value: string): string {
  return `"${hclEscapeTemplate(value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n'))}"`;
}

// Heredocs are templates too: `${` and `%{` would start interpolation.
function hclEscapeTemplate(value: string): string {
  return value.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

function heredoc(document: PolicyDocument): string {
  const body = hclEscapeTemplate(JSON.stringify(document, null, 2))
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `<<-EOT\n${body}\n  EOT`;
}
