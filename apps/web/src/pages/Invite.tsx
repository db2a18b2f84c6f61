import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { auth } from '../api/auth';
import { ApiProblem, asProblem } from '../api/problem';
import { Field } from '../components/Field';
import { QueryState } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';
import { PublicPage, useContinue } from './SignIn';

/** Reads the invitation token from the link's fragment once, then takes it out of the address bar. */
function takeToken(): string {
  const token = decodeURIComponent(window.location.hash.replace(/^#/, '').replace(/^token=/, ''));
  if (token) window.history.replaceState(null, '', window.location.pathname);
  return token;
}

export function InvitePage() {
  const proceed = useContinue();
  const [token] = useState(takeToken);
  const invitation = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => auth.inspectInvitation(token),
    enabled: !!token,
    retry: false,
    staleTime: Infinity,
  });
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== repeat) {
      setProblem(
        new ApiProblem(400, 'Passwords differ', 'The two passwords differ.', [
          { field: 'repeat', message: 'Type the same password twice.' },
        ]),
      );
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      proceed(await auth.acceptInvitation({ token, password, name: name.trim() || undefined }));
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  if (!token) {
    return (
      <PublicPage title="Accept invitation">
        <p>
          This page needs the whole invitation link from your email (it ends with #…). Open the link again, or ask your
          school's LabKeys owner for a new one.
        </p>
      </PublicPage>
    );
  }
  return (
    <PublicPage title="Accept invitation">
      <QueryState isLoading={invitation.isLoading} error={invitation.error} />
      {invitation.data && (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <p>
            You are invited to <strong>{invitation.data.tenantName}</strong> as{' '}
            <strong>{invitation.data.role.toLowerCase()}</strong> with the email{' '}
            <strong>{invitation.data.email}</strong>. Choose a password to finish.
          </p>
          <ProblemAlert problem={problem} shown={['name', 'password', 'repeat']} />
          <input type="email" name="email" autoComplete="username" value={invitation.data.email} readOnly hidden />
          <Field
            label="Your name (optional)"
            name="name"
            autoComplete="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            problem={problem}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            hint="At least 12 characters; a passphrase is fine."
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            problem={problem}
            required
          />
          <Field
            label="Password again"
            name="repeat"
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
            problem={problem}
            required
          />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Set password and continue
            </button>
          </div>
        </form>
      )}
    </PublicPage>
  );
}
