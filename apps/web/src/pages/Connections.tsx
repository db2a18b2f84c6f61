import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ApiProblem, asProblem } from '../api/problem';
import { useConfirm } from '../components/Confirm';
import { CopyBlock } from '../components/CopyButton';
import { Field, SelectField } from '../components/Field';
import { formatTime, Page, QueryState, TableScroll } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';
import { useStepUp } from '../session';

type Connection = Schemas['ConnectionDto'];
type Verify = Schemas['VerifyResultDto'];
type Check = Schemas['VerifyFailureDto']['check'];

const CONNECTION_FIELDS = [
  'name',
  'accountId',
  'region',
  'partition',
  'mode',
  'labRoleArn',
  'managementRoleArn',
  'endpointOverride',
];

/** What the school's AWS administrator changes when a check fails. */
const FIX: Record<Check, string> = {
  trust:
    "LabKeys could not assume the lab role. Create the lab role with the trust policy from “Setup” below (exactly as shown), in this connection's account.",
  externalId:
    'The lab role accepted LabKeys without this connection’s external id. Add the sts:ExternalId condition from the trust policy in “Setup”.',
  otherTenant:
    'The lab role trusts LabKeys for another school too. Use the trust policy from “Setup”, which names this connection’s external id only.',
  oidcProvider:
    'The account has no IAM OIDC provider for LabKeys. Create it with the URL and audience shown in “Setup”.',
  managementRole: 'LabKeys could not assume the management role. Create it with its trust policy from “Setup”.',
  inlinePolicies:
    'LabKeys cannot write the lab role’s deny policy, so it could not end access early. Attach the management policy from “Setup” to the management role.',
};

function CheckRow({ label, ok, detail }: { label: string; ok: boolean | undefined; detail?: string | null }) {
  if (ok === undefined) return null;
  return (
    <li className={ok ? 'check ok' : 'check fail'}>
      <span aria-hidden="true">{ok ? '✔' : '✘'}</span> <strong>{label}</strong>: {ok ? 'passed' : 'failed'}
      {detail ? <span className="muted"> — {detail}</span> : null}
    </li>
  );
}

export function VerifyReport({ result }: { result: Verify }) {
  const checkOf = (check: Check) => result.failures.filter((f) => f.check === check);
  const failedChecks = [...new Set(result.failures.map((f) => f.check))];
  return (
    <div className={result.verified ? 'alert success' : 'alert error'} role="status">
      <p>
        <strong>
          {result.verified
            ? 'Verified: LabKeys can issue and end access with this connection.'
            : 'Not verified: labs cannot start on this connection until it passes.'}
        </strong>{' '}
        <span className="muted">
          Checked {formatTime(result.checkedAt)} as {result.labkeysIdentityArn}.
        </span>
      </p>
      <ul className="checks">
        <CheckRow
          label="Lab role trust (AssumeRole)"
          ok={result.trust.ok}
          detail={result.trust.ok ? null : `${result.trust.code}: ${result.trust.message}`}
        />
        <CheckRow
          label="External id enforced"
          ok={result.externalIdEnforced ?? undefined}
          detail={result.externalIdNote}
        />
        <CheckRow label="Other schools refused" ok={result.otherTenantRefused ?? undefined} />
        <CheckRow
          label="OIDC provider"
          ok={result.oidcProvider?.ok}
          detail={result.oidcProvider?.ok ? null : `${result.oidcProvider?.code}: ${result.oidcProvider?.message}`}
        />
        <CheckRow
          label="Management role"
          ok={result.managementRole?.ok}
          detail={
            result.managementRole?.ok ? null : `${result.managementRole?.code}: ${result.managementRole?.message}`
          }
        />
        <CheckRow
          label="Deny policy writes (PutRolePolicy, GetRolePolicy, DeleteRolePolicy)"
          ok={result.inlinePolicies.ok}
          detail={result.inlinePolicies.missing.map((m) => `${m.action}: ${m.code}`).join(', ') || null}
        />
      </ul>
      {result.maxSessionDurationNote && <p className="muted">{result.maxSessionDurationNote}</p>}
      {failedChecks.length > 0 && (
        <>
          <h3>What to fix</h3>
          <ul>
            {failedChecks.map((check) => (
              <li key={check}>
                <p>{FIX[check]}</p>
                <ul>
                  {checkOf(check).map((f, i) => (
                    <li key={i} className="muted">
                      {f.action ? <code>{f.action}</code> : null} {f.code}: {f.message}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function SetupSection({ connectionId }: { connectionId: string }) {
  const setup = useQuery({
    queryKey: ['setup', connectionId],
    queryFn: () => unwrap(api.GET('/v1/connections/{connectionId}/setup', { params: { path: { connectionId } } })),
  });
  const [tab, setTab] = useState<'json' | 'terraform' | 'cloudformation'>('json');
  const s = setup.data;
  const tabs = [
    ['json', 'Policies (JSON)'],
    ['terraform', 'Terraform'],
    ['cloudformation', 'CloudFormation'],
  ] as const;
  return (
    <section className="card" aria-labelledby="setup-heading">
      <h2 id="setup-heading">Setup</h2>
      <p className="hint">What your AWS administrator creates in the account, once. Then press “Verify”.</p>
      <QueryState isLoading={setup.isLoading} error={setup.error} />
      {s && (
        <>
          <div role="tablist" aria-label="Setup format" className="tabs">
            {tabs.map(([id, label]) => (
              <button
                key={id}
                type="button"
                role="tab"
                id={`tab-${id}`}
                aria-selected={tab === id}
                aria-controls={`panel-${id}`}
                tabIndex={tab === id ? 0 : -1}
                onClick={() => setTab(id)}
                onKeyDown={(e) => {
                  const at = tabs.findIndex(([t]) => t === tab);
                  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                    const next = tabs[(at + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length][0];
                    setTab(next);
                    document.getElementById(`tab-${next}`)?.focus();
                  }
                }}
              >
                {label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === 'json' && (
              <>
                {s.oidcProvider && (
                  <>
                    <h3>1. IAM OIDC provider</h3>
                    <p>{s.oidcProvider.note}</p>
                    <CopyBlock text={s.oidcProvider.url} label="provider URL" />
                    <CopyBlock text={s.oidcProvider.clientIds.join(',')} label="audience" />
                  </>
                )}
                <h3>Lab role {s.labRole.roleName}</h3>
                <p className="muted">{s.labRole.note}</p>
                <p>
                  Path <code>{s.labRole.path}</code>, maximum session duration {s.labRole.maxSessionDuration} s. Trust
                  policy:
                </p>
                <CopyBlock
                  text={JSON.stringify(s.labRole.trustPolicy, null, 2)}
                  label="lab role trust policy"
                  multiline
                />
                <h3>Management role {s.managementRole.roleName}</h3>
                <p>Trust policy:</p>
                <CopyBlock
                  text={JSON.stringify(s.managementRole.trustPolicy, null, 2)}
                  label="management role trust policy"
                  multiline
                />
                <p>
                  Inline policy <code>{s.managementRole.policyName}</code>:
                </p>
                <CopyBlock
                  text={JSON.stringify(s.managementRole.policy, null, 2)}
                  label="management policy"
                  multiline
                />
              </>
            )}
            {tab === 'terraform' && <CopyBlock text={s.terraform} label="Terraform" multiline />}
            {tab === 'cloudformation' && (
              <CopyBlock text={s.cloudFormation.yaml} label="CloudFormation template" multiline />
            )}
          </div>
        </>
      )}
    </section>
  );
}

function ConnectionForm({ initial, onSaved }: { initial?: Connection; onSaved: (c: Connection) => void }) {
  const withStepUp = useStepUp();
  const [form, setForm] = useState({
    name: initial?.name ?? '',
    accountId: initial?.accountId ?? '',
    region: initial?.region ?? 'us-east-1',
    partition: initial?.partition ?? 'aws',
    mode: initial?.mode ?? 'assumeRole',
    labRoleArn: initial?.labRoleArn ?? '',
    managementRoleArn: initial?.managementRoleArn ?? '',
    endpointOverride: initial?.endpointOverride ?? '',
  });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });
  const opt = (v: string) => v.trim() || undefined;
  const save = useMutation({
    mutationFn: () =>
      withStepUp(() =>
        initial
          ? unwrap(
              api.PATCH('/v1/connections/{connectionId}', {
                params: { path: { connectionId: initial.id } },
                body: {
                  name: form.name.trim(),
                  region: form.region.trim(),
                  labRoleArn: opt(form.labRoleArn),
                  managementRoleArn: opt(form.managementRoleArn),
                  endpointOverride: opt(form.endpointOverride),
                },
              }),
            )
          : unwrap(
              api.POST('/v1/connections', {
                body: {
                  name: form.name.trim(),
                  accountId: form.accountId.trim(),
                  region: form.region.trim(),
                  partition: form.partition,
                  mode: form.mode,
                  labRoleArn: opt(form.labRoleArn),
                  managementRoleArn: opt(form.managementRoleArn),
                  endpointOverride: opt(form.endpointOverride),
                },
              }),
            ),
      ),
    onMutate: () => setProblem(null),
    onSuccess: onSaved,
    onError: (e) => setProblem(asProblem(e)),
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      noValidate
    >
      <ProblemAlert problem={problem} shown={CONNECTION_FIELDS} />
      <div className="grid">
        <Field label="Name" name="name" value={form.name} onChange={set('name')} problem={problem} required />
        <Field
          label="AWS account id"
          name="accountId"
          inputMode="numeric"
          value={form.accountId}
          onChange={set('accountId')}
          problem={problem}
          disabled={!!initial}
          required
        />
        <Field label="Region" name="region" value={form.region} onChange={set('region')} problem={problem} required />
        <SelectField
          label="Partition"
          name="partition"
          value={form.partition}
          onChange={set('partition')}
          problem={problem}
          disabled={!!initial}
        >
          <option value="aws">aws</option>
          <option value="aws-us-gov">aws-us-gov</option>
          <option value="aws-cn">aws-cn</option>
        </SelectField>
        <SelectField
          label="How LabKeys signs in"
          name="mode"
          value={form.mode}
          onChange={set('mode')}
          problem={problem}
          disabled={!!initial}
          hint="Fixed once created."
        >
          <option value="assumeRole">AssumeRole with LabKeys’ AWS identity and an external id</option>
          <option value="webIdentity">
            Web identity: the account trusts LabKeys’ OIDC issuer (no AWS key in LabKeys)
          </option>
        </SelectField>
        <Field
          label="Lab role ARN"
          name="labRoleArn"
          value={form.labRoleArn}
          onChange={set('labRoleArn')}
          problem={problem}
          hint="The role students' sessions assume; needed before verifying."
          placeholder="arn:aws:iam::123456789012:role/LabKeysStudentLab"
        />
        <Field
          label="Management role ARN"
          name="managementRoleArn"
          value={form.managementRoleArn}
          onChange={set('managementRoleArn')}
          problem={problem}
          hint="The role LabKeys uses to write deny policies on the lab role."
          placeholder="arn:aws:iam::123456789012:role/LabKeysManagement"
        />
        <Field
          label="Endpoint override (optional)"
          name="endpointOverride"
          value={form.endpointOverride}
          onChange={set('endpointOverride')}
          problem={problem}
          hint="Only for a local AWS such as aws-local."
        />
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {initial ? 'Save connection' : 'Create connection'}
        </button>
      </div>
    </form>
  );
}

export function ConnectionsPage() {
  const navigate = useNavigate();
  const connections = useQuery({
    queryKey: ['connections'],
    queryFn: () => unwrap(api.GET('/v1/connections', { params: { query: { limit: 100 } } })),
  });
  return (
    <Page title="AWS connections">
      <section className="card" aria-labelledby="conn-list">
        <h2 id="conn-list">Connections</h2>
        <QueryState isLoading={connections.isLoading} error={connections.error} />
        {connections.data && connections.data.items.length === 0 && <p>No connection yet: create one below.</p>}
        {connections.data && connections.data.items.length > 0 && (
          <TableScroll label="Connections">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Account</th>
                  <th scope="col">Mode</th>
                  <th scope="col">Last verify</th>
                </tr>
              </thead>
              <tbody>
                {connections.data.items.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/connections/${c.id}`}>{c.name}</Link>
                    </td>
                    <td>
                      {c.accountId} · {c.region}
                    </td>
                    <td>{c.mode}</td>
                    <td>
                      {c.lastVerifiedAt
                        ? `${c.lastVerifyOk ? 'passed' : 'failed'} ${formatTime(c.lastVerifiedAt)}`
                        : 'never'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
      <section className="card" aria-labelledby="conn-new">
        <h2 id="conn-new">New connection</h2>
        <ConnectionForm onSaved={(c) => navigate(`/connections/${c.id}`)} />
      </section>
    </Page>
  );
}

export function ConnectionPage() {
  const { connectionId = '' } = useParams();
  const client = useQueryClient();
  const navigate = useNavigate();
  const confirm = useConfirm();
  const withStepUp = useStepUp();
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [result, setResult] = useState<Verify | null>(null);
  const connection = useQuery({
    queryKey: ['connection', connectionId],
    queryFn: () => unwrap(api.GET('/v1/connections/{connectionId}', { params: { path: { connectionId } } })),
  });
  const verify = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/connections/{connectionId}/verify', { params: { path: { connectionId } } })),
    onMutate: () => {
      setProblem(null);
      setResult(null);
    },
    onSuccess: (r) => {
      setResult(r);
      void client.invalidateQueries({ queryKey: ['connection', connectionId] });
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const remove = async () => {
    if (
      !(await confirm({
        title: 'Delete this connection?',
        body: <p>Templates using it must be changed or deleted first.</p>,
        confirmLabel: 'Delete connection',
        danger: true,
      }))
    )
      return;
    try {
      await withStepUp(() =>
        unwrap(api.DELETE('/v1/connections/{connectionId}', { params: { path: { connectionId } } })),
      );
      await client.invalidateQueries({ queryKey: ['connections'] });
      navigate('/connections');
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  const c = connection.data;
  return (
    <Page
      title={c ? `Connection ${c.name}` : 'Connection'}
      actions={
        c && (
          <>
            <button type="button" className="primary" onClick={() => verify.mutate()} disabled={verify.isPending}>
              {verify.isPending ? 'Verifying…' : 'Verify'}
            </button>
            <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
              Edit
            </button>
            <button type="button" className="danger" onClick={() => void remove()}>
              Delete
            </button>
          </>
        )
      }
    >
      <QueryState isLoading={connection.isLoading} error={connection.error} />
      <ProblemAlert problem={problem} />
      {result && <VerifyReport result={result} />}
      {c && (
        <>
          <section className="card" aria-labelledby="conn-facts">
            <h2 id="conn-facts">Details</h2>
            {editing ? (
              <ConnectionForm
                initial={c}
                onSaved={() => {
                  setEditing(false);
                  void client.invalidateQueries({ queryKey: ['connection', connectionId] });
                  void client.invalidateQueries({ queryKey: ['setup', connectionId] });
                }}
              />
            ) : (
              <dl className="facts">
                <dt>Account</dt>
                <dd>
                  {c.accountId} ({c.partition}, {c.region})
                </dd>
                <dt>Mode</dt>
                <dd>{c.mode}</dd>
                <dt>External id</dt>
                <dd>
                  <code>{c.externalId}</code>
                </dd>
                <dt>Lab role</dt>
                <dd>
                  <code>{c.labRoleArn ?? '—'}</code>
                </dd>
                <dt>Management role</dt>
                <dd>
                  <code>{c.managementRoleArn ?? '—'}</code>
                </dd>
                {c.endpointOverride && (
                  <>
                    <dt>Endpoint</dt>
                    <dd>{c.endpointOverride}</dd>
                  </>
                )}
                <dt>Last verify</dt>
                <dd>
                  {c.lastVerifiedAt
                    ? `${c.lastVerifyOk ? 'passed' : 'failed'} ${formatTime(c.lastVerifiedAt)}`
                    : 'never'}
                </dd>
              </dl>
            )}
            {!result && c.lastVerifyOk === false && c.lastVerifyFailures && c.lastVerifyFailures.length > 0 && (
              <div className="alert error">
                <p>
                  <strong>The last verify failed:</strong>
                </p>
                <ul>
                  {c.lastVerifyFailures.map((f, i) => (
                    <li key={i}>
                      {FIX[f.check]}{' '}
                      <span className="muted">
                        ({f.action ? `${f.action} ` : ''}
                        {f.code}: {f.message})
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </section>
          <SetupSection connectionId={connectionId} />
        </>
      )}
    </Page>
  );
}
