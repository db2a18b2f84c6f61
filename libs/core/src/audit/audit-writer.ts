import { Injectable } from '@nestjs/common';
import { AuditRepository, tenantScopeOf, txOfClient, type JsonInput, type TenantScope, type TransactionClient, type Tx } from '@labkeys/database';

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
  /** Records `entry` for the scope's tenant in the transaction `tx`. */
  record(scope: TenantScope, entry: AuditEntry, tx: Tx): Promise<void>;
  /**
   * The form of writers whose transaction is still a bare client and whose tenant is still a plain id
   * (the lab lifecycle's use cases); goes once they take a scope and a `Tx`.
   */
  record(client: TransactionClient, tenantId: string, entry: AuditEntry): Promise<void>;
  record(first: TenantScope | TransactionClient, second: AuditEntry | string, third: Tx | AuditEntry): Promise<void> {
    if (typeof second === 'string') return this.write(tenantScopeOf(second), third as AuditEntry, txOfClient(first as TransactionClient));
    return this.write(first as TenantScope, second, third as Tx);
  }

  protected abstract write(scope: TenantScope, entry: AuditEntry, tx: Tx): Promise<void>;
}

/** Actions taken by the worker on its own (expiry, scheduled starts, repairs). */
@Injectable()
export class SystemAuditWriter extends AuditWriter {
  constructor(private readonly audit: AuditRepository) {
    super();
  }

  protected async write(scope: TenantScope, entry: AuditEntry, tx: Tx): Promise<void> {
    await this.audit.record(scope, { actorType: 'system', ...entry }, tx);
  }
}
