/**
 * Compile-time checks of the tenant scope, run by the typecheck step of the test command
 * (`tsc -p tsconfig.json --noEmit`): each `@ts-expect-error` line must fail to compile, or the
 * directive itself becomes the error. Nothing here runs.
 */
import {
  tenantScopeOf,
  type CourseRepository,
  type LabRepository,
  type TenantScope,
  type Tx,
  type UnitOfWork,
} from '@labkeys/database';

declare const labs: LabRepository;
declare const courses: CourseRepository;
declare const uow: UnitOfWork;
declare const tx: Tx;

export async function scopedCallsCompile(scope: TenantScope): Promise<void> {
  await labs.find(scope, 'lab-id');
  await labs.lockForUpdate(tenantScopeOf('tenant-id'), 'lab-id', tx);
  await courses.findById(scope, 'course-id');
}

export async function unscopedCallsDoNot(): Promise<void> {
  // @ts-expect-error a tenant id is not a TenantScope
  await labs.find('tenant-id', 'lab-id');
  // @ts-expect-error a look-alike object is not a TenantScope: the brand is missing
  await courses.findById({ tenantId: 'tenant-id' }, 'course-id');
  // @ts-expect-error the scope comes first; there is no call without one
  await labs.lockForUpdate('lab-id', tx);
  // @ts-expect-error an open transaction is opaque outside libs/database: nothing can be queried through it
  await uow.run((t) => t.lab.findMany());
}

export function scopesCannotBeForged(scope: TenantScope): void {
  // @ts-expect-error a scope cannot be pointed at another tenant
  scope.tenantId = 'another-tenant';
}
