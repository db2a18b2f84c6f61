import {
  labRoleTrustPolicy,
  labRoleWebIdentityTrustPolicy,
  managementRolePolicy,
  managementRoleTrustPolicy,
  managementRoleWebIdentityTrustPolicy,
  oidcProviderArn,
} from '@labkeys/aws';
import { parse as parseYaml } from 'yaml';
import { renderCloudFormation, renderTerraform, type SetupDocuments } from './connection-setup.renderer';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- hcl2-parser ships no type declarations to import with
const { parseToObject } = require('hcl2-parser') as {
  parseToObject(text: string): [Record<string, any> | null, unknown];
};

// Role paths may contain any printable ASCII, including what HCL reads as quotes or interpolation.
function documents(path: string, name = 'Lab Keys "quoted" ${name}'): SetupDocuments {
  const principal = 'arn:aws:iam::111122223333:role/LabKeysService';
  const labArn = `arn:aws:iam::123456789012:role${path}LabKeysLab`;
  return {
    connectionName: name,
    accountId: '123456789012',
    labRole: {
      roleArn: labArn,
      roleName: 'LabKeysLab',
      path,
      trustPolicy: labRoleTrustPolicy(principal, 'lk-abc'),
      maxSessionDuration: 43200,
    },
    managementRole: {
      roleArn: 'arn:aws:iam::123456789012:role/LabKeysManagement',
      roleName: 'LabKeysManagement',
      path: '/',
      trustPolicy: managementRoleTrustPolicy(principal, 'lk-abc'),
      policyName: 'LabKeysRevocation',
      policy: managementRolePolicy([labArn, 'arn:aws:iam::123456789012:role/Other']),
    },
  };
}

describe('setup renderers', () => {
  it('escapes HCL so odd role paths and names survive parsing unchanged', () => {
    const doc = documents('/a"b/${x}/%{y}/c\\d/');
    const [hcl, errors] = parseToObject(renderTerraform(doc));
    expect(errors).toBeNull();
    const lab = hcl!.resource.aws_iam_role.labkeys_lab[0];
    expect(lab.path).toBe('/a"b/${x}/%{y}/c\\d/');
    expect(JSON.parse(hcl!.resource.aws_iam_role_policy.labkeys_management[0].policy)).toEqual(
      doc.managementRole.policy,
    );
  });

  it('renders CloudFormation whose YAML reads back as the JSON, dates kept as strings', () => {
    const { json, yaml } = renderCloudFormation(documents('/'));
    expect(parseYaml(yaml)).toEqual(json);
    expect(yaml).toContain('AWSTemplateFormatVersion: "2010-09-09"');
    expect(yaml).toContain('Version: "2012-10-17"');
    expect(
      (json.Resources as any).LabKeysManagementRole.Properties.Policies[0].PolicyDocument.Statement[0].Resource,
    ).toHaveLength(2);
  });

  it('webIdentity: the OIDC provider is created before the roles that trust it, in Terraform and CloudFormation', () => {
    const issuer = 'https://labkeys.example.edu/oidc';
    const provider = oidcProviderArn('aws', '123456789012', issuer);
    const base = documents('/');
    const doc: SetupDocuments = {
      ...base,
      labRole: { ...base.labRole, trustPolicy: labRoleWebIdentityTrustPolicy(provider, issuer, 'tenant-1') },
      managementRole: {
        ...base.managementRole,
        trustPolicy: managementRoleWebIdentityTrustPolicy(provider, issuer, 'tenant-1'),
        policy: managementRolePolicy([base.labRole.roleArn], provider),
      },
      oidcProvider: { url: issuer, clientIds: ['sts.amazonaws.com'] },
    };
    const [hcl, errors] = parseToObject(renderTerraform(doc));
    expect(errors).toBeNull();
    expect(hcl!.resource.aws_iam_openid_connect_provider.labkeys[0]).toEqual({
      url: issuer,
      client_id_list: ['sts.amazonaws.com'],
    });
    const lab = hcl!.resource.aws_iam_role.labkeys_lab[0];
    expect(lab.depends_on).toEqual(['${aws_iam_openid_connect_provider.labkeys}']);
    expect(JSON.parse(lab.assume_role_policy).Statement[0]).toMatchObject({
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/labkeys.example.edu/oidc' },
      Condition: {
        StringEquals: { 'labkeys.example.edu/oidc:aud': 'sts.amazonaws.com' },
        StringLike: { 'labkeys.example.edu/oidc:sub': 'labkeys:tenant-1:*' },
      },
    });
    expect(hcl!.resource.aws_iam_role.labkeys_management[0].depends_on).toEqual([
      '${aws_iam_openid_connect_provider.labkeys}',
    ]);
    expect(JSON.parse(hcl!.resource.aws_iam_role_policy.labkeys_management[0].policy).Statement[1]).toEqual({
      Sid: 'LabKeysChecksItsProvider',
      Effect: 'Allow',
      Action: 'iam:GetOpenIDConnectProvider',
      Resource: provider,
    });

    const { json, yaml } = renderCloudFormation(doc);
    expect(parseYaml(yaml)).toEqual(json);
    const resources = json.Resources as any;
    expect(resources.LabKeysOidcProvider).toEqual({
      Type: 'AWS::IAM::OIDCProvider',
      Properties: { Url: issuer, ClientIdList: ['sts.amazonaws.com'] },
    });
    expect(resources.LabKeysLabRole.DependsOn).toBe('LabKeysOidcProvider');
    expect(resources.LabKeysManagementRole.DependsOn).toBe('LabKeysOidcProvider');
    expect((json.Outputs as any).OidcProviderArn).toEqual({ Value: { Ref: 'LabKeysOidcProvider' } });
  });

  it('assumeRole setups have no OIDC provider', () => {
    const [hcl] = parseToObject(renderTerraform(documents('/')));
    expect(hcl!.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect((renderCloudFormation(documents('/')).json.Resources as any).LabKeysOidcProvider).toBeUndefined();
  });
});
