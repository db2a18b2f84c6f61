import { Injectable } from '@nestjs/common';
import { LabRepository, type LabWithContext, type TenantScope } from '@labkeys/database';

const TTL_MS = 5000;

export type LabContext = LabWithContext;

/**
 * A lab with its course, template and AWS connection, kept for a few seconds:
 * a class of 1,000 issues 1,000 sessions of the same lab, and reading those
 * rows once instead of 1,000 times is most of the database work saved. A lab
 * ended meanwhile is still covered: its sessions are denied by the lab-wide
 * revocation entry whatever was issued.
 */
@Injectable()
export class LabContextCache {
  private readonly entries = new Map<string, { at: number; value: Promise<LabContext | null> }>();

  constructor(private readonly labs: LabRepository) {}

  get(scope: TenantScope, labId: string): Promise<LabContext | null> {
    const key = `${scope.tenantId}:${labId}`;
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < TTL_MS) return hit.value;
    const value = this.labs.findWithContext(scope, labId);
    // A failed read is not kept.
    value.catch(() => this.entries.delete(key));
    this.entries.set(key, { at: now, value });
    if (this.entries.size > 1000) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
