/**
 * Push events. They carry ids and states only: a student's credentials are
 * read from Postgres and unsealed by the api at the moment it writes them to
 * that student's own stream, so Redis never holds a secret.
 */
export type PushEventType =
  /** A session was created PENDING (the lab started, or a student joined a running one): issuance is queued. */
  | 'session.queued'
  | 'session.issued'
  | 'session.renewed'
  | 'session.expiring'
  | 'session.ended'
  | 'session.failed'
  | 'session.state'
  /** Revocation requested; access ends once AWS denies it (then `session.ended`, reason `revoked`). */
  | 'session.revoking'
  /** The deny could not be written yet (IAM failing or the role's inline budget full); LabKeys keeps retrying. */
  | 'revocation.pending'
  /** One of the student's access tokens stopped being current (unenrolled, link re-issued, course archived): streams re-check theirs. */
  | 'access.ended';

export interface PushEvent {
  type: PushEventType;
  tenantId: string;
  labId: string;
  studentId: string;
  sessionId: string;
  state: string;
  /** Non-secret details: failure code and message, expiry, reason an access ended. */
  detail?: Record<string, string | number | boolean | null>;
  at: string;
}

/** Who a session event is about. */
export interface SessionSubject {
  tenantId: string;
  labId: string;
  studentId: string;
  sessionId: string;
}

/** The subject of a session row (its `id` is the session's). */
export const sessionSubjectOf = (session: {
  id: string;
  tenantId: string;
  labId: string;
  studentId: string;
}): SessionSubject => ({
  tenantId: session.tenantId,
  labId: session.labId,
  studentId: session.studentId,
  sessionId: session.id,
});

export type SessionEventType = Exclude<PushEventType, 'access.ended'>;

/** An event about one session, as every publisher writes it; `at` is when it happened (now by default). */
export function sessionEvent(
  type: SessionEventType,
  subject: SessionSubject,
  state: string,
  detail?: PushEvent['detail'],
  at: Date = new Date(),
): PushEvent {
  return {
    type,
    tenantId: subject.tenantId,
    labId: subject.labId,
    studentId: subject.studentId,
    sessionId: subject.sessionId,
    state,
    detail,
    at: at.toISOString(),
  };
}

/** To the student's channel only: streams re-check their token and close when it is no longer current. */
export function accessEndedEvent(
  tenantId: string,
  studentId: string,
  reason: string,
  at: Date = new Date(),
): PushEvent {
  return {
    type: 'access.ended',
    tenantId,
    labId: '',
    studentId,
    sessionId: '',
    state: 'ENDED',
    detail: { reason },
    at: at.toISOString(),
  };
}

export interface DeliveredEvent {
  /** Redis stream id; the SSE event id, used for Last-Event-ID resumption. */
  id: string;
  event: PushEvent;
}

export type PushChannel =
  { kind: 'student'; tenantId: string; studentId: string } | { kind: 'lab'; tenantId: string; labId: string };

export function channelKey(channel: PushChannel): string {
  return channel.kind === 'student'
    ? `student:${channel.tenantId}:${channel.studentId}`
    : `lab:${channel.tenantId}:${channel.labId}`;
}

/** Every event goes to the student's stream and, when it is about a lab, to the lab's stream. */
export function channelsOf(event: PushEvent): PushChannel[] {
  const student: PushChannel = { kind: 'student', tenantId: event.tenantId, studentId: event.studentId };
  return event.labId ? [student, { kind: 'lab', tenantId: event.tenantId, labId: event.labId }] : [student];
}
