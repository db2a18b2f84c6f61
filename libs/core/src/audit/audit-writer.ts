import { Injectable } from '@nestjs/common';
import { AuditRepository, type JsonInput, type TenantScope, type Tx } from '@labkeys/database';

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  /** What changed; never secrets or raw tokens. */
  summary?: JsonInput;
}

/**
 * Writes an audit event inside the caller's transaction. The api's writer
 * records the authenticated actor and request id; the worker's records the system.
 */
export abstract class AuditWriter {
  /** Records `entry` for the scope's tenant in the transaction `tx` (on its own when the change has none). */
  record(scope: TenantScope, entry: AuditEntry, tx?: Tx): Promise<void> {
    return this.write(scope, entry, tx);
  }

  protected abstract write(scope: TenantScope, entry: AuditEntry, tx?: Tx): Promise<void>;
}

/** Actions taken by the worker on its own (expiry, scheduled starts, repairs). */
@Injectable()
export class SystemAuditWriter extends AuditWriter {
  constructor(private readonly audit: AuditRepository) {
    super();
  }

  protected async write(scope: TenantScope, entry: AuditEntry, tx?: Tx): Promise<void> {
    await this.audit.record(scope, { actorType: 'system', ...entry }, tx);
  }
}
