import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';

/**
 * The one job catalogue: every queue, every job name, the payload of each job
 * and its retry policy. Producers and the worker both read it, and the worker
 * refuses to start unless each job here has exactly one handler.
 *
 * Payloads carry ids only; handlers read current state from Postgres, so no
 * secret ever sits in Redis.
 */
export enum QueueName {
  /** STS calls, paced per AWS account. */
  Issuance = 'issuance',
  /** Expiry and renewal, apart from issuance so a throttled account never delays an expiry. */
  Lifecycle = 'lifecycle',
  /** Scheduled lab starts and ends. */
  Labs = 'labs',
  Maintenance = 'maintenance',
  /** IAM writes of revocation deny policies, apart so an IAM outage delays nothing else. */
  Revocation = 'revocation',
  /** Emails (access links), apart so a slow SMTP server delays nothing else. */
  Mail = 'mail',
}

export enum JobName {
  IssueSession = 'issue-session',
  ExpireSession = 'expire-session',
  RenewSession = 'renew-session',
  StartLab = 'start-lab',
  EndLab = 'end-lab',
  /** Rewrites one lab role's deny policy from its revocation entries. */
  ApplyRevocations = 'apply-revocations',
  /** Repair sweep: Postgres is the truth, Redis is execution. */
  Sweep = 'sweep',
  /** Sends one student their access link by email. */
  SendAccessLink = 'send-access-link',
}

export interface SessionRef {
  tenantId: string;
  sessionId: string;
}

export interface LabRef {
  tenantId: string;
  labId: string;
}

/** One lab role of one tenant connection: the unit a revocation policy is written for. */
export interface RoleRef {
  tenantId: string;
  connectionId: string;
  roleArn: string;
}

/**
 * A job due at a time of its subject (a lab's start or end, a session's expiry). When the time moves, a job
 * for the new time is added beside the stale one (which then finds nothing due): the time is part of the id.
 */
export interface DueAt {
  /** The subject's time (ms since the epoch) this job was added for; absent for the job added first. */
  at?: number;
}

/** One email of the mail table. */
export interface DeliveryRef {
  tenantId: string;
  deliveryId: string;
}

/** A sweep run by the schedule carries nothing; one run at once when the schedule was lost carries its slot. */
export interface SweepRun {
  /** Which sweep interval (ms since the epoch / interval) a recovery run is for: one per interval however many workers notice. */
  recoverySlot?: number;
}

export interface JobPayloads {
  [JobName.IssueSession]: SessionRef;
  [JobName.ExpireSession]: SessionRef & DueAt;
  [JobName.RenewSession]: SessionRef;
  [JobName.StartLab]: LabRef & DueAt;
  [JobName.EndLab]: LabRef & DueAt;
  [JobName.ApplyRevocations]: RoleRef;
  [JobName.Sweep]: SweepRun;
  [JobName.SendAccessLink]: DeliveryRef;
}

export type JobOf<N extends JobName> = JobPayloads[N];

export interface JobDefinition<N extends JobName = JobName> {
  queue: QueueName;
  options: JobsOptions;
  /** Fixed job id, from the payload only: a second enqueue of the same work is dropped by BullMQ. Callers never choose ids. */
  jobId?: (payload: JobOf<N>) => string | undefined;
  /** Id of the job scheduler that repeats this job (one id, so N workers register one schedule). */
  schedulerId?: string;
}

// Keep finished jobs briefly so duplicate enqueues within that window are dropped by id,
// without Redis growing with every session ever issued.
const keep = { removeOnComplete: { age: 3600, count: 20000 }, removeOnFail: { age: 86400, count: 20000 } };
const retrying = (attempts: number, delay: number): JobsOptions => ({
  attempts,
  backoff: { type: 'exponential', delay, jitter: 0.5 },
  ...keep,
});
/** `<prefix>-<id>`, or `<prefix>-<id>-<at>` for the job of a moved time. */
const dueAt = (prefix: string, id: string, p: DueAt) =>
  p.at === undefined ? `${prefix}-${id}` : `${prefix}-${id}-${p.at}`;

/** Scheduler id of the repeating sweep: one id, so N workers register one schedule. */
export const SWEEP_SCHEDULER_ID = 'repair-sweep';

export const JOB_CATALOGUE: { readonly [N in JobName]: JobDefinition<N> } = {
  [JobName.IssueSession]: {
    queue: QueueName.Issuance,
    options: retrying(10, 250),
    jobId: (p) => `issue-${p.sessionId}`,
  },
  // First due a notice period before expiry; put back under the expiry's time for the expiry itself.
  [JobName.ExpireSession]: {
    queue: QueueName.Lifecycle,
    options: retrying(8, 500),
    jobId: (p) => dueAt('expire', p.sessionId, p),
  },
  [JobName.RenewSession]: {
    queue: QueueName.Lifecycle,
    options: retrying(8, 500),
    jobId: (p) => `renew-${p.sessionId}`,
  },
  [JobName.StartLab]: {
    queue: QueueName.Labs,
    options: retrying(8, 1000),
    jobId: (p) => dueAt('start-lab', p.labId, p),
  },
  [JobName.EndLab]: { queue: QueueName.Labs, options: retrying(8, 1000), jobId: (p) => dueAt('end-lab', p.labId, p) },
  // Removed as soon as it finishes: a kept job under the fixed id would swallow the next revocation's add.
  // A burst while one is waiting coalesces into it; the handler re-reads entries until none is new.
  // Six attempts (about 30 s of backoff), then the sweep re-adds it every interval: a long IAM outage
  // is retried at a steady pace instead of ever-growing delays.
  [JobName.ApplyRevocations]: {
    queue: QueueName.Revocation,
    options: {
      attempts: 6,
      backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
      removeOnComplete: true,
      removeOnFail: true,
    },
    jobId: (p) => applyRevocationsJobId(p),
  },
  [JobName.Sweep]: {
    queue: QueueName.Maintenance,
    options: { attempts: 1, removeOnComplete: 100, removeOnFail: 500 },
    jobId: (p) => (p.recoverySlot === undefined ? undefined : `sweep-recovery-${p.recoverySlot}`),
    schedulerId: SWEEP_SCHEDULER_ID,
  },
  // About 1 + 2 + 4 + 8 + 16 s of backoff: an SMTP server restarting or greylisting gets its minute.
  [JobName.SendAccessLink]: { queue: QueueName.Mail, options: retrying(6, 1000), jobId: (p) => `mail-${p.deliveryId}` },
};

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);

export function queueOf(job: JobName): QueueName {
  return JOB_CATALOGUE[job].queue;
}

/** The id a job of this payload gets (undefined: BullMQ picks one, nothing to coalesce). */
export function jobIdOf<N extends JobName>(name: N, payload: JobOf<N>): string | undefined {
  return (JOB_CATALOGUE[name] as JobDefinition<N>).jobId?.(payload);
}

export function jobsOfQueue(queue: QueueName): JobName[] {
  return (Object.keys(JOB_CATALOGUE) as JobName[]).filter((job) => JOB_CATALOGUE[job].queue === queue);
}

/** BullMQ ids may not contain ':' (ARNs do), so the role is hashed; tenant and connection keep tenants apart. */
export function applyRevocationsJobId(p: RoleRef): string {
  return `revoke-${createHash('sha256').update(`${p.tenantId}|${p.connectionId}|${p.roleArn}`).digest('hex').slice(0, 32)}`;
}
