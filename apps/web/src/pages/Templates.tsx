import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ApiProblem, asProblem } from '../api/problem';
import { useConfirm } from '../components/Confirm';
import { CopyBlock, CopyButton } from '../components/CopyButton';
import { Field, SelectField } from '../components/Field';
import { JsonEditor, type JsonEditorHandle } from '../components/JsonEditor';
import { Page, QueryState, TableScroll } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';

type Template = Schemas['TemplateDto'];

/** The placeholders a template may use (libs/templates/src/placeholder.catalog.ts). */
const PLACEHOLDERS: [string, string][] = [
  ['student.handle', 'the student’s pseudonymous handle (what AWS sees; also the source identity)'],
  ['course.code', 'the course code'],
  ['course.id', 'the course id'],
  ['lab.id', 'the lab id'],
  ['session.id', 'the lab session id'],
  ['tenant.id', 'your school’s id in LabKeys'],
  ['region', 'the connection’s region'],
  ['account.id', 'the connection’s AWS account id'],
  ['partition', 'the connection’s partition (aws, aws-us-gov, aws-cn)'],
];

const EXAMPLE_POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:{{partition}}:s3:::class-bucket',
        Condition: { StringLike: { 's3:prefix': 'students/{{student.handle}}/*' } },
      },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: 'arn:{{partition}}:s3:::class-bucket/students/{{student.handle}}/*',
      },
    ],
  },
  null,
  2,
);

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const list = (text: string) =>
  text
    .split(/[,\n]/)
    .map((l) => l.trim())
    .filter(Boolean);

/** Messages of a field and of its items (`managedPolicyArns[1]`, `sessionTags[0].value`). */
function under(problem: ApiProblem | null, field: string): string[] {
  return problem
    ? problem.errors
        .filter((e) => e.field === field || e.field.startsWith(`${field}[`) || e.field.startsWith(`${field}.`))
        .map((e) => (e.field === field ? e.message : `${e.field}: ${e.message}`))
    : [];
}

function TextAreaField({
  label,
  name,
  value,
  onChange,
  problem,
  hint,
  rows = 3,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (v: string) => void;
  problem: ApiProblem | null;
  hint?: string;
  rows?: number;
}) {
  const id = useId();
  const messages = under(problem, name);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      <textarea
        id={id}
        name={name}
        rows={rows}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={
          [hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
        }
      />
      {messages.length > 0 && (
        <div className="field-error" id={`${id}-error`}>
          {messages.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      )}
    </div>
  );
}

function Preview({ template }: { template: Template }) {
  const [courseId, setCourseId] = useState('');
  const [studentId, setStudentId] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const courses = useQuery({
    queryKey: ['courses', 'all'],
    queryFn: () =>
      unwrap(api.GET('/v1/courses', { params: { query: { limit: 100, archived: 'false', sort: 'code' } } })),
  });
  const students = useQuery({
    queryKey: ['roster-pick', courseId],
    enabled: !!courseId,
    queryFn: () =>
      unwrap(
        api.GET('/v1/courses/{courseId}/enrollments', {
          params: { path: { courseId }, query: { limit: 100, active: 'true' } },
        }),
      ),
  });
  const preview = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/templates/{templateId}/preview', {
          params: { path: { templateId: template.id } },
          body: { courseId: courseId || undefined, studentId: studentId || undefined },
        }),
      ),
    onMutate: () => setProblem(null),
    onError: (e) => setProblem(asProblem(e)),
  });
  const text = preview.data ? JSON.stringify(preview.data.assumeRole, null, 2) : '';
  return (
    <section className="card" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      <p className="hint">
        The exact AssumeRole parameters LabKeys would send for one student (without a student, a sample stands in).
      </p>
      <div className="inline-form">
        <SelectField
          label="Course"
          name="courseId"
          value={courseId}
          problem={problem}
          onChange={(e) => {
            setCourseId(e.target.value);
            setStudentId('');
          }}
        >
          <option value="">Sample course</option>
          {courses.data?.items.map((c) => (
            <option key={c.id} value={c.id}>
              {c.code}: {c.title}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Student"
          name="studentId"
          value={studentId}
          problem={problem}
          onChange={(e) => setStudentId(e.target.value)}
          disabled={!courseId}
        >
          <option value="">Sample student</option>
          {students.data?.items.map((e) => (
            <option key={e.studentId} value={e.studentId}>
              {e.student.displayName ? `${e.student.displayName} (${e.student.email})` : e.student.email}
            </option>
          ))}
        </SelectField>
        <div className="actions">
          <button type="button" className="primary" onClick={() => preview.mutate()} disabled={preview.isPending}>
            Preview
          </button>
        </div>
      </div>
      <ProblemAlert problem={problem} shown={['courseId', 'studentId']} />
      {preview.data && (
        <div role="status">
          <p>
            {preview.data.policyLength !== undefined && (
              <>Packed session policy: {preview.data.policyLength} characters of AWS’s 2,048. </>
            )}
            {(preview.data.sample.student || preview.data.sample.course) && (
              <span className="muted">
                Sample values stand in for{' '}
                {[
                  preview.data.sample.student && 'the student',
                  preview.data.sample.course && 'the course',
                  preview.data.sample.lab && 'the lab',
                ]
                  .filter(Boolean)
                  .join(', ')}
                .
              </span>
            )}
          </p>
          <CopyBlock text={text} label="AssumeRole parameters" multiline />
        </div>
      )}
    </section>
  );
}

export function TemplateEditorPage() {
  const { templateId = 'new' } = useParams();
  const isNew = templateId === 'new';
  const client = useQueryClient();
  const navigate = useNavigate();
  const confirm = useConfirm();
  const editor = useRef<JsonEditorHandle>(null);
  const policyHint = useId();
  const existing = useQuery({
    queryKey: ['template', templateId],
    enabled: !isNew,
    queryFn: () => unwrap(api.GET('/v1/templates/{templateId}', { params: { path: { templateId } } })),
  });
  const connections = useQuery({
    queryKey: ['connections'],
    queryFn: () => unwrap(api.GET('/v1/connections', { params: { query: { limit: 100 } } })),
  });
  const [form, setForm] = useState<Record<string, string> | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState(false);

  const t = existing.data;
  const firstConnection = connections.data?.items[0];
  // A new template starts on the first connection's lab role (its default name when none was given).
  const firstSetup = useQuery({
    queryKey: ['setup', firstConnection?.id],
    enabled: isNew && !!firstConnection && !firstConnection.labRoleArn,
    queryFn: () =>
      unwrap(
        api.GET('/v1/connections/{connectionId}/setup', { params: { path: { connectionId: firstConnection!.id } } }),
      ),
  });
  const values = form ?? {
    name: t?.name ?? '',
    connectionId: t?.connectionId ?? firstConnection?.id ?? '',
    roleArn: t?.roleArn ?? firstConnection?.labRoleArn ?? firstSetup.data?.labRole.roleArn ?? '',
    durationSeconds: String(t?.durationSeconds ?? 3600),
    sessionPolicyTemplate: t
      ? t.sessionPolicyTemplate
        ? JSON.stringify(JSON.parse(t.sessionPolicyTemplate), null, 2)
        : ''
      : EXAMPLE_POLICY,
    managedPolicyArns: (t?.managedPolicyArns ?? []).join('\n'),
    sessionTags: (t?.sessionTags ?? []).map((tag) => `${tag.key}=${tag.value}`).join('\n'),
    transitiveTagKeys: (t?.transitiveTagKeys ?? []).join(', '),
    consoleDestination: t?.consoleDestination ?? '',
    allowedRegions: (t?.allowedRegions ?? []).join(', '),
  };
  const set = (key: string) => (value: string) => {
    setForm({ ...values, [key]: value });
    setSaved(false);
  };
  const policyProblems = useMemo(
    () =>
      (problem?.errors ?? [])
        .filter(
          (e) =>
            e.field === 'sessionPolicyTemplate' ||
            e.field.startsWith('sessionPolicyTemplate.') ||
            e.field.startsWith('sessionPolicyTemplate['),
        )
        .map((e) => ({ path: e.field.slice('sessionPolicyTemplate'.length), message: e.message, field: e.field })),
    [problem],
  );

  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: values.name.trim(),
        connectionId: values.connectionId,
        roleArn: values.roleArn.trim(),
        durationSeconds: Number(values.durationSeconds),
        sessionPolicyTemplate: values.sessionPolicyTemplate.trim() || undefined,
        managedPolicyArns: lines(values.managedPolicyArns),
        sessionTags: lines(values.sessionTags).map((l) => ({
          key: l.slice(0, l.includes('=') ? l.indexOf('=') : l.length).trim(),
          value: l.includes('=') ? l.slice(l.indexOf('=') + 1).trim() : '',
        })),
        transitiveTagKeys: list(values.transitiveTagKeys),
        consoleDestination: values.consoleDestination.trim() || undefined,
        allowedRegions: list(values.allowedRegions),
      };
      return isNew
        ? unwrap(api.POST('/v1/templates', { body }))
        : unwrap(api.PATCH('/v1/templates/{templateId}', { params: { path: { templateId } }, body }));
    },
    onMutate: () => {
      setProblem(null);
      setSaved(false);
    },
    onSuccess: (template) => {
      setSaved(true);
      client.setQueryData(['template', template.id], template);
      void client.invalidateQueries({ queryKey: ['templates'] });
      // A new template keeps the form as typed (it is what was saved) while the address becomes its own.
      if (isNew) navigate(`/templates/${template.id}`, { replace: true });
      else setForm(null);
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const remove = async () => {
    if (
      !(await confirm({
        title: 'Delete this template?',
        body: <p>Labs that use it keep their sessions; new labs cannot use it.</p>,
        confirmLabel: 'Delete template',
        danger: true,
      }))
    )
      return;
    try {
      await unwrap(api.DELETE('/v1/templates/{templateId}', { params: { path: { templateId } } }));
      await client.invalidateQueries({ queryKey: ['templates'] });
      navigate('/templates');
    } catch (e) {
      setProblem(asProblem(e));
    }
  };

  const shownFields = ['name', 'connectionId', 'roleArn', 'durationSeconds', 'consoleDestination'];
  const isShown = (field: string) =>
    shownFields.includes(field) ||
    /^(sessionPolicyTemplate|managedPolicyArns|sessionTags|transitiveTagKeys|allowedRegions)([.[]|$)/.test(field);
  return (
    <Page
      title={isNew ? 'New role template' : `Template ${t?.name ?? ''}`}
      actions={
        !isNew && (
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete
          </button>
        )
      }
    >
      <QueryState isLoading={!isNew && existing.isLoading} error={existing.error} />
      {(isNew || t) && (
        <div className="editor-layout">
          <form
            className="card"
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate();
            }}
            noValidate
          >
            {problem && <ProblemAlert problem={problem} shown={problem.errors.map((e) => e.field).filter(isShown)} />}
            {saved && (
              <p className="alert success" role="status">
                Saved.
              </p>
            )}
            <div className="grid">
              <Field
                label="Name"
                name="name"
                value={values.name}
                onChange={(e) => set('name')(e.target.value)}
                problem={problem}
                required
              />
              <SelectField
                label="Connection"
                name="connectionId"
                value={values.connectionId}
                onChange={(e) => set('connectionId')(e.target.value)}
                problem={problem}
              >
                {connections.data?.items.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.accountId})
                  </option>
                ))}
              </SelectField>
              <Field
                label="Role ARN"
                name="roleArn"
                value={values.roleArn}
                onChange={(e) => set('roleArn')(e.target.value)}
                problem={problem}
                hint="The lab role students’ sessions assume."
                required
              />
              <Field
                label="Session duration (seconds)"
                name="durationSeconds"
                type="number"
                min={900}
                max={43200}
                value={values.durationSeconds}
                onChange={(e) => set('durationSeconds')(e.target.value)}
                problem={problem}
                required
              />
            </div>
            <div className="field">
              <label htmlFor="session-policy">Session policy (JSON, with placeholders)</label>
              <div className="hint" id={policyHint}>
                What each student may do, at most what the lab role allows. Placeholders like{' '}
                <code>{'{{student.handle}}'}</code> are filled in per student.
              </div>
              <JsonEditor
                ref={editor}
                id="session-policy"
                label="Session policy"
                value={values.sessionPolicyTemplate}
                onChange={set('sessionPolicyTemplate')}
                problems={policyProblems}
                describedBy={policyHint}
              />
              {policyProblems.length > 0 && (
                <div className="field-error" role="alert">
                  {policyProblems.map((p, i) => (
                    <p key={i}>
                      <code>{p.field}</code>: {p.message}
                    </p>
                  ))}
                </div>
              )}
            </div>
            <div className="grid">
              <TextAreaField
                label="Managed policy ARNs"
                name="managedPolicyArns"
                hint="One per line (optional)."
                value={values.managedPolicyArns}
                onChange={set('managedPolicyArns')}
                problem={problem}
              />
              <TextAreaField
                label="Session tags"
                name="sessionTags"
                hint="key=value, one per line; values may use placeholders."
                value={values.sessionTags}
                onChange={set('sessionTags')}
                problem={problem}
              />
              <TextAreaField
                label="Transitive tag keys"
                name="transitiveTagKeys"
                hint="Comma-separated (optional)."
                rows={1}
                value={values.transitiveTagKeys}
                onChange={set('transitiveTagKeys')}
                problem={problem}
              />
              <TextAreaField
                label="Allowed regions"
                name="allowedRegions"
                hint="Comma-separated; empty: any."
                rows={1}
                value={values.allowedRegions}
                onChange={set('allowedRegions')}
                problem={problem}
              />
              <Field
                label="Console destination (optional)"
                name="consoleDestination"
                value={values.consoleDestination}
                onChange={(e) => set('consoleDestination')(e.target.value)}
                problem={problem}
                hint="Where the console sign-in link lands."
              />
            </div>
            <div className="actions">
              <button type="submit" className="primary" disabled={save.isPending}>
                {isNew ? 'Create template' : 'Save template'}
              </button>
            </div>
          </form>
          <aside className="card" aria-labelledby="placeholders">
            <h2 id="placeholders">Placeholders</h2>
            <ul className="placeholders">
              {PLACEHOLDERS.map(([name, meaning]) => (
                <li key={name}>
                  <code>{`{{${name}}}`}</code> {meaning}{' '}
                  <button type="button" className="small" onClick={() => editor.current?.insert(`{{${name}}}`)}>
                    Insert<span className="sr-only"> {`{{${name}}}`}</span>
                  </button>
                </li>
              ))}
            </ul>
            <p className="hint">
              Placeholders are not allowed in action names.{' '}
              <CopyButton text={EXAMPLE_POLICY} label="Copy an example policy" />
            </p>
          </aside>
        </div>
      )}
      {t && <Preview template={t} />}
    </Page>
  );
}

export function TemplatesPage() {
  const templates = useQuery({
    queryKey: ['templates'],
    queryFn: () => unwrap(api.GET('/v1/templates', { params: { query: { limit: 100 } } })),
  });
  return (
    <Page
      title="Role templates"
      actions={
        <Link className="button primary" to="/templates/new">
          New template
        </Link>
      }
    >
      <section className="card" aria-labelledby="tpl-list">
        <h2 id="tpl-list">Templates</h2>
        <QueryState isLoading={templates.isLoading} error={templates.error} />
        {templates.data && templates.data.items.length === 0 && <p>No template yet.</p>}
        {templates.data && templates.data.items.length > 0 && (
          <TableScroll label="Templates">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {templates.data.items.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <Link to={`/templates/${t.id}`}>{t.name}</Link>
                    </td>
                    <td>
                      <code>{t.roleArn}</code>
                    </td>
                    <td>{Math.round(t.durationSeconds / 60)} min</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </Page>
  );
}
