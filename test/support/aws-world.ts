import { startAwsLocal, type AwsLocal, type Faults } from '@labkeys/aws-local';
import { schoolWorld } from '@labkeys/testing';

export { ACCOUNT, ADMIN_CREDENTIALS, LAB_ROLE, LAB_ROLE_ARN, MANAGEMENT_ROLE_ARN, schoolWorld } from '@labkeys/testing';

export function startSchoolAws(externalIds: string[], faults?: Partial<Faults>): Promise<AwsLocal> {
  return startAwsLocal({ port: 0, state: schoolWorld(externalIds), faults });
}
