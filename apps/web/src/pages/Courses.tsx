import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { ApiProblem, asProblem } from '../api/problem';
import { useConfirm } from '../components/Confirm';
import { Field, SelectField } from '../components/Field';
import { Pager, usePager } from '../components/Pager';
import { formatTime, Page, QueryState, TableScroll } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';

function NewCourse({ onCreated }: { onCreated: () => void }) {
  const [code, setCode] = useState('');
  const [title, setTitle] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/courses', {
          body: { code: code.trim(), title: title.trim(), endsAt: endsAt ? new Date(endsAt).toISOString() : undefined },
        }),
      ),
    onMutate: () => setProblem(null),
    onSuccess: () => {
      setCode('');
      setTitle('');
      setEndsAt('');
      onCreated();
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  return (
    <section className="card" aria-labelledby="new-course">
      <h2 id="new-course">New course</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        noValidate
      >
        <ProblemAlert problem={problem} shown={['code', 'title', 'endsAt']} />
        <Field
          label="Code"
          name="code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          problem={problem}
          placeholder="CLOUD101"
          required
        />
        <Field
          label="Title"
          name="title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          problem={problem}
          placeholder="Cloud Foundations"
          required
        />
        <Field
          label="Ends (optional)"
          name="endsAt"
          type="datetime-local"
          hint="Access links stop working then."
          value={endsAt}
          onChange={(e) => setEndsAt(e.target.value)}
          problem={problem}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            Create course
          </button>
        </div>
      </form>
    </section>
  );
}

export function CoursesPage() {
  const client = useQueryClient();
  const confirm = useConfirm();
  const pager = usePager();
  const [q, setQ] = useState('');
  const [archived, setArchived] = useState<'false' | 'true'>('false');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const courses = useQuery({
    queryKey: ['courses', q, archived, pager.cursor],
    queryFn: () =>
      unwrap(
        api.GET('/v1/courses', {
          params: { query: { limit: 25, cursor: pager.cursor, q: q.trim() || undefined, archived, sort: 'code' } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['courses'] });
  const toggleArchive = async (id: string, code: string, archive: boolean) => {
    setProblem(null);
    if (
      archive &&
      !(await confirm({
        title: `Archive ${code}?`,
        body: <p>Its students' access links stop working and their live lab sessions are revoked.</p>,
        confirmLabel: 'Archive course',
        danger: true,
      }))
    )
      return;
    try {
      await unwrap(
        archive
          ? api.POST('/v1/courses/{courseId}/archive', { params: { path: { courseId: id } } })
          : api.POST('/v1/courses/{courseId}/unarchive', { params: { path: { courseId: id } } }),
      );
      await refresh();
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  return (
    <Page title="Courses">
      <NewCourse onCreated={() => void refresh()} />
      <section className="card" aria-labelledby="course-list">
        <h2 id="course-list">{archived === 'true' ? 'Archived courses' : 'Courses'}</h2>
        <div className="filters">
          <Field
            label="Search"
            name="q"
            type="search"
            value={q}
            onChange={(e) => {
              setQ(e.target.value);
              pager.reset();
            }}
          />
          <SelectField
            label="Show"
            name="archived"
            value={archived}
            onChange={(e) => {
              setArchived(e.target.value as 'true' | 'false');
              pager.reset();
            }}
          >
            <option value="false">Current</option>
            <option value="true">Archived</option>
          </SelectField>
        </div>
        <ProblemAlert problem={problem} />
        <QueryState isLoading={courses.isLoading} error={courses.error} />
        {courses.data && courses.data.items.length === 0 && <p>No courses{q ? ' match' : ' yet'}.</p>}
        {courses.data && courses.data.items.length > 0 && (
          <TableScroll label="Courses">
            <table>
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Title</th>
                  <th scope="col">Students</th>
                  <th scope="col">Ends</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {courses.data.items.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/courses/${c.id}`}>{c.code}</Link>
                    </td>
                    <td>{c.title}</td>
                    <td>{c.activeEnrollments}</td>
                    <td>{formatTime(c.endsAt)}</td>
                    <td>
                      <button
                        type="button"
                        className={c.archivedAt ? 'small' : 'small danger'}
                        onClick={() => void toggleArchive(c.id, c.code, !c.archivedAt)}
                      >
                        {c.archivedAt ? 'Unarchive' : 'Archive'}
                        <span className="sr-only"> {c.code}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Pager pager={pager} nextCursor={courses.data?.nextCursor} label="Courses" />
      </section>
    </Page>
  );
}
