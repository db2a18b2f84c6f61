import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiProblem, asProblem } from '../api/problem';
import { CopyButton } from '../components/CopyButton';
import {
  FORMATS,
  PROFILE_FORMATS,
  studentApi,
  tokenOfFragment,
  type FormatId,
  type StudentCourseChoice,
  type StudentSession,
} from './studentApi';
import { formatRemaining, useNow } from '../countdown';
import { useStudentStream, type ClassProgress, type StudentEvent } from './useStudentStream';
import { StudentHeader } from './StudentHeader';
import './student.css';

const FORMAT_KEY = 'labkeys.student.format';
const PROFILE_KEY = 'labkeys.student.profile';
/** Shown as "expiring soon" from this long before the keys stop working. */
const EXPIRING_SOON_MS = 5 * 60_000;

type Phase =
  | { kind: 'loading' }
  | { kind: 'signed-out'; why: 'signed-out' | 'no-link' | 'link-refused' | 'ended' }
  | { kind: 'error'; message: string }
  | { kind: 'choose'; courses: StudentCourseChoice[] }
  | { kind: 'in'; me: StudentSession };

function storedFormat(): FormatId {
  const saved = localStorage.getItem(FORMAT_KEY);
  return FORMATS.some((f) => f.id === saved) ? (saved as FormatId) : 'env';
}

const time = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * The page a student's access link opens (`/student#token=…`). The token is exchanged once for an HttpOnly
 * session cookie and removed from the address bar; the page then works across reloads and renewals, shows the
 * lab's state live from the student stream, and hands out the credentials in the format the student picks.
 */
export function StudentPage() {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const started = useRef(false);

  const refresh = useCallback(async () => {
    try {
      setPhase({ kind: 'in', me: await studentApi.session() });
    } catch (error) {
      const problem = asProblem(error);
      // Signed in through the school and in several courses: the student picks one first.
      if (problem.status === 409 && problem.body.code === 'lab_choice_required') {
        try {
          setPhase({ kind: 'choose', courses: (await studentApi.choices()).courses });
        } catch (e) {
          setPhase({ kind: 'error', message: asProblem(e).detail });
        }
        return;
      }
      if (problem.status === 401) setPhase((p) => ({ kind: 'signed-out', why: p.kind === 'in' ? 'ended' : 'no-link' }));
      else if (problem.status !== 0 && problem.status !== 503) setPhase({ kind: 'error', message: problem.detail });
      // Unreachable or briefly unavailable: keep what is shown; the stream's reconnect asks again.
    }
  }, []);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = tokenOfFragment(window.location.hash);
    // The token leaves the address bar (and so the history) before anything else happens.
    if (window.location.hash)
      window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    if (!token) {
      void refresh();
      return;
    }
    studentApi.exchange(token).then(
      (me) => setPhase({ kind: 'in', me }),
      (error: unknown) => {
        const problem = asProblem(error);
        setPhase(
          problem.status === 401
            ? { kind: 'signed-out', why: 'link-refused' }
            : { kind: 'error', message: problem.detail },
        );
      },
    );
  }, [refresh]);

  const signOut = async () => {
    try {
      await (phase.kind === 'choose' ? studentApi.signOutOfSchool() : studentApi.signOut());
    } catch (error) {
      // Already ended elsewhere is as good as signed out.
      if (!(error instanceof ApiProblem && error.status === 401)) throw error;
    }
    setPhase({ kind: 'signed-out', why: 'signed-out' });
  };

  // Signed in through the school: offer to switch only when there is another course to switch to.
  const [courseCount, setCourseCount] = useState(0);
  const schoolSignIn = phase.kind === 'in' && phase.me.schoolSignIn;
  useEffect(() => {
    if (!schoolSignIn) return;
    studentApi.choices().then(
      ({ courses }) => setCourseCount(courses.length),
      () => setCourseCount(0),
    );
  }, [schoolSignIn]);

  const pick = async () => {
    try {
      setPhase({ kind: 'choose', courses: (await studentApi.choices()).courses });
    } catch (e) {
      setPhase({ kind: 'error', message: asProblem(e).detail });
    }
  };

  return (
    <>
      <StudentHeader>
        {((phase.kind === 'in' && phase.me.via === 'cookie') || phase.kind === 'choose') && (
          <div className="who">
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        )}
      </StudentHeader>
      <main id="main" className="student">
        {phase.kind === 'loading' && <p role="status">Loading your lab access…</p>}
        {phase.kind === 'error' && (
          <div className="alert error" role="alert">
            <p>{phase.message}</p>
            <button type="button" onClick={() => void refresh()}>
              Try again
            </button>
          </div>
        )}
        {phase.kind === 'signed-out' && <SignedOut why={phase.why} />}
        {phase.kind === 'choose' && <LabPicker courses={phase.courses} chosen={refresh} />}
        {phase.kind === 'in' && phase.me.schoolSignIn && courseCount > 1 && (
          <p className="switch-course">
            <button type="button" onClick={() => void pick()}>
              Switch course
            </button>
          </p>
        )}
        {phase.kind === 'in' && <SignedIn me={phase.me} refresh={refresh} />}
      </main>
    </>
  );
}

function SignedOut({ why }: { why: 'signed-out' | 'no-link' | 'link-refused' | 'ended' }) {
  const text = {
    'signed-out': 'You are signed out. To come back, open the access link your instructor sent you.',
    'no-link': 'You are not signed in. Open the access link your instructor sent you (it ends with #token=…).',
    'link-refused':
      'This access link no longer works: it was replaced by a newer one, it has expired, or you were removed from the course. Ask your instructor for a new link.',
    ended:
      'Your LabKeys session has ended: the access link was replaced, it expired, or you were removed from the course. Open your newest link again.',
  }[why];
  return (
    <section className="card" aria-labelledby="signed-out-title">
      <h1 id="signed-out-title">{why === 'signed-out' ? 'Signed out' : 'Not signed in'}</h1>
      <p>{text}</p>
    </section>
  );
}

/** A student signed in through their school picks the course to work in; each shows its current labs. */
function LabPicker({ courses, chosen }: { courses: StudentCourseChoice[]; chosen: () => Promise<void> }) {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const choose = async (enrollmentId: string) => {
    setBusy(true);
    setProblem(null);
    try {
      await studentApi.choose(enrollmentId);
      await chosen();
    } catch (e) {
      setProblem(asProblem(e).detail);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="picker-title">
      <h1 id="picker-title">Choose your course</h1>
      <p>You are in several courses. Pick the one whose lab you are working on now; you can switch later.</p>
      {problem && (
        <div className="alert error" role="alert">
          <p>{problem}</p>
        </div>
      )}
      <ul className="course-choices">
        {courses.map((c) => (
          <li key={c.enrollmentId} className="card">
            <h2>
              {c.course.code} — {c.course.title}
            </h2>
            {c.labs.length ? (
              <ul>
                {c.labs.map((lab) => (
                  <li key={lab.id}>
                    {lab.name}: {lab.state === 'RUNNING' ? 'running' : 'scheduled'}
                    {lab.startsAt && lab.state !== 'RUNNING'
                      ? `, starts ${new Date(lab.startsAt).toLocaleString()}`
                      : ''}
                    {lab.endsAt ? `, ends ${new Date(lab.endsAt).toLocaleString()}` : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="hint">No lab scheduled right now.</p>
            )}
            <button type="button" className="primary" disabled={busy} onClick={() => void choose(c.enrollmentId)}>
              {c.chosen ? 'Keep working in' : 'Work in'} {c.course.code}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

interface Notice {
  at: string;
  sessionId: string;
}

function SignedIn({ me, refresh }: { me: StudentSession; refresh: () => Promise<void> }) {
  const [format, setFormat] = useState<FormatId>(storedFormat);
  const [profile, setProfile] = useState(() => localStorage.getItem(PROFILE_KEY) || 'lab');
  const [text, setText] = useState<{ key: string; body: string } | null>(null);
  const [textProblem, setTextProblem] = useState<string | null>(null);
  const [renewed, setRenewed] = useState<Notice | null>(null);
  const [endReason, setEndReason] = useState<{ code: string; instructor: string | null } | null>(null);
  const [expiringNotice, setExpiringNotice] = useState(false);
  const [progress, setProgress] = useState<ClassProgress | null>(null);
  const [consoleState, setConsoleState] = useState<
    { kind: 'idle' | 'busy' | 'opened' } | { kind: 'failed'; message: string }
  >({ kind: 'idle' });
  const now = useNow(1000);
  const shownSession = useRef<string | null>(me.lab?.state === 'ACTIVE' ? me.lab.sessionId : null);

  const live = me.status === 'ready' || me.status === 'renewing';
  const sessionId = live ? me.lab!.sessionId : null;
  const profileOk = /^[A-Za-z0-9_.-]{1,64}$/.test(profile);

  // The credentials text of the chosen format, read again whenever the current session changes.
  useEffect(() => {
    if (!sessionId || !profileOk) return;
    let cancelled = false;
    const key = `${sessionId}|${format}|${profile}`;
    studentApi.credentials(format, profile).then(
      (body) => {
        if (cancelled) return;
        setText({ key, body: format === 'json' ? JSON.stringify(JSON.parse(body), null, 2) : body });
        setTextProblem(null);
      },
      (error: unknown) => {
        if (cancelled) return;
        const problem = asProblem(error);
        setTextProblem(problem.detail);
        if (problem.status === 401 || problem.status === 409 || problem.status === 410) void refresh();
      },
    );
    return () => {
      cancelled = true;
    };
  }, [sessionId, format, profile, profileOk, refresh]);

  useEffect(() => {
    // A different ACTIVE session than the one first shown: the keys were renewed (live or while away).
    if (!sessionId) return;
    if (shownSession.current && shownSession.current !== sessionId)
      setRenewed((n) => n ?? { at: new Date().toISOString(), sessionId });
    shownSession.current = sessionId;
    setExpiringNotice(false);
  }, [sessionId]);

  const onEvent = useCallback(
    (event: StudentEvent) => {
      if (event.type === 'lab.progress') {
        // Counts only, and often: nothing to read again.
        const { labId, ready, waiting, failed, total } = event.data;
        if (labId && total !== undefined)
          setProgress({ labId, ready: ready!, waiting: waiting!, failed: failed!, total });
        return;
      }
      if (event.type === 'session.renewed' || (event.type === 'session.issued' && shownSession.current)) {
        setRenewed({ at: new Date().toISOString(), sessionId: event.data.sessionId ?? '' });
      }
      if (event.type === 'session.expiring') setExpiringNotice(true);
      if (event.type === 'session.ended' || event.type === 'session.revoking' || event.type === 'session.failed') {
        const { reason, revokeReason } = event.data.detail ?? {};
        if (typeof reason === 'string' && reason)
          setEndReason({ code: reason, instructor: typeof revokeReason === 'string' ? revokeReason : null });
      }
      void refresh();
    },
    [refresh],
  );
  const stream = useStudentStream(true, {
    event: onEvent,
    refused: () => void refresh(),
    resync: () => void refresh(),
  });

  const chooseFormat = (id: FormatId) => {
    setFormat(id);
    localStorage.setItem(FORMAT_KEY, id);
  };

  const openConsole = async () => {
    setConsoleState({ kind: 'busy' });
    try {
      const { url } = await studentApi.consoleLink();
      window.open(url, '_blank', 'noopener,noreferrer');
      setConsoleState({ kind: 'opened' });
    } catch (error) {
      setConsoleState({ kind: 'failed', message: asProblem(error).detail });
      void refresh();
    }
  };

  const expiresAt = me.lab?.expiresAt ? new Date(me.lab.expiresAt).getTime() : null;
  const remaining = expiresAt ? expiresAt - now : null;
  const expiringSoon =
    live && me.status === 'ready' && remaining !== null && (remaining <= EXPIRING_SOON_MS || expiringNotice);
  const shownState = expiringSoon ? 'expiring' : me.status;
  const chosen = FORMATS.find((f) => f.id === format)!;
  const current = text && text.key === `${sessionId}|${format}|${profile}` ? text.body : null;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{me.course.title}</h1>
          <p className="muted course-code">Course {me.course.code}</p>
        </div>
        <p className={`stream stream-${stream}`} role="status">
          {stream === 'live'
            ? 'Live updates on'
            : stream === 'connecting'
              ? 'Connecting for live updates…'
              : 'Reconnecting for live updates…'}
        </p>
      </div>

      <section className={`card lab-state state-${shownState}`} aria-labelledby="lab-title" data-state={shownState}>
        <h2 id="lab-title">{me.lab ? me.lab.labName : 'No lab yet'}</h2>
        <div role="status" aria-live="polite" className="state-line">
          <StateText
            status={shownState}
            me={me}
            endReason={endReason}
            remaining={remaining}
            progress={progress && progress.labId === me.lab?.labId ? progress : null}
          />
        </div>
        {live && remaining !== null && (
          <p className="countdown">
            Expires in{' '}
            <strong>
              <time dateTime={me.lab!.expiresAt!} data-testid="countdown">
                {formatRemaining(remaining)}
              </time>
            </strong>{' '}
            <span className="muted">(at {time(me.lab!.expiresAt!)})</span>
          </p>
        )}
        {renewed && live && (
          <div className="alert success renewed" role="status">
            <p>
              <strong>New keys were issued at {time(renewed.at)}.</strong> They replace the ones shown before: copy them
              again. (The labkeys CLI and a ~/.aws/config profile pick them up by themselves.)
            </p>
            <button type="button" className="small" onClick={() => setRenewed(null)}>
              Dismiss
            </button>
          </div>
        )}
        {live && (
          <div className="actions">
            <button
              type="button"
              className="primary"
              onClick={() => void openConsole()}
              disabled={consoleState.kind === 'busy'}
            >
              Open the AWS console
            </button>
            <span role="status" className="hint">
              {consoleState.kind === 'opened'
                ? 'The AWS console opened in a new tab.'
                : consoleState.kind === 'failed'
                  ? consoleState.message
                  : ''}
            </span>
          </div>
        )}
      </section>

      {live && (
        <section className="card" aria-labelledby="creds-title">
          <h2 id="creds-title">Your AWS credentials</h2>
          <fieldset className="formats">
            <legend>Format</legend>
            {FORMATS.map((f) => (
              <label key={f.id} className={f.id === format ? 'chosen' : undefined}>
                <input
                  type="radio"
                  name="format"
                  value={f.id}
                  checked={f.id === format}
                  onChange={() => chooseFormat(f.id)}
                />{' '}
                {f.label}
              </label>
            ))}
          </fieldset>
          <p className="hint">{chosen.hint}</p>
          {PROFILE_FORMATS.includes(format) && (
            <div className="field profile">
              <label htmlFor="profile-name">Profile name</label>
              <input
                id="profile-name"
                value={profile}
                onChange={(e) => {
                  setProfile(e.target.value);
                  if (/^[A-Za-z0-9_.-]{1,64}$/.test(e.target.value)) localStorage.setItem(PROFILE_KEY, e.target.value);
                }}
                aria-invalid={!profileOk}
                aria-describedby="profile-hint"
                spellCheck={false}
                autoComplete="off"
              />
              <span id="profile-hint" className={profileOk ? 'hint' : 'field-error'}>
                {profileOk
                  ? `Use it as: aws --profile ${profile} sts get-caller-identity`
                  : 'Letters, digits, _ . or - (at most 64).'}
              </span>
            </div>
          )}
          {textProblem && (
            <div className="alert error" role="alert">
              <p>{textProblem}</p>
            </div>
          )}
          <div className="copy-block">
            <pre tabIndex={0} aria-label={`credentials as ${chosen.label}`} data-format={format}>
              {current ?? 'Loading…'}
            </pre>
            {current && <CopyButton text={current} label={`Copy ${chosen.label}`} />}
          </div>
        </section>
      )}
    </>
  );
}

/** What the stream's `detail.reason` of an ended session means for the student ('' : nothing to add). */
const END_REASONS: Record<string, string> = {
  revoked: '',
  'lab-ended': 'the lab was ended',
  'access-ended': 'you no longer have access to this course',
};

function StateText({
  status,
  me,
  endReason,
  remaining,
  progress,
}: {
  status: string;
  me: StudentSession;
  endReason: { code: string; instructor: string | null } | null;
  remaining: number | null;
  progress: ClassProgress | null;
}) {
  const lab = me.lab;
  switch (status) {
    case 'waiting':
      return lab ? (
        <>
          <p>
            <strong>Waiting:</strong> your credentials are being issued; this page updates by itself.
          </p>
          {progress && (
            <p className="class-progress" data-testid="class-progress" aria-live="off">
              Your class is getting ready: {progress.ready} of {progress.total} ready
              {progress.failed > 0 ? ` (${progress.failed} could not be issued)` : ''}
              <progress max={progress.total} value={progress.ready} aria-hidden="true" />
            </p>
          )}
        </>
      ) : (
        <p>
          <strong>Waiting:</strong> your instructor has not started a lab for you yet. Keep this page open: it updates
          by itself.
        </p>
      );
    case 'ready':
      return (
        <p>
          <strong>Ready:</strong> your AWS credentials are below.
        </p>
      );
    case 'renewing':
      return (
        <p>
          <strong>Renewing:</strong> fresh credentials are being issued; the ones below keep working until they expire.
        </p>
      );
    case 'expiring':
      return (
        <p>
          <strong>Expiring soon:</strong> these credentials stop working in {formatRemaining(remaining ?? 0)}. Save your
          work.
        </p>
      );
    case 'expired':
      return (
        <p>
          <strong>Ended:</strong> your lab access expired{lab?.expiresAt ? ` at ${time(lab.expiresAt)}` : ''}.
        </p>
      );
    case 'revoked': {
      // The instructor's own words (from the session, or the event that ended it), shown as text.
      const instructor = lab?.revokeReason || endReason?.instructor;
      if (instructor)
        return (
          <p>
            <strong>Ended:</strong> your instructor ended your access: <q className="reason">{instructor}</q>
          </p>
        );
      const code = endReason?.code;
      return (
        <p>
          <strong>Ended:</strong> your instructor ended your access
          {code && END_REASONS[code] !== '' ? (
            <>
              : <span className="reason">{END_REASONS[code] ?? code}</span>
            </>
          ) : (
            ''
          )}
          .
        </p>
      );
    }
    case 'failed':
      return (
        <p>
          <strong>Ended:</strong> your credentials could not be issued
          {lab?.failureCode || lab?.failureReason ? (
            <>
              {' '}
              (<span className="reason">{[lab.failureCode, lab.failureReason].filter(Boolean).join(': ')}</span>)
            </>
          ) : null}
          . Tell your instructor.
        </p>
      );
    default:
      return null;
  }
}
