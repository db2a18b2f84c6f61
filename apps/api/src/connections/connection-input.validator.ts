import { parseRoleArn } from '@labkeys/aws';
import type { FieldProblem } from '../common/problem';

interface ArnFields {
  labRoleArn?: string | null;
  managementRoleArn?: string | null;
}

/** Role ARNs must name IAM roles in the connection's own account and partition. */
export function roleArnProblems(input: ArnFields, accountId: string, partition: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of ['labRoleArn', 'managementRoleArn'] as const) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    const parts = parseRoleArn(value);
    if (!parts)
      problems.push({
        field,
        message: `${field} must be an IAM role ARN like arn:${partition}:iam::${accountId}:role/Name`,
      });
    else if (parts.accountId !== accountId)
      problems.push({
        field,
        message: `${field} must be in the connection's account ${accountId}, not ${parts.accountId}`,
      });
    else if (parts.partition !== partition)
      problems.push({
        field,
        message: `${field} must be in the connection's partition "${partition}", not "${parts.partition}"`,
      });
  }
  return problems;
}
