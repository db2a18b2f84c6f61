import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { auth, type Role } from '../api/auth';
import { ApiProblem, asProblem } from '../api/problem';
import { useConfirm } from '../components/Confirm';
import { CopyBlock } from '../components/CopyButton';
import { Field, SelectField } from '../components/Field';
import { formatTime, Page, QueryState, TableScroll } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';
import { SESSION_KEY, useSession, useStepUp } from '../session';

const ROLES: [Role, string][] = [
  ['OWNER', 'Owner: everything, including instructors and settings'],
  ['INSTRUCTOR', 'Instructor: courses, connections, templates, labs'],
  ['ASSISTANT', 'Assistant: read-only'],
];

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const withStepUp = useStepUp();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('INSTRUCTOR');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [link, setLink] = useState<{ email: string; link: string } | null>(null);
  const invite = useMutation({
    mutationFn: () => withStepUp(() => auth.invite({ email: email.trim(), role })),
    onMutate: () => {
      setProblem(null);
      setLink(null);
    },
    onSuccess: (invitation) => {
      setLink({ email: invitation.email, link: invitation.invitationUrl });
      setEmail('');
      onInvited();
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  return (
    <section className="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite an instructor</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate();
        }}
        noValidate
      >
        <ProblemAlert problem={problem} shown={['email', 'role']} />
        <Field
          label="Email"
          name="email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          problem={problem}
          required
        />
        <SelectField
          label="Role"
          name="role"
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
          problem={problem}
        >
          {ROLES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <div className="actions">
          <button type="submit" className="primary" disabled={invite.isPending}>
            Send invitation
          </button>
        </div>
      </form>
      {link && (
        <div className="alert success" role="status">
          <p>Invitation for {link.email} created. Send them this link (shown only now; it works once):</p>
          <CopyBlock text={link.link} label="invitation link" />
        </div>
      )}
    </section>
  );
}

function TenantSettings() {
  const { data: session } = useSession();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  if (!session) return null;
  const toggle = async (mfaRequired: boolean) => {
    setProblem(null);
    try {
      await withStepUp(() => auth.setTenantMfa(mfaRequired));
      await client.invalidateQueries({ queryKey: SESSION_KEY });
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  return (
    <section className="card" aria-labelledby="tenant-heading">
      <h2 id="tenant-heading">{session.tenant.name}</h2>
      <ProblemAlert problem={problem} />
      <Field
        label="Require two-factor sign-in for every instructor"
        name="mfaRequired"
        type="checkbox"
        checked={session.tenant.mfaRequired}
        onChange={(e) => void toggle(e.target.checked)}
        hint="Instructors without it set it up at their next sign-in."
        problem={problem}
      />
    </section>
  );
}

export function InstructorsPage() {
  const client = useQueryClient();
  const confirm = useConfirm();
  const withStepUp = useStepUp();
  const { data: session } = useSession();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const instructors = useQuery({
    queryKey: ['instructors'],
    queryFn: () => unwrap(api.GET('/v1/instructors', { params: { query: { limit: 200 } } })),
  });
  const invitations = useQuery({ queryKey: ['invitations'], queryFn: auth.listInvitations });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['instructors'] });
    void client.invalidateQueries({ queryKey: ['invitations'] });
  };
  const act = async (action: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await withStepUp(action);
      refresh();
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  const update = (instructorId: string, body: { role?: Role; disabled?: boolean }) =>
    act(() => unwrap(api.PATCH('/v1/instructors/{instructorId}', { params: { path: { instructorId } }, body })));
  if (session && session.instructor.role !== 'OWNER') {
    return (
      <Page title="Instructors">
        <p>Only owners manage instructors.</p>
      </Page>
    );
  }
  return (
    <Page title="Instructors">
      <TenantSettings />
      <InviteForm onInvited={refresh} />
      <section className="card" aria-labelledby="team-heading">
        <h2 id="team-heading">Instructors</h2>
        <ProblemAlert problem={problem} />
        <QueryState isLoading={instructors.isLoading} error={instructors.error} />
        {instructors.data && (
          <TableScroll label="Instructors">
            <table>
              <thead>
                <tr>
                  <th scope="col">Instructor</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {instructors.data.items.map((i) => {
                  const me = i.id === session?.instructor.id;
                  return (
                    <tr key={i.id} className={i.disabledAt ? 'inactive' : undefined}>
                      <td>
                        {i.name ?? i.email}
                        {i.name && (
                          <>
                            <br />
                            <span className="muted">{i.email}</span>
                          </>
                        )}
                      </td>
                      <td>
                        <label className="sr-only" htmlFor={`role-${i.id}`}>
                          Role of {i.email}
                        </label>
                        <select
                          id={`role-${i.id}`}
                          value={i.role}
                          disabled={me || !!i.disabledAt}
                          onChange={(e) => void update(i.id, { role: e.target.value as Role })}
                        >
                          {ROLES.map(([value]) => (
                            <option key={value} value={value}>
                              {value.toLowerCase()}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>{i.disabledAt ? `deactivated ${formatTime(i.disabledAt)}` : 'active'}</td>
                      <td>
                        {!me &&
                          (i.disabledAt ? (
                            <button
                              type="button"
                              className="small"
                              onClick={() => void update(i.id, { disabled: false })}
                            >
                              Reactivate<span className="sr-only"> {i.email}</span>
                            </button>
                          ) : (
                            <button
                              type="button"
                              className="small danger"
                              onClick={() =>
                                void (async () => {
                                  if (
                                    await confirm({
                                      title: `Deactivate ${i.email}?`,
                                      body: <p>They are signed out and their API tokens stop working.</p>,
                                      confirmLabel: 'Deactivate',
                                      danger: true,
                                    })
                                  )
                                    await update(i.id, { disabled: true });
                                })()
                              }
                            >
                              Deactivate<span className="sr-only"> {i.email}</span>
                            </button>
                          ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        )}
        {invitations.data && invitations.data.items.some((i) => i.state === 'pending') && (
          <>
            <h3>Pending invitations</h3>
            <ul>
              {invitations.data.items
                .filter((i) => i.state === 'pending')
                .map((i) => (
                  <li key={i.id}>
                    {i.email} ({i.role.toLowerCase()}), expires {formatTime(i.expiresAt)}{' '}
                    <button type="button" className="small" onClick={() => void act(() => auth.revokeInvitation(i.id))}>
                      Withdraw<span className="sr-only"> invitation of {i.email}</span>
                    </button>
                  </li>
                ))}
            </ul>
          </>
        )}
      </section>
    </Page>
  );
}
