import type { IamRole, ManagedPolicy } from '../world/iam-entities';
import { awsTimestamp, el, wrap } from '../xml';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

export function tagsXml(tags: Record<string, string>): string {
  const entries = Object.entries(tags);
  if (entries.length === 0) return '';
  return wrap('Tags', entries.map(([k, v]) => wrap('member', el('Key', k) + el('Value', v))).join(''));
}

/** IAM returns policy documents URL-encoded inside the XML. */
export function encodeDocument(text: string): string {
  return encodeURIComponent(text);
}

export function roleXml(role: IamRole, withLastUsed = false): string {
  return wrap(
    'Role',
    el('Path', role.path) +
      el('RoleName', role.name) +
      el('RoleId', role.roleId) +
      el('Arn', role.arn) +
      el('CreateDate', awsTimestamp(role.createDate)) +
      el('AssumeRolePolicyDocument', encodeDocument(role.trustPolicy)) +
      el('Description', role.description) +
      el('MaxSessionDuration', role.maxSessionDuration) +
      tagsXml(role.tags) +
      (withLastUsed ? '<RoleLastUsed/>' : ''),
  );
}

export function policyXml(p: ManagedPolicy, attachmentCount: number): string {
  return wrap(
    'Policy',
    el('PolicyName', p.name) +
      el('PolicyId', p.policyId) +
      el('Arn', p.arn) +
      el('Path', p.path) +
      el('DefaultVersionId', 'v1') +
      el('AttachmentCount', attachmentCount) +
      el('PermissionsBoundaryUsageCount', 0) +
      el('IsAttachable', true) +
      el('Description', p.description) +
      el('CreateDate', awsTimestamp(p.createDate)) +
      el('UpdateDate', awsTimestamp(p.updateDate)),
  );
}
