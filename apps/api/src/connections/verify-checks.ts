import { AwsCallError } from '@labkeys/aws';

/** One AWS call's outcome as verify reports it: AWS's code and message, exactly as AWS sent them. */
export interface Check {
  ok: boolean;
  code?: string;
  message?: string;
}

/** An IAM action the management role (or LabKeys' own identity) may not perform on the lab role. */
export interface MissingAction {
  action: string;
  code: string;
  message: string;
}

/** What a failed verify found, kept on the connection and shown in the answer. */
export interface VerifyFailure {
  check: 'trust' | 'externalId' | 'otherTenant' | 'oidcProvider' | 'managementRole' | 'inlinePolicies';
  action?: string;
  code: string;
  message: string;
}

export function failed(error: AwsCallError): Check {
  return { ok: false, code: error.code, message: error.message };
}

/** The value or the classified AWS error; anything else is a bug and propagates. */
export async function settle<T>(call: () => Promise<T>): Promise<{ value?: T; error?: AwsCallError }> {
  try {
    return { value: await call() };
  } catch (error) {
    if (error instanceof AwsCallError) return { error };
    throw error;
  }
}
