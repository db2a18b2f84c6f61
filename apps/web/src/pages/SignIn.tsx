import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { auth, sso, SSO_PROBLEMS, type Session, type TenantChoice } from '../api/auth';
import { ApiProblem, asProblem } from '../api/problem';
import { Field } from '../components/Field';
import { Logo } from '../components/Logo';
import { ProblemAlert } from '../components/ProblemAlert';
import { storeSession } from '../session';

/** Where a session goes next: the page asked for, or the step sign-in still needs. */
export function useContinue() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  const safeNext = next && next.startsWith('/') && !next.startsWith('//') ? next : '/labs';
  return (session: Session) => {
    storeSession(client, session);
    if (session.state === 'mfa-required') navigate(`/mfa?next=${encodeURIComponent(safeNext)}`, { replace: true });
    else if (session.state === 'mfa-enrolment-required') navigate('/mfa/enrol', { replace: true });
    else navigate(safeNext, { replace: true });
  };
}

export function PublicPage({ title, children }: { title: string; children: React.ReactNode }) {
  useEffect(() => {
    document.title = `${title} · LabKeys`;
  }, [title]);
  return (
    <main id="main" className="narrow">
      <p className="brand">
        <Logo /> LabKeys
      </p>
      <div className="card">
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A refused school sign-in, in plain words (the page it came back to carries `sso_error` and the api's detail). */
export function SsoProblem({ code, detail }: { code: string | null; detail: string | null }) {
  if (!code) return null;
  return (
    <div className="alert error" role="alert">
      <p>{SSO_PROBLEMS[code] ?? 'The sign-in through your school did not work.'}</p>
      {detail && <p>{detail}</p>}
    </div>
  );
}

/** "Sign in with <school>" buttons of a tenant: links that start the flow at the api (a full-page navigation). */
export function SsoButtons({ providers }: { providers: { id: string; displayName: string; signInUrl: string }[] }) {
  if (!providers.length) return null;
  return (
    <ul className="sso-buttons" aria-label="Sign in with your school">
      {providers.map((p) => (
        <li key={p.id}>
          <a className="button" href={p.signInUrl}>
            Sign in with {p.displayName}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function SignInPage() {
  const proceed = useContinue();
  const [params] = useSearchParams();
  const tenantParam = params.get('tenant');
  const tenantOfUrl = tenantParam && UUID.test(tenantParam) ? tenantParam : null;
  const options = useQuery({
    queryKey: ['sign-in-options', tenantOfUrl],
    queryFn: () => sso.options(tenantOfUrl!, 'instructors'),
    enabled: Boolean(tenantOfUrl),
    retry: false,
  });
  const passwordAllowed = options.data?.passwordSignIn ?? true;
  const [ssoTenants, setSsoTenants] = useState<TenantChoice[] | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tenants, setTenants] = useState<TenantChoice[] | null>(null);
  const [tenantId, setTenantId] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      proceed(await auth.signIn({ email: email.trim(), password, tenantId: tenants ? tenantId : undefined }));
    } catch (error) {
      const p = asProblem(error);
      const choices = p.status === 409 && Array.isArray(p.body.tenants) ? (p.body.tenants as TenantChoice[]) : null;
      if (p.status === 403 && p.body.code === 'password_sign_in_off' && Array.isArray(p.body.tenants)) {
        setSsoTenants(p.body.tenants as TenantChoice[]);
        setProblem(p);
      } else if (choices) {
        setTenants(choices);
        setTenantId(choices[0]?.id ?? '');
      } else setProblem(p);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicPage title={options.data ? `Sign in to ${options.data.tenantName}` : 'Sign in'}>
      <SsoProblem code={params.get('sso_error')} detail={params.get('detail')} />
      {options.data && <SsoButtons providers={options.data.providers} />}
      {ssoTenants && (
        <ul>
          {ssoTenants.map((t) => (
            <li key={t.id}>
              <a href={`/sign-in?tenant=${t.id}`}>Sign in to {t.name} through your school</a>
            </li>
          ))}
        </ul>
      )}
      {options.data && options.data.providers.length > 0 && passwordAllowed && (
        <p className="or">or with your password</p>
      )}
      {passwordAllowed && (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <ProblemAlert problem={problem} shown={['email', 'password', 'tenantId']} />
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            problem={problem}
            required
            autoFocus
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            problem={problem}
            required
          />
          {tenants && (
            <fieldset>
              <legend>This email belongs to several schools. Which one?</legend>
              {tenants.map((t) => (
                <div className="field checkbox" key={t.id}>
                  <input
                    type="radio"
                    id={`tenant-${t.id}`}
                    name="tenantId"
                    value={t.id}
                    checked={tenantId === t.id}
                    onChange={() => setTenantId(t.id)}
                  />
                  <label htmlFor={`tenant-${t.id}`}>{t.name}</label>
                </div>
              ))}
              {problem?.messagesFor('tenantId').map((m) => (
                <p key={m} className="field-error">
                  {m}
                </p>
              ))}
            </fieldset>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Sign in
            </button>
          </div>
        </form>
      )}
      <p className="hint">New here? Open the invitation link your school sent you.</p>
    </PublicPage>
  );
}
