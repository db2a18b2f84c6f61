import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, send, unwrap, type Schemas } from '../api/client';
import { ApiProblem, asProblem, type FieldProblem } from '../api/problem';
import { useConfirm } from '../components/Confirm';
import { CopyBlock, CopyButton } from '../components/CopyButton';
import { Field } from '../components/Field';
import { Pager, usePager } from '../components/Pager';
import { formatTime, Page, QueryState, TableScroll } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';

type ImportResult = Schemas['RosterImportResultDto'];

/** One row of the report of a refused roster: the file's (or the list's) line, the field and what is wrong. */
export interface RowProblem {
  line: number | null;
  field: string;
  message: string;
}

/**
 * The api names a roster row's problem `rows[i].email` (CSV, message "line N: …") or `students[i].email`
 * (JSON, where the line is the list's own, i + 1 here).
 */
export function rowProblems(errors: FieldProblem[], lineOf?: (index: number) => number): RowProblem[] {
  return errors.map((e) => {
    const fromMessage = /^line (\d+): (.*)$/s.exec(e.message);
    const index = /^(?:rows|students)\[(\d+)\]\.?(.*)$/.exec(e.field);
    const field = index ? index[2] || e.field : e.field;
    if (fromMessage) return { line: Number(fromMessage[1]), field, message: fromMessage[2] };
    return { line: index && lineOf ? lineOf(Number(index[1])) : null, field, message: e.message };
  });
}

function RowReport({ problems, caption }: { problems: RowProblem[]; caption: string }) {
  return (
    <TableScroll label={caption}>
      <table className="report">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Field</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((p, i) => (
            <tr key={i}>
              <td>{p.line ?? '—'}</td>
              <td>
                <code>{p.field}</code>
              </td>
              <td>{p.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function ImportSummary({ result }: { result: ImportResult }) {
  const csv = ['email,accessLink', ...result.accessLinks.map((l) => `${l.email},${l.accessLink}`)].join('\n');
  return (
    <div className="alert success" role="status">
      <p>
        <strong>Imported.</strong> {result.students.created} new student(s), {result.students.existing} already known;{' '}
        {result.enrollments.created} enrolled, {result.enrollments.reactivated} re-enrolled,{' '}
        {result.enrollments.alreadyEnrolled} already enrolled.
      </p>
      {result.accessLinks.length > 0 && (
        <>
          <p>New access links (shown only now; you can also email them from the roster):</p>
          <CopyButton text={csv} label="Copy all links as CSV" />
          <details>
            <summary>Show the {result.accessLinks.length} links</summary>
            <ul className="links">
              {result.accessLinks.map((l) => (
                <li key={l.enrollmentId}>
                  {l.email}: <CopyButton text={l.accessLink} label={`Copy link for ${l.email}`} />
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
    </div>
  );
}

function AddStudents({ courseId, onDone }: { courseId: string; onDone: () => void }) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [sentLines, setSentLines] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const lines = text
      .split('\n')
      .map((line, i) => ({ line: i + 1, text: line.trim() }))
      .filter((l) => l.text);
    const students = lines.map((l) => {
      const [email, ...name] = l.text.split(',');
      return { email: email.trim(), displayName: name.join(',').trim() || undefined };
    });
    setBusy(true);
    setProblem(null);
    setResult(null);
    setSentLines(lines.map((l) => l.line));
    try {
      setResult(
        await unwrap(
          api.POST('/v1/courses/{courseId}/students', { params: { path: { courseId } }, body: { students } }),
        ),
      );
      setText('');
      onDone();
    } catch (e) {
      setProblem(asProblem(e));
    } finally {
      setBusy(false);
    }
  };
  const report = problem ? rowProblems(problem.errors, (i) => sentLines[i] ?? i + 1) : [];
  return (
    <section className="card" aria-labelledby="add-students">
      <h2 id="add-students">Add students</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        noValidate
      >
        <div className="field">
          <label htmlFor="roster-text">One student per line: email, then optionally a comma and the name</label>
          <textarea
            id="roster-text"
            rows={4}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={'grace@example.edu, Grace Hopper\nalan@example.edu'}
            aria-invalid={!!problem || undefined}
          />
        </div>
        {problem && (
          <div role="alert">
            <p className="alert error">
              <strong>{problem.detail}</strong> Nothing was added.
            </p>
            {report.length > 0 && <RowReport problems={report} caption="Lines to fix" />}
          </div>
        )}
        {result && <ImportSummary result={result} />}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !text.trim()}>
            Add students
          </button>
        </div>
      </form>
    </section>
  );
}

function CsvUpload({ courseId, onDone }: { courseId: string; onDone: () => void }) {
  const [file, setFile] = useState<{ name: string; text: string; rows: number } | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = e.target.files?.[0];
    setProblem(null);
    setResult(null);
    if (!chosen) return setFile(null);
    const text = await chosen.text();
    setFile({ name: chosen.name, text, rows: Math.max(0, text.split(/\r?\n/).filter((l) => l.trim()).length - 1) });
  };
  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setProblem(null);
    try {
      setResult(
        await send<ImportResult>(
          'POST',
          `/v1/courses/${encodeURIComponent(courseId)}/students/csv`,
          file.text,
          'text/csv',
        ),
      );
      setFile(null);
      onDone();
    } catch (e) {
      setProblem(asProblem(e));
    } finally {
      setBusy(false);
    }
  };
  const report = problem ? rowProblems(problem.errors) : [];
  return (
    <section className="card" aria-labelledby="csv-upload">
      <h2 id="csv-upload">Upload a roster (CSV)</h2>
      <p className="hint">
        A header row with an <code>email</code> column and optionally <code>displayName</code> (or <code>name</code>);
        other columns are ignored and never stored. The file is checked as a whole: if any row is wrong, nothing is
        imported and every wrong row is listed.
      </p>
      <div className="field">
        <label htmlFor="csv-file">CSV file</label>
        <input id="csv-file" type="file" accept=".csv,text/csv" onChange={(e) => void choose(e)} />
      </div>
      {file && (
        <p>
          {file.name}: {file.rows} student row(s).{' '}
          <button type="button" className="primary" onClick={() => void upload()} disabled={busy}>
            Check and import
          </button>
        </p>
      )}
      {problem && (
        <div role="alert">
          <p className="alert error">
            <strong>{problem.detail}</strong>
          </p>
          {report.length > 0 && <RowReport problems={report} caption="Rows to fix (nothing was imported)" />}
        </div>
      )}
      {result && <ImportSummary result={result} />}
    </section>
  );
}

interface RosterRow {
  key: string;
  studentId: string;
  email: string;
  name: string | null;
  handle: string;
  enrollmentId: string | null;
  active: boolean;
  tokenIssuedAt: string | null;
  emailState: string | null;
  emailError: string | null;
}

function Roster({
  courseId,
  archived,
  version,
  onChanged,
}: {
  courseId: string;
  archived: boolean;
  version: number;
  onChanged: () => void;
}) {
  const confirm = useConfirm();
  const pager = usePager();
  const [q, setQ] = useState('');
  const [showUnenrolled, setShowUnenrolled] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [link, setLink] = useState<{ email: string; link: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const search = q.trim();
  const roster = useQuery({
    queryKey: ['roster', courseId, search, showUnenrolled, pager.cursor, version],
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<{ rows: RosterRow[]; nextCursor?: string | null }> => {
      if (search) {
        // The roster list has no text search; the students list does (within this course).
        const page = await unwrap(
          api.GET('/v1/students', { params: { query: { courseId, q: search, limit: 25, cursor: pager.cursor } } }),
        );
        return {
          nextCursor: page.nextCursor,
          rows: page.items.map((s) => ({
            key: s.id,
            studentId: s.id,
            email: s.email,
            name: s.displayName ?? null,
            handle: s.handle,
            enrollmentId: null,
            active: true,
            tokenIssuedAt: null,
            emailState: null,
            emailError: null,
          })),
        };
      }
      const page = await unwrap(
        api.GET('/v1/courses/{courseId}/enrollments', {
          params: {
            path: { courseId },
            query: { limit: 25, cursor: pager.cursor, active: showUnenrolled ? undefined : 'true' },
          },
        }),
      );
      return {
        nextCursor: page.nextCursor,
        rows: page.items.map((e) => ({
          key: e.id,
          studentId: e.studentId,
          email: e.student.email,
          name: e.student.displayName ?? null,
          handle: e.student.handle,
          enrollmentId: e.id,
          active: e.active,
          tokenIssuedAt: e.tokenIssuedAt ?? null,
          emailState: e.email?.state ?? null,
          emailError: e.email?.error ?? null,
        })),
      };
    },
  });
  const enrollmentOf = async (row: RosterRow): Promise<string> => {
    if (row.enrollmentId) return row.enrollmentId;
    const student = await unwrap(
      api.GET('/v1/students/{studentId}', { params: { path: { studentId: row.studentId } } }),
    );
    const enrollment = student.enrollments.find((e) => e.courseId === courseId && e.active);
    if (!enrollment) throw new ApiProblem(404, 'Not enrolled', `${row.email} is not enrolled in this course.`);
    return enrollment.id;
  };
  const act = async (action: () => Promise<void>) => {
    setProblem(null);
    setNotice(null);
    try {
      await action();
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  const unenrol = (row: RosterRow) =>
    act(async () => {
      if (
        !(await confirm({
          title: `Unenrol ${row.email}?`,
          body: <p>Their access link stops working and their live lab sessions are revoked.</p>,
          confirmLabel: 'Unenrol',
          danger: true,
        }))
      )
        return;
      const enrollmentId = await enrollmentOf(row);
      await unwrap(
        api.DELETE('/v1/courses/{courseId}/enrollments/{enrollmentId}', {
          params: { path: { courseId, enrollmentId } },
        }),
      );
      onChanged();
    });
  const issueLink = (row: RosterRow) =>
    act(async () => {
      if (
        row.tokenIssuedAt &&
        !(await confirm({
          title: `New link for ${row.email}?`,
          body: <p>Their current link stops working.</p>,
          confirmLabel: 'Issue new link',
        }))
      )
        return;
      const enrollmentId = await enrollmentOf(row);
      const issued = await unwrap(
        api.POST('/v1/courses/{courseId}/enrollments/{enrollmentId}/access-link', {
          params: { path: { courseId, enrollmentId } },
        }),
      );
      setLink({ email: row.email, link: issued.accessLink });
      onChanged();
    });
  const emailLink = (row: RosterRow) =>
    act(async () => {
      if (
        !(await confirm({
          title: `Email ${row.email} a link?`,
          body: <p>The email carries a fresh link; their current one stops working.</p>,
          confirmLabel: 'Email link',
        }))
      )
        return;
      const enrollmentId = await enrollmentOf(row);
      await unwrap(
        api.POST('/v1/courses/{courseId}/enrollments/{enrollmentId}/access-link/email', {
          params: { path: { courseId, enrollmentId } },
        }),
      );
      setNotice(`An email to ${row.email} is queued.`);
      onChanged();
    });
  const emailAll = (only: 'unsent' | 'all') =>
    act(async () => {
      const body =
        only === 'all' ? (
          <p>Every current student gets an email with a fresh link; every link sent before stops working.</p>
        ) : (
          <p>Students whose link was never emailed (or whose last email failed) get one.</p>
        );
      if (
        !(await confirm({
          title: only === 'all' ? 'Email every student a new link?' : 'Email links not yet sent?',
          body,
          confirmLabel: 'Send emails',
          danger: only === 'all',
        }))
      )
        return;
      const sent = await unwrap(
        api.POST('/v1/courses/{courseId}/access-links/email', { params: { path: { courseId } }, body: { only } }),
      );
      setNotice(`${sent.queued} email(s) queued.`);
      onChanged();
    });

  return (
    <section className="card" aria-labelledby="roster">
      <h2 id="roster">Roster</h2>
      <div className="filters">
        <Field
          label="Search students"
          name="q"
          type="search"
          hint="Email or name"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            pager.reset();
          }}
        />
        {!search && (
          <Field
            label="Show unenrolled students too"
            name="unenrolled"
            type="checkbox"
            checked={showUnenrolled}
            onChange={(e) => {
              setShowUnenrolled(e.target.checked);
              pager.reset();
            }}
          />
        )}
      </div>
      {!archived && (
        <div className="actions">
          <button type="button" onClick={() => void emailAll('unsent')}>
            Email links not yet sent
          </button>
          <button type="button" onClick={() => void emailAll('all')}>
            Email everyone a new link
          </button>
        </div>
      )}
      <ProblemAlert problem={problem} />
      {notice && (
        <p className="alert success" role="status">
          {notice}
        </p>
      )}
      {link && (
        <div className="alert success" role="status">
          <p>Access link for {link.email} (shown only now):</p>
          <CopyBlock text={link.link} label="access link" />
          <button type="button" className="link" onClick={() => setLink(null)}>
            Done
          </button>
        </div>
      )}
      <QueryState isLoading={roster.isLoading} error={roster.error} />
      {roster.data && roster.data.rows.length === 0 && (
        <p>{search ? 'No student matches.' : 'No students yet: add them below.'}</p>
      )}
      {roster.data && roster.data.rows.length > 0 && (
        <TableScroll label="Roster">
          <table>
            <thead>
              <tr>
                <th scope="col">Student</th>
                <th scope="col">AWS sees</th>
                <th scope="col">Link issued</th>
                <th scope="col">Email</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {roster.data.rows.map((row) => (
                <tr key={row.key} className={row.active ? undefined : 'inactive'}>
                  <td>
                    {row.name ? (
                      <>
                        {row.name}
                        <br />
                      </>
                    ) : null}
                    <span className="muted">{row.email}</span>
                    {!row.active && <span className="badge">unenrolled</span>}
                  </td>
                  <td>
                    <code>{row.handle}</code>
                  </td>
                  <td>{row.enrollmentId ? formatTime(row.tokenIssuedAt) : '…'}</td>
                  <td>
                    {row.emailState ?? '—'}
                    {row.emailError && <span className="muted"> ({row.emailError})</span>}
                  </td>
                  <td className="row-actions">
                    {row.active && !archived && (
                      <>
                        <button type="button" className="small" onClick={() => void issueLink(row)}>
                          Issue link<span className="sr-only"> for {row.email}</span>
                        </button>
                        <button type="button" className="small" onClick={() => void emailLink(row)}>
                          Email link<span className="sr-only"> to {row.email}</span>
                        </button>
                        <button type="button" className="small danger" onClick={() => void unenrol(row)}>
                          Unenrol<span className="sr-only"> {row.email}</span>
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager pager={pager} nextCursor={roster.data?.nextCursor} label="Roster" />
    </section>
  );
}

export function CoursePage() {
  const { courseId = '' } = useParams();
  const client = useQueryClient();
  const [version, setVersion] = useState(0);
  const course = useQuery({
    queryKey: ['course', courseId],
    queryFn: () => unwrap(api.GET('/v1/courses/{courseId}', { params: { path: { courseId } } })),
  });
  const changed = () => {
    setVersion((v) => v + 1);
    void client.invalidateQueries({ queryKey: ['course', courseId] });
  };
  const c = course.data;
  return (
    <Page title={c ? `${c.code}: ${c.title}` : 'Course'} actions={<Link to="/labs/new">New lab</Link>}>
      <QueryState isLoading={course.isLoading} error={course.error} />
      {c && (
        <>
          <p className="muted">
            {c.activeEnrollments} student(s) enrolled · ends {formatTime(c.endsAt)}
            {c.archivedAt && <> · archived {formatTime(c.archivedAt)}</>}
          </p>
          <Roster courseId={courseId} archived={!!c.archivedAt} version={version} onChanged={changed} />
          {!c.archivedAt && (
            <div className="two-col">
              <CsvUpload courseId={courseId} onDone={changed} />
              <AddStudents courseId={courseId} onDone={changed} />
            </div>
          )}
        </>
      )}
    </Page>
  );
}
