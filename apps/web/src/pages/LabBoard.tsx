import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ApiProblem, asProblem } from '../api/problem';
import { useConfirmWithText, type ConfirmText } from '../components/Confirm';
import { Field } from '../components/Field';
import { formatTime, Page, QueryState, StateBadge } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatRemaining, useNow } from '../countdown';
import { useLabStream, type Counts, type SessionStateEvent, type SessionStateName } from '../labStream';
import { useStepUp } from '../session';
import { isoOrUndefined, localInput } from './Labs';

type LabSession = Schemas['LabSessionDto'];

const STATES: SessionStateName[] = ['PENDING', 'ISSUING', 'ACTIVE', 'REVOKING', 'REVOKED', 'EXPIRED', 'FAILED'];
const LIVE: SessionStateName[] = ['PENDING', 'ISSUING', 'ACTIVE'];
/** The optional reason of a revocation (the api's RevokeRequestDto: one line, at most 300 characters). */
const REVOKE_REASON: ConfirmText = {
  label: 'Reason for the student (optional)',
  hint: 'Shown on their page and in the labkeys CLI as you write it.',
  maxLength: 300,
};
/** The body of a revoke request: the reason when one was typed, else none (as before reasons existed). */
const revokeBody = (reason: string) => (reason ? { body: { reason } } : {});

async function allSessions(labId: string): Promise<LabSession[]> {
  const out: LabSession[] = [];
  let cursor: string | undefined;
  // A lab's sessions, 200 a page (a class of a few hundred is a few requests).
  for (let page = 0; page < 50; page++) {
    const data = await unwrap(
      api.GET('/v1/labs/{labId}/sessions', {
        params: { path: { labId }, query: { limit: 200, cursor, sort: 'createdAt' } },
      }),
    );
    out.push(...data.items);
    if (!data.nextCursor) break;
    cursor = data.nextCursor;
  }
  return out;
}

/** Applies a stream event to the sessions read before (the event carries state and details, not the whole row). */
function applyEvent(sessions: LabSession[], e: SessionStateEvent): LabSession[] {
  const detail = e.detail ?? {};
  const known = sessions.some((s) => s.id === e.sessionId);
  const patch = (s: LabSession): LabSession => ({
    ...s,
    state: e.state,
    expiresAt: typeof detail.expiresAt === 'string' ? detail.expiresAt : s.expiresAt,
    failureCode:
      e.type === 'session.failed'
        ? String(detail.code ?? '')
        : e.type === 'revocation.pending'
          ? 'RevocationPending'
          : e.state === 'REVOKED'
            ? null
            : s.failureCode,
    failureReason:
      e.type === 'session.failed'
        ? String(detail.message ?? '')
        : e.type === 'revocation.pending'
          ? String(detail.reason ?? '')
          : e.state === 'REVOKED'
            ? null
            : s.failureReason,
    revokeReason: typeof detail.revokeReason === 'string' ? detail.revokeReason : s.revokeReason,
  });
  if (known) return sessions.map((s) => (s.id === e.sessionId ? patch(s) : s));
  // A session this page has not read yet (a renewal's successor): shown from the event until the next read.
  const sibling = sessions.find((s) => s.studentId === e.studentId);
  if (!sibling) return sessions;
  return [
    ...sessions,
    patch({
      ...sibling,
      id: e.sessionId,
      predecessorId: sibling.id,
      createdAt: e.at,
      issuedAt: null,
      endedAt: null,
      attempts: 0,
    }),
  ];
}

function StudentCard({
  session,
  now,
  onRevoke,
  canRevoke,
}: {
  session: LabSession;
  now: number;
  onRevoke: () => void;
  canRevoke: boolean;
}) {
  const left =
    session.state === 'ACTIVE' && session.expiresAt ? formatRemaining(Date.parse(session.expiresAt) - now) : null;
  const pendingRevocation = session.state === 'REVOKING' && session.failureCode === 'RevocationPending';
  return (
    <li
      className={`student state-${session.state.toLowerCase()}`}
      data-session-id={session.id}
      data-state={session.state}
    >
      <div className="student-head">
        <span className="handle">{session.studentEmail}</span>
        <StateBadge state={session.state} />
      </div>
      <div className="muted">
        AWS sees <code>{session.studentHandle}</code>
      </div>
      {left && <div className="expiry">expires in {left}</div>}
      {session.state === 'REVOKING' && (
        <div className="warning">
          {pendingRevocation
            ? `not yet revoked: ${session.failureReason ?? 'LabKeys keeps retrying'}`
            : 'not yet revoked: waiting for AWS'}
        </div>
      )}
      {(session.state === 'REVOKED' || session.state === 'REVOKING') && session.revokeReason && (
        <div className="revoke-reason">
          Reason: <q>{session.revokeReason}</q>
        </div>
      )}
      {session.state === 'FAILED' && (
        <div className="failure">
          <strong>{session.failureCode || 'Error'}</strong>: {session.failureReason}
        </div>
      )}
      {canRevoke && LIVE.includes(session.state) && (
        <button type="button" className="small danger" onClick={onRevoke}>
          Revoke<span className="sr-only"> {session.studentEmail}</span>
        </button>
      )}
    </li>
  );
}

export function LabBoardPage() {
  const { labId = '' } = useParams();
  const client = useQueryClient();
  const confirm = useConfirmWithText();
  const withStepUp = useStepUp();
  const now = useNow(1000);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [liveCounts, setLiveCounts] = useState<Counts | null>(null);
  const [filter, setFilter] = useState('');
  const [newEnd, setNewEnd] = useState('');
  const lab = useQuery({
    queryKey: ['lab', labId],
    queryFn: () => unwrap(api.GET('/v1/labs/{labId}', { params: { path: { labId } } })),
  });
  const sessionsKey = useMemo(() => ['lab-sessions', labId], [labId]);
  const sessions = useQuery({ queryKey: sessionsKey, queryFn: () => allSessions(labId) });
  const course = useQuery({
    queryKey: ['course', lab.data?.courseId],
    enabled: !!lab.data,
    queryFn: () => unwrap(api.GET('/v1/courses/{courseId}', { params: { path: { courseId: lab.data!.courseId } } })),
  });

  // A stream event patches the board at once; a read of the full rows follows, at most once a second.
  const reread = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const scheduleReread = useCallback(() => {
    if (reread.current) return;
    reread.current = setTimeout(() => {
      reread.current = undefined;
      void client.invalidateQueries({ queryKey: sessionsKey });
    }, 1000);
  }, [client, sessionsKey]);
  useEffect(() => () => clearTimeout(reread.current), []);

  const status = useLabStream(labId, {
    readiness: setLiveCounts,
    session: (event) => {
      client.setQueryData<LabSession[]>(sessionsKey, (old) => (old ? applyEvent(old, event) : old));
      scheduleReread();
      if (event.type === 'session.ended' || event.type === 'session.issued')
        void client.invalidateQueries({ queryKey: ['lab', labId] });
    },
    resync: () => {
      void client.invalidateQueries({ queryKey: sessionsKey });
      void client.invalidateQueries({ queryKey: ['lab', labId] });
    },
  });

  // One card per student: the newest of their sessions in this lab (renewals make several).
  const latest = useMemo(() => {
    const byStudent = new Map<string, LabSession>();
    for (const s of sessions.data ?? []) {
      const seen = byStudent.get(s.studentId);
      if (!seen || s.createdAt >= seen.createdAt) byStudent.set(s.studentId, s);
    }
    return [...byStudent.values()].sort((a, b) => a.studentEmail.localeCompare(b.studentEmail));
  }, [sessions.data]);
  const counts = useMemo(() => {
    if (liveCounts) return liveCounts;
    const c = Object.fromEntries(STATES.map((s) => [s, 0])) as Counts;
    for (const s of sessions.data ?? []) c[s.state] += 1;
    return c;
  }, [liveCounts, sessions.data]);
  const shown = filter ? latest.filter((s) => s.state === filter) : latest;

  const act = async (
    question: Parameters<typeof confirm>[0] | null,
    action: (text: string) => Promise<string | void>,
  ) => {
    setProblem(null);
    setNotice(null);
    const answer = question ? await confirm(question) : { text: '' };
    if (!answer) return;
    try {
      const said = await withStepUp(() => action(answer.text));
      if (said) setNotice(said);
      await client.invalidateQueries({ queryKey: ['lab', labId] });
      await client.invalidateQueries({ queryKey: sessionsKey });
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  const path = { params: { path: { labId } } };
  const start = () =>
    act(null, async () => {
      const r = await unwrap(api.POST('/v1/labs/{labId}/start', path));
      return `Started: ${r.created} session(s) created, ${r.queued} queued for issuance.`;
    });
  const end = () =>
    act(
      {
        title: 'End this lab now?',
        body: <p>Every student’s access ends now; AWS is told to deny their sessions.</p>,
        confirmLabel: 'End lab',
        danger: true,
      },
      async () => {
        const r = await unwrap(api.POST('/v1/labs/{labId}/end', path));
        return `Lab ended: ${r.revoked} session(s) revoked, ${r.revoking} still being revoked.`;
      },
    );
  const cancel = () =>
    act(
      { title: 'Cancel this lab?', body: <p>It will not start.</p>, confirmLabel: 'Cancel lab', danger: true },
      async () => {
        await unwrap(api.POST('/v1/labs/{labId}/cancel', path));
        return 'Lab cancelled.';
      },
    );
  const revokeLab = () =>
    act(
      {
        title: 'Revoke every student’s access?',
        body: <p>All live sessions of this lab are denied now. The lab keeps running for students who join later.</p>,
        confirmLabel: 'Revoke all',
        danger: true,
        text: { ...REVOKE_REASON, label: 'Reason for the students (optional)' },
      },
      async (reason) => {
        const r = await unwrap(api.POST('/v1/labs/{labId}/revoke', { ...path, ...revokeBody(reason) }));
        return `${r.revoked} session(s) revoked, ${r.revoking} still being revoked.`;
      },
    );
  const revokeOne = (s: LabSession) =>
    act(
      {
        title: `Revoke ${s.studentEmail}?`,
        body: <p>Their credentials stop working as soon as AWS accepts the deny.</p>,
        confirmLabel: 'Revoke access',
        danger: true,
        text: REVOKE_REASON,
      },
      async (reason) => {
        const r = await unwrap(
          api.POST('/v1/labs/{labId}/sessions/{sessionId}/revoke', {
            params: { path: { labId, sessionId: s.id } },
            ...revokeBody(reason),
          }),
        );
        return r.revoked
          ? `${s.studentEmail}: revoked.`
          : `${s.studentEmail}: revoke sent; their card shows when AWS has applied it.`;
      },
    );
  const extend = () =>
    act(null, async () => {
      const l = await unwrap(
        api.PATCH('/v1/labs/{labId}', {
          params: { path: { labId } },
          body: { endsAt: isoOrUndefined(newEnd) ?? null },
        }),
      );
      setNewEnd('');
      return `The lab now ends ${formatTime(l.endsAt)}.`;
    });

  const l = lab.data;
  const running = l?.state === 'RUNNING';
  return (
    <Page
      title={l ? l.name : 'Lab'}
      actions={
        l && (
          <>
            {l.state === 'SCHEDULED' && (
              <>
                <button type="button" className="primary" onClick={() => void start()}>
                  Start lab
                </button>
                <button type="button" onClick={() => void cancel()}>
                  Cancel lab
                </button>
              </>
            )}
            {running && (
              <>
                <button type="button" onClick={() => void start()}>
                  Issue to newcomers
                </button>
                <button type="button" className="danger" onClick={() => void revokeLab()}>
                  Revoke all
                </button>
                <button type="button" className="danger" onClick={() => void end()}>
                  End lab
                </button>
              </>
            )}
          </>
        )
      }
    >
      <QueryState isLoading={lab.isLoading} error={lab.error} />
      <ProblemAlert problem={problem} shown={['endsAt']} />
      {notice && (
        <p className="alert success" role="status">
          {notice}
        </p>
      )}
      {l && (
        <>
          <p className="muted">
            <StateBadge state={l.state} />{' '}
            {course.data && <Link to={`/courses/${course.data.id}`}>{course.data.code}</Link>} · started{' '}
            {formatTime(l.startedAt)} · ends {formatTime(l.endedAt ?? l.endsAt)} · sessions of{' '}
            {Math.round(l.sessionDurationSeconds / 60)} min{l.autoRenew ? ', renewed while the lab runs' : ''} ·{' '}
            <span role="status" className={`stream ${status}`}>
              {status === 'live' ? 'live' : status === 'connecting' ? 'connecting…' : 'reconnecting…'}
            </span>
          </p>
          <section aria-labelledby="counts-heading">
            <h2 id="counts-heading" className="sr-only">
              Sessions per state
            </h2>
            <ul className="counts">
              {STATES.map((s) => (
                <li key={s} className={`count state-${s.toLowerCase()}`} data-state={s}>
                  <button type="button" aria-pressed={filter === s} onClick={() => setFilter(filter === s ? '' : s)}>
                    <span className="n" data-testid={`count-${s}`}>
                      {counts[s]}
                    </span>{' '}
                    <span className="label">{s}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
          {(running || l.state === 'SCHEDULED') && (
            <form
              className="inline-form extend"
              onSubmit={(e) => {
                e.preventDefault();
                void extend();
              }}
            >
              <Field
                label="End time"
                name="endsAt"
                type="datetime-local"
                value={newEnd || localInput(l.endsAt)}
                onChange={(e) => setNewEnd(e.target.value)}
                problem={problem}
              />
              <div className="actions">
                <button type="submit" disabled={!newEnd}>
                  Change end time
                </button>
              </div>
            </form>
          )}
          <section aria-labelledby="students-heading">
            <h2 id="students-heading">
              Students{filter ? ` (${filter})` : ''}: {shown.length}
            </h2>
            <QueryState isLoading={sessions.isLoading} error={sessions.error} />
            {sessions.data && latest.length === 0 && (
              <p>{l.state === 'SCHEDULED' ? 'No sessions yet: start the lab.' : 'No sessions.'}</p>
            )}
            <ul className="board">
              {shown.map((s) => (
                <StudentCard
                  key={s.studentId}
                  session={s}
                  now={now}
                  canRevoke={running}
                  onRevoke={() => void revokeOne(s)}
                />
              ))}
            </ul>
          </section>
        </>
      )}
    </Page>
  );
}
