import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { auth } from '../api/auth';
import { ApiProblem, asProblem } from '../api/problem';
import { useConfirm } from '../components/Confirm';
import { CopyBlock } from '../components/CopyButton';
import { Field } from '../components/Field';
import { formatTime, Page, QueryState, TableScroll } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';
import { SESSION_KEY, storeSession, useSession, useStepUp } from '../session';

function PasswordSection() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState(false);
  const change = useMutation({
    mutationFn: () => auth.changePassword({ currentPassword, newPassword }),
    onMutate: () => {
      setProblem(null);
      setSaved(false);
    },
    onSuccess: () => {
      setSaved(true);
      setCurrent('');
      setNew('');
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          change.mutate();
        }}
        noValidate
      >
        <ProblemAlert problem={problem} shown={['currentPassword', 'newPassword']} />
        {saved && (
          <p role="status" className="alert success">
            Password changed. Your other sessions were signed out.
          </p>
        )}
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
          problem={problem}
          required
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          hint="At least 12 characters."
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
          problem={problem}
          required
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={change.isPending}>
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}

function MfaSection() {
  const { data: session } = useSession();
  const client = useQueryClient();
  const confirm = useConfirm();
  const withStepUp = useStepUp();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const disable = async () => {
    if (
      !(await confirm({
        title: 'Turn off two-factor sign-in?',
        body: <p>Signing in will need only your password.</p>,
        confirmLabel: 'Turn off',
        danger: true,
      }))
    )
      return;
    try {
      await withStepUp(() => auth.disableMfa());
      await client.invalidateQueries({ queryKey: SESSION_KEY });
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  if (!session) return null;
  return (
    <section className="card" aria-labelledby="mfa-heading">
      <h2 id="mfa-heading">Two-factor sign-in</h2>
      <ProblemAlert problem={problem} />
      {session.instructor.mfaEnabled ? (
        <>
          <p>On: signing in asks for a code from your authenticator app.</p>
          {session.tenant.mfaRequired ? (
            <p className="hint">{session.tenant.name} requires two-factor sign-in, so it cannot be turned off.</p>
          ) : (
            <button type="button" className="danger" onClick={() => void disable()}>
              Turn off two-factor sign-in
            </button>
          )}
        </>
      ) : (
        <>
          <p>Off: signing in needs only your password.</p>
          <Link className="button primary" to="/mfa/enrol">
            Set up two-factor sign-in
          </Link>
        </>
      )}
    </section>
  );
}

function TokensSection() {
  const client = useQueryClient();
  const confirm = useConfirm();
  const tokens = useQuery({ queryKey: ['account-tokens'], queryFn: auth.listTokens });
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);
  const create = useMutation({
    mutationFn: () => auth.createToken({ name: name.trim(), expiresInDays: days ? Number(days) : undefined }),
    onMutate: () => setProblem(null),
    onSuccess: (token) => {
      setIssued({ name: name.trim(), token: token.token });
      setName('');
      setDays('');
      void client.invalidateQueries({ queryKey: ['account-tokens'] });
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const revoke = async (id: string, tokenName: string) => {
    if (
      !(await confirm({
        title: `Revoke “${tokenName}”?`,
        body: <p>Scripts using this token stop working at once.</p>,
        confirmLabel: 'Revoke token',
        danger: true,
      }))
    )
      return;
    try {
      await auth.revokeToken(id);
      await client.invalidateQueries({ queryKey: ['account-tokens'] });
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  return (
    <section className="card" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p className="hint">For scripts and the API (Authorization: Bearer lk_…). A token acts as you, with your role.</p>
      {issued && (
        <div className="alert success" role="status">
          <p>Token “{issued.name}” created. Copy it now: it is shown only once.</p>
          <CopyBlock text={issued.token} label="API token" />
        </div>
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        noValidate
      >
        <ProblemAlert problem={problem} shown={['name', 'expiresInDays']} />
        <Field
          label="Token name"
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          problem={problem}
          required
        />
        <Field
          label="Expires after days (optional)"
          name="expiresInDays"
          type="number"
          min={1}
          value={days}
          onChange={(e) => setDays(e.target.value)}
          problem={problem}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            Create token
          </button>
        </div>
      </form>
      <QueryState isLoading={tokens.isLoading} error={tokens.error} />
      {tokens.data && tokens.data.items.length > 0 && (
        <TableScroll label="API tokens">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.items.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.displayPrefix}…</code>
                  </td>
                  <td>{formatTime(t.lastUsedAt)}</td>
                  <td>{t.revokedAt ? `revoked ${formatTime(t.revokedAt)}` : formatTime(t.expiresAt)}</td>
                  <td>
                    {!t.revokedAt && (
                      <button type="button" className="danger small" onClick={() => void revoke(t.id, t.name)}>
                        Revoke<span className="sr-only"> {t.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

export function AccountPage() {
  const { data: session } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const confirm = useConfirm();
  const everywhere = async () => {
    if (
      !(await confirm({
        title: 'Sign out everywhere?',
        body: <p>Every browser signed in as you, this one included, is signed out.</p>,
        confirmLabel: 'Sign out everywhere',
        danger: true,
      }))
    )
      return;
    await auth.signOutEverywhere().catch(() => undefined);
    storeSession(client, null);
    client.clear();
    navigate('/sign-in');
  };
  return (
    <Page title="Account">
      {session && (
        <section className="card" aria-labelledby="me-heading">
          <h2 id="me-heading">You</h2>
          <dl className="facts">
            <dt>Email</dt>
            <dd>{session.instructor.email}</dd>
            <dt>Name</dt>
            <dd>{session.instructor.name ?? '—'}</dd>
            <dt>Role</dt>
            <dd>{session.instructor.role.toLowerCase()}</dd>
            <dt>School</dt>
            <dd>{session.tenant.name}</dd>
          </dl>
          <button type="button" onClick={() => void everywhere()}>
            Sign out everywhere
          </button>
        </section>
      )}
      <PasswordSection />
      <MfaSection />
      <TokensSection />
    </Page>
  );
}
