import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { sso, SSO_PROBLEMS, type IdentityProvider } from '../api/auth';
import { ApiProblem, asProblem } from '../api/problem';
import { useConfirm } from '../components/Confirm';
import { CopyBlock } from '../components/CopyButton';
import { Field, SelectField } from '../components/Field';
import { formatTime, Page, QueryState } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';
import { useStepUp } from '../session';

const PROVIDERS_KEY = ['identity-providers'];
const TENANT_KEY = ['tenant'];
const AUDIENCES: [IdentityProvider['audience'], string][] = [
  ['both', 'Instructors and students'],
  ['instructors', 'Instructors only'],
  ['students', 'Students only'],
];

interface Draft {
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  allowedDomains: string;
  emailClaim: string;
  audience: IdentityProvider['audience'];
  enabled: boolean;
}

const emptyDraft: Draft = {
  displayName: '',
  issuer: '',
  clientId: '',
  clientSecret: '',
  allowedDomains: '',
  emailClaim: 'email',
  audience: 'both',
  enabled: true,
};

const draftOf = (p: IdentityProvider): Draft => ({
  displayName: p.displayName,
  issuer: p.issuer,
  clientId: p.clientId,
  clientSecret: '',
  allowedDomains: p.allowedDomains.join(', '),
  emailClaim: p.emailClaim,
  audience: p.audience,
  enabled: p.enabled,
});

const domainsOf = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((d) => d.trim())
    .filter(Boolean);

/** The form for a new provider, or for changing one (its secret is write-only: left empty, it is kept). */
function ProviderForm({ provider, onDone }: { provider?: IdentityProvider; onDone: () => void }) {
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const [draft, setDraft] = useState<Draft>(provider ? draftOf(provider) : emptyDraft);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const save = useMutation({
    mutationFn: () => {
      const body = {
        displayName: draft.displayName.trim(),
        issuer: draft.issuer.trim(),
        clientId: draft.clientId.trim(),
        allowedDomains: domainsOf(draft.allowedDomains),
        emailClaim: draft.emailClaim.trim() || 'email',
        audience: draft.audience,
        enabled: draft.enabled,
      };
      return withStepUp(() =>
        provider
          ? sso.update(provider.id, draft.clientSecret ? { ...body, clientSecret: draft.clientSecret } : body)
          : sso.create({ ...body, clientSecret: draft.clientSecret }),
      );
    },
    onMutate: () => setProblem(null),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: PROVIDERS_KEY });
      onDone();
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const prefix = provider ? `edit-${provider.id}` : 'new';
  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${prefix}-heading`}>
      <h3 id={`${prefix}-heading`}>{provider ? `Change ${provider.displayName}` : 'Add your school’s sign-in'}</h3>
      <ProblemAlert
        problem={problem}
        shown={['displayName', 'issuer', 'clientId', 'clientSecret', 'allowedDomains', 'emailClaim', 'audience']}
      />
      <Field
        label="Name on the button"
        name="displayName"
        value={draft.displayName}
        onChange={(e) => set('displayName', e.target.value)}
        hint="Shown as “Sign in with …”."
        problem={problem}
        required
      />
      <Field
        label="Issuer URL"
        name="issuer"
        type="url"
        value={draft.issuer}
        onChange={(e) => set('issuer', e.target.value)}
        hint="For example https://accounts.google.com or https://login.microsoftonline.com/<tenant>/v2.0"
        problem={problem}
        required
      />
      <Field
        label="Client id"
        name="clientId"
        value={draft.clientId}
        onChange={(e) => set('clientId', e.target.value)}
        problem={problem}
        autoComplete="off"
        required
      />
      <Field
        label="Client secret"
        name="clientSecret"
        type="password"
        value={draft.clientSecret}
        onChange={(e) => set('clientSecret', e.target.value)}
        hint={provider ? 'Stored and never shown. Leave empty to keep it.' : 'Stored sealed; never shown again.'}
        problem={problem}
        autoComplete="new-password"
        required={!provider}
      />
      <Field
        label="Allowed email domains"
        name="allowedDomains"
        value={draft.allowedDomains}
        onChange={(e) => set('allowedDomains', e.target.value)}
        hint="Comma-separated, e.g. example.edu. Empty: any verified email of this provider."
        problem={problem}
      />
      <Field
        label="Email claim"
        name="emailClaim"
        value={draft.emailClaim}
        onChange={(e) => set('emailClaim', e.target.value)}
        hint="The ID token claim that carries the email (usually email)."
        problem={problem}
      />
      <SelectField
        label="Who may use it"
        name="audience"
        value={draft.audience}
        onChange={(e) => set('audience', e.target.value as Draft['audience'])}
        problem={problem}
      >
        {AUDIENCES.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </SelectField>
      <Field
        label="Enabled"
        name="enabled"
        type="checkbox"
        checked={draft.enabled}
        onChange={(e) => set('enabled', e.target.checked)}
        problem={problem}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {provider ? 'Save changes' : 'Add provider'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** What the provider said in the last test sign-in: the claims (never tokens), or why it failed. */
function LastTest({ provider }: { provider: IdentityProvider }) {
  const test = provider.lastTest;
  if (!test) return <p className="hint">Not tested yet.</p>;
  return (
    <div>
      <p>
        Last test sign-in: {formatTime(test.at)}
        {test.error ? ' — failed' : ' — the provider returned these claims:'}
      </p>
      {test.error ? (
        <p className="alert error">{test.error}</p>
      ) : (
        <pre className="claims" tabIndex={0} aria-label={`Claims returned by ${provider.displayName}`}>
          {JSON.stringify(test.claims, null, 2)}
        </pre>
      )}
    </div>
  );
}

function ProviderCard({ provider, highlighted }: { provider: IdentityProvider; highlighted: boolean }) {
  const client = useQueryClient();
  const confirm = useConfirm();
  const withStepUp = useStepUp();
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const test = async () => {
    setProblem(null);
    try {
      const { authorizationUrl } = await sso.testSignIn(provider.id);
      window.location.assign(authorizationUrl);
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  const remove = async () => {
    if (
      !(await confirm({
        title: `Remove ${provider.displayName}?`,
        body: 'Nobody can sign in with it afterwards.',
        confirmLabel: 'Remove',
        danger: true,
      }))
    )
      return;
    setProblem(null);
    try {
      await withStepUp(() => sso.remove(provider.id));
      await client.invalidateQueries({ queryKey: PROVIDERS_KEY });
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  return (
    <section className={highlighted ? 'card highlighted' : 'card'} aria-labelledby={`provider-${provider.id}`}>
      <h2 id={`provider-${provider.id}`}>
        {provider.displayName} {provider.enabled ? null : <span className="badge">disabled</span>}
      </h2>
      <ProblemAlert problem={problem} />
      {editing ? (
        <ProviderForm provider={provider} onDone={() => setEditing(false)} />
      ) : (
        <>
          <dl className="facts">
            <dt>Issuer</dt>
            <dd>{provider.issuer}</dd>
            <dt>Client id</dt>
            <dd>{provider.clientId}</dd>
            <dt>Client secret</dt>
            <dd>{provider.clientSecretSet ? 'stored (never shown)' : 'not set'}</dd>
            <dt>Allowed domains</dt>
            <dd>{provider.allowedDomains.length ? provider.allowedDomains.map((d) => `@${d}`).join(', ') : 'any'}</dd>
            <dt>Email claim</dt>
            <dd>{provider.emailClaim}</dd>
            <dt>Who may use it</dt>
            <dd>{AUDIENCES.find(([a]) => a === provider.audience)?.[1]}</dd>
          </dl>
          <LastTest provider={provider} />
          <div className="actions">
            <button type="button" onClick={() => void test()}>
              Test sign-in
            </button>
            <button type="button" onClick={() => setEditing(true)}>
              Change
            </button>
            <button type="button" className="danger" onClick={() => void remove()}>
              Remove
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function TenantSignIn() {
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const tenant = useQuery({ queryKey: TENANT_KEY, queryFn: sso.tenant });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const change = async (body: { passwordSignIn?: boolean; trustProviderMfa?: boolean }) => {
    setProblem(null);
    try {
      client.setQueryData(TENANT_KEY, await withStepUp(() => sso.updateTenant(body)));
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  if (!tenant.data) return <QueryState isLoading={tenant.isLoading} error={tenant.error} />;
  return (
    <section className="card" aria-labelledby="tenant-sign-in-heading">
      <h2 id="tenant-sign-in-heading">How instructors sign in</h2>
      <ProblemAlert problem={problem} />
      <Field
        label="Instructors may sign in with a password"
        name="passwordSignIn"
        type="checkbox"
        checked={tenant.data.passwordSignIn}
        onChange={(e) => void change({ passwordSignIn: e.target.checked })}
        hint="Off: only through your school’s sign-in. Refused until a provider for instructors admits your own email."
        problem={problem}
      />
      <Field
        label="Trust the school’s two-factor sign-in"
        name="trustProviderMfa"
        type="checkbox"
        checked={tenant.data.trustProviderMfa}
        onChange={(e) => void change({ trustProviderMfa: e.target.checked })}
        hint="When the school says it checked a second factor (amr contains mfa), LabKeys asks for no code of its own."
        problem={problem}
      />
    </section>
  );
}

/** Owners: the school's identity providers (SSO) and how instructors may sign in. */
export function SignInSettingsPage() {
  const [params] = useSearchParams();
  const providers = useQuery({ queryKey: PROVIDERS_KEY, queryFn: sso.list });
  const [adding, setAdding] = useState(false);
  const tested = params.get('tested');
  const testError = params.get('sso_error');
  return (
    <Page title="Sign-in">
      {tested && (
        <div className={testError ? 'alert error' : 'alert success'} role="status">
          <p>
            {testError
              ? `The test sign-in failed: ${SSO_PROBLEMS[testError] ?? testError} ${params.get('detail') ?? ''}`
              : 'The test sign-in worked: the provider’s claims are shown below.'}
          </p>
        </div>
      )}
      <TenantSignIn />
      <QueryState isLoading={providers.isLoading} error={providers.error} />
      {providers.data && (
        <>
          <section className="card" aria-labelledby="register-heading">
            <h2 id="register-heading">What to give your school</h2>
            <p>
              Register LabKeys at your school’s identity provider with this redirect URI (scopes openid, email,
              profile):
            </p>
            <CopyBlock
              text={providers.data.items[0]?.redirectUri ?? `${window.location.origin}/v1/auth/sso/callback`}
              label="Redirect URI"
            />
            <p>Students sign in here (share it, or link it from your LMS):</p>
            <CopyBlock text={providers.data.studentSignInUrl} label="Student sign-in page" />
            <p>Instructors sign in here:</p>
            <CopyBlock text={providers.data.instructorSignInUrl} label="Instructor sign-in page" />
          </section>
          {providers.data.items.map((p) => (
            <ProviderCard key={p.id} provider={p} highlighted={p.id === tested} />
          ))}
          <section className="card" aria-label="Add an identity provider">
            {adding ? (
              <ProviderForm onDone={() => setAdding(false)} />
            ) : (
              <button type="button" className="primary" onClick={() => setAdding(true)}>
                Add your school’s sign-in
              </button>
            )}
          </section>
        </>
      )}
    </Page>
  );
}
