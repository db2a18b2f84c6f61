import { labRoleTrustPolicy, managementRolePolicy, managementRoleTrustPolicy } from '@labkeys/aws';
import { parse as parseYaml } from 'yaml';
import { renderCloudFormation, renderTerraform, type SetupDocuments } from './connection-setup.renderer';

const { parseToObject } = require('hcl2-parser') as { parseToObject(text: string): [Record<string, any> | null, unknown] };

// Role paths may contain any printable ASCII, including what HCL reads as quotes or interpolation.
function documents(path: string, name = 'Lab Keys "quoted" ${name}'): SetupDocuments {
  const principal = 'arn:aws:iam::111122223333:role/LabKeysService';
  const labArn = `arn:aws:iam::123456789012:role${path}LabKeysLab`;
  return {
    connectionName: name,
    accountId: '123456789012',
    labRole: { roleArn: labArn, roleName: 'LabKeysLab', path, trustPolicy: labRoleTrustPolicy(principal, 'lk-abc'), maxSessionDuration: 43200 },
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
    expect(JSON.parse(hcl!.resource.aws_iam_role_policy.labkeys_management[0].policy)).toEqual(doc.managementRole.policy);
  });

  it('renders CloudFormation whose YAML reads back as the JSON, dates kept as strings', () => {
    const { json, yaml } = renderCloudFormation(documents('/'));
    expect(parseYaml(yaml)).toEqual(json);
    expect(yaml).toContain('AWSTemplateFormatVersion: "2010-09-09"');
    expect(yaml).toContain('Version: "2012-10-17"');
    expect((json.Resources as any).LabKeysManagementRole.Properties.Policies[0].PolicyDocument.Statement[0].Resource).toHaveLength(2);
  });
});
