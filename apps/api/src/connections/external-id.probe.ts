import { randomBytes } from 'node:crypto';
import type { StsGateway } from '@labkeys/aws';
import type { AwsConnection } from '@labkeys/database';
import { settle } from './verify-checks';

/** `refused: null` when AWS could not answer (throttling, 5xx, network): enforcement is then unknown. */
export interface ExternalIdProbe {
  refused: boolean | null;
  code?: string;
  message?: string;
}

export interface ExternalIdProbes {
  /** True only when AWS refused both probes; false when either was let in; null when unknown. */
  enforced: boolean | null;
  withoutExternalId: ExternalIdProbe;
  wrongExternalId: ExternalIdProbe;
}

const PROBE_SESSION_NAME = 'labkeys-verify-external-id';
const SHORTEST_SESSION_SECONDS = 900;

/**
 * A lab role that LabKeys can assume without this connection's external id can be used by any tenant that
 * registers the same account: the confused deputy the external id exists to stop. So verify tries the
 * plainest AssumeRole (no tags, no source identity) with no external id and with a wrong one; AWS must refuse
 * both. Any credentials a probe gets are dropped at once.
 */
export async function probeExternalId(sts: StsGateway, connection: AwsConnection): Promise<ExternalIdProbes> {
  const attempt = async (externalId: string | undefined): Promise<ExternalIdProbe> => {
    const out = await settle(() =>
      sts.assumeRole(connection, {
        RoleArn: connection.labRoleArn!,
        RoleSessionName: PROBE_SESSION_NAME,
        DurationSeconds: SHORTEST_SESSION_SECONDS,
        ...(externalId !== undefined && { ExternalId: externalId }),
      }),
    );
    if (!out.error)
      return {
        refused: false,
        message: `AssumeRole on ${connection.labRoleArn} succeeded ${externalId === undefined ? 'without an external id' : 'with a wrong external id'}.`,
      };
    if (out.error.retryable) return { refused: null, code: out.error.code, message: out.error.message };
    return { refused: true, code: out.error.code, message: out.error.message };
  };
  const withoutExternalId = await attempt(undefined);
  const wrongExternalId = await attempt(wrongExternalIdFor(connection.externalId));
  const answers = [withoutExternalId.refused, wrongExternalId.refused];
  const enforced = answers.includes(false) ? false : answers.includes(null) ? null : true;
  return { enforced, withoutExternalId, wrongExternalId };
}

function wrongExternalIdFor(real: string): string {
  let wrong: string;
  do wrong = `lk-verify-${randomBytes(12).toString('hex')}`;
  while (wrong === real);
  return wrong;
}
