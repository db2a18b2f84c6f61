import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ApiProblem, asProblem } from '../api/problem';
import { Field, SelectField } from '../components/Field';
import { Pager, usePager } from '../components/Pager';
import { formatTime, Page, QueryState, StateBadge, TableScroll } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';

type LabState = Schemas['LabDto']['state'];

/** `datetime-local` input value → ISO instant (in the browser's time zone), or undefined when empty. */
export const isoOrUndefined = (local: string) => (local ? new Date(local).toISOString() : undefined);
/** ISO instant → `datetime-local` input value in the browser's time zone. */
export function localInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function LabsPage() {
  const pager = usePager();
  const [state, setState] = useState<LabState | ''>('');
  const labs = useQuery({
    queryKey: ['labs', state, pager.cursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/v1/labs', {
          params: { query: { limit: 25, cursor: pager.cursor, state: state || undefined, sort: '-createdAt' } },
        }),
      ),
  });
  const courses = useQuery({
    queryKey: ['courses', 'all'],
    queryFn: () =>
      unwrap(api.GET('/v1/courses', { params: { query: { limit: 100, archived: 'false', sort: 'code' } } })),
  });
  const courseName = (id: string) => courses.data?.items.find((c) => c.id === id)?.code ?? '…';
  return (
    <Page
      title="Labs"
      actions={
        <Link className="button primary" to="/labs/new">
          New lab
        </Link>
      }
    >
      <section className="card" aria-labelledby="lab-list">
        <h2 id="lab-list">Labs</h2>
        <div className="filters">
          <SelectField
            label="State"
            name="state"
            value={state}
            onChange={(e) => {
              setState(e.target.value as LabState | '');
              pager.reset();
            }}
          >
            <option value="">Any</option>
            <option value="SCHEDULED">Scheduled</option>
            <option value="RUNNING">Running</option>
            <option value="ENDED">Ended</option>
            <option value="CANCELLED">Cancelled</option>
          </SelectField>
        </div>
        <QueryState isLoading={labs.isLoading} error={labs.error} />
        {labs.data && labs.data.items.length === 0 && <p>No labs{state ? ' in this state' : ' yet'}.</p>}
        {labs.data && labs.data.items.length > 0 && (
          <TableScroll label="Labs">
            <table>
              <thead>
                <tr>
                  <th scope="col">Lab</th>
                  <th scope="col">Course</th>
                  <th scope="col">State</th>
                  <th scope="col">Starts</th>
                  <th scope="col">Ends</th>
                </tr>
              </thead>
              <tbody>
                {labs.data.items.map((lab) => (
                  <tr key={lab.id}>
                    <td>
                      <Link to={`/labs/${lab.id}`}>{lab.name}</Link>
                    </td>
                    <td>{courseName(lab.courseId)}</td>
                    <td>
                      <StateBadge state={lab.state} />
                    </td>
                    <td>{formatTime(lab.startedAt ?? lab.startsAt)}</td>
                    <td>{formatTime(lab.endedAt ?? lab.endsAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Pager pager={pager} nextCursor={labs.data?.nextCursor} label="Labs" />
      </section>
    </Page>
  );
}

export function NewLabPage() {
  const navigate = useNavigate();
  const courses = useQuery({
    queryKey: ['courses', 'all'],
    queryFn: () =>
      unwrap(api.GET('/v1/courses', { params: { query: { limit: 100, archived: 'false', sort: 'code' } } })),
  });
  const templates = useQuery({
    queryKey: ['templates'],
    queryFn: () => unwrap(api.GET('/v1/templates', { params: { query: { limit: 100 } } })),
  });
  const [form, setForm] = useState({
    name: '',
    courseId: '',
    templateId: '',
    startsAt: '',
    endsAt: '',
    minutes: '',
    autoRenew: false,
  });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const courseId = form.courseId || courses.data?.items[0]?.id || '';
  const templateId = form.templateId || templates.data?.items[0]?.id || '';
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/labs', {
          body: {
            name: form.name.trim(),
            courseId,
            templateId,
            startsAt: isoOrUndefined(form.startsAt),
            endsAt: isoOrUndefined(form.endsAt),
            sessionDurationSeconds: form.minutes ? Number(form.minutes) * 60 : undefined,
            autoRenew: form.autoRenew,
          },
        }),
      ),
    onMutate: () => setProblem(null),
    onSuccess: (lab) => navigate(`/labs/${lab.id}`),
    onError: (e) => {
      const p = asProblem(e);
      // The api speaks of seconds; the form asks for minutes.
      setProblem(
        new ApiProblem(
          p.status,
          p.title,
          p.detail,
          p.errors.map((x) => (x.field === 'sessionDurationSeconds' ? { ...x, field: 'minutes' } : x)),
          p.body,
        ),
      );
    },
  });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });
  return (
    <Page title="New lab">
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        noValidate
      >
        <ProblemAlert
          problem={problem}
          shown={['name', 'courseId', 'templateId', 'startsAt', 'endsAt', 'minutes', 'autoRenew']}
        />
        <div className="grid">
          <Field
            label="Name"
            name="name"
            value={form.name}
            onChange={set('name')}
            problem={problem}
            placeholder="Lab 3: S3 permissions"
            required
          />
          <SelectField label="Course" name="courseId" value={courseId} onChange={set('courseId')} problem={problem}>
            {courses.data?.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.code}: {c.title} ({c.activeEnrollments} students)
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Role template"
            name="templateId"
            value={templateId}
            onChange={set('templateId')}
            problem={problem}
          >
            {templates.data?.items.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </SelectField>
          <Field
            label="Starts (optional)"
            name="startsAt"
            type="datetime-local"
            hint="Empty: you start it from the lab board."
            value={form.startsAt}
            onChange={set('startsAt')}
            problem={problem}
          />
          <Field
            label="Ends (optional)"
            name="endsAt"
            type="datetime-local"
            hint="Access ends then for every student."
            value={form.endsAt}
            onChange={set('endsAt')}
            problem={problem}
          />
          <Field
            label="Session length in minutes (optional)"
            name="minutes"
            type="number"
            min={15}
            max={720}
            hint="Default: the template’s."
            value={form.minutes}
            onChange={set('minutes')}
            problem={problem}
          />
          <Field
            label="Renew sessions before they expire while the lab runs"
            name="autoRenew"
            type="checkbox"
            checked={form.autoRenew}
            onChange={(e) => setForm({ ...form, autoRenew: e.target.checked })}
            problem={problem}
          />
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending || !courseId || !templateId}>
            Create lab
          </button>
        </div>
        {(courses.data?.items.length === 0 || templates.data?.items.length === 0) && (
          <p className="hint">
            A lab needs a <Link to="/courses">course</Link> and a <Link to="/templates/new">role template</Link> first.
          </p>
        )}
      </form>
    </Page>
  );
}
