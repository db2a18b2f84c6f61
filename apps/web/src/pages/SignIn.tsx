import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { auth, type Session, type TenantChoice } from '../api/auth';
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

export function SignInPage() {
  const proceed = useContinue();
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
      if (choices) {
        setTenants(choices);
        setTenantId(choices[0]?.id ?? '');
      } else setProblem(p);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicPage title="Sign in">
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
      <p className="hint">New here? Open the invitation link your school sent you.</p>
    </PublicPage>
  );
}
