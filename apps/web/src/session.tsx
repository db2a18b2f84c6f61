import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { setCsrfToken, setUnauthorizedHandler } from './api/client';
import { auth, type Session } from './api/auth';
import { ApiProblem, asProblem } from './api/problem';
import { Dialog } from './components/Dialog';
import { ProblemAlert } from './components/ProblemAlert';

export const SESSION_KEY = ['session'] as const;

async function loadSession(): Promise<Session | null> {
  try {
    return await auth.session();
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) return null;
    throw error;
  }
}

/** Puts a session (or none) where every page reads it, and the CSRF token where every write sends it. */
export function storeSession(client: QueryClient, session: Session | null): void {
  setCsrfToken(session?.csrfToken ?? null);
  client.setQueryData(SESSION_KEY, session);
}

export function useSession() {
  const client = useQueryClient();
  const query = useQuery({ queryKey: SESSION_KEY, queryFn: loadSession, staleTime: 60_000, retry: 1 });
  useEffect(() => setCsrfToken(query.data?.csrfToken ?? null), [query.data]);
  useEffect(() => {
    setUnauthorizedHandler(() => void client.invalidateQueries({ queryKey: SESSION_KEY }));
    return () => setUnauthorizedHandler(null);
  }, [client]);
  return query;
}

type Pending = { resolve: () => void; reject: (error: unknown) => void };
const StepUpContext = createContext<(<T>(action: () => Promise<T>) => Promise<T>) | null>(null);

/**
 * Sensitive changes (connections, revocations, instructors) may answer 403 `step_up_required`: the
 * action then asks for a fresh authenticator code and runs again once it is accepted.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [needsEnrolment, setNeedsEnrolment] = useState(false);
  const pending = useRef<Pending | null>(null);

  const withStepUp = useCallback(
    async <T,>(action: () => Promise<T>): Promise<T> => {
      try {
        return await action();
      } catch (error) {
        if (!(error instanceof ApiProblem && error.status === 403 && error.code === 'step_up_required')) throw error;
        const session = client.getQueryData<Session | null>(SESSION_KEY);
        await new Promise<void>((resolve, reject) => {
          pending.current = { resolve, reject };
          setCode('');
          setProblem(null);
          // Without an authenticator there is no code to give: the change waits for MFA enrolment.
          setNeedsEnrolment(!session?.instructor.mfaEnabled);
          setOpen(true);
        });
        return action();
      }
    },
    [client],
  );

  const close = () => {
    setOpen(false);
    pending.current?.reject(new ApiProblem(403, 'Cancelled', 'Not done: the authenticator code was not given.'));
    pending.current = null;
  };
  const submit = async () => {
    setBusy(true);
    try {
      storeSession(client, await auth.stepUp(code.trim()));
      setOpen(false);
      pending.current?.resolve();
      pending.current = null;
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <StepUpContext.Provider value={withStepUp}>
      {children}
      <Dialog open={open && needsEnrolment} title="Two-factor sign-in needed" onClose={close}>
        <p>
          This change (AWS connections, revocations, instructors) needs a fresh code from an authenticator app, and your
          account has none yet.
        </p>
        <div className="actions">
          <Link
            className="button primary"
            to="/mfa/enrol"
            onClick={() => {
              close();
            }}
          >
            Set up two-factor sign-in
          </Link>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </div>
      </Dialog>
      <Dialog open={open && !needsEnrolment} title="Confirm it is you" onClose={close}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <p>This change needs a fresh code from your authenticator app.</p>
          <ProblemAlert problem={problem} shown={['code']} />
          <label htmlFor="step-up-code">Authenticator code</label>
          <input
            id="step-up-code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-invalid={!!problem}
            autoFocus
            required
          />
          {problem?.messagesFor('code').map((m) => (
            <p key={m} className="field-error">
              {m}
            </p>
          ))}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Confirm
            </button>
            <button type="button" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      </Dialog>
    </StepUpContext.Provider>
  );
}

export function useStepUp() {
  const value = useContext(StepUpContext);
  if (!value) throw new Error('useStepUp outside StepUpProvider');
  return value;
}
