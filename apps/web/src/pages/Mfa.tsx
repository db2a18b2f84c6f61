import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { auth } from '../api/auth';
import { ApiProblem, asProblem } from '../api/problem';
import { CopyBlock } from '../components/CopyButton';
import { Field } from '../components/Field';
import { Page } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';
import { QrCode } from '../components/QrCode';
import { SESSION_KEY } from '../session';
import { PublicPage, useContinue } from './SignIn';

/** The second step of sign-in: a code from the authenticator app, or one of the recovery codes. */
export function MfaChallengePage() {
  const proceed = useContinue();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRecovery ? 'recoveryCode' : 'code';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      proceed(await auth.verifyMfa(useRecovery ? { recoveryCode: code.trim() } : { code: code.trim() }));
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicPage title="Two-factor sign-in">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ProblemAlert problem={problem} shown={[field]} />
        {useRecovery ? (
          <Field
            key="recovery"
            label="Recovery code"
            name="recoveryCode"
            autoComplete="off"
            hint="Each recovery code works once."
            value={code}
            onChange={(e) => setCode(e.target.value)}
            problem={problem}
            required
            autoFocus
          />
        ) : (
          <Field
            key="code"
            label="Authenticator code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            hint="The 6-digit code your authenticator app shows for LabKeys."
            value={code}
            onChange={(e) => setCode(e.target.value)}
            problem={problem}
            required
            autoFocus
          />
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Verify
          </button>
          <button
            type="button"
            className="link"
            onClick={() => {
              setUseRecovery(!useRecovery);
              setCode('');
              setProblem(null);
            }}
          >
            {useRecovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
          </button>
        </div>
      </form>
    </PublicPage>
  );
}

/** Turning on two-factor sign-in: a QR code and the secret (shown once), a first code, then the recovery codes (shown once). */
export function MfaEnrolPage() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };
  const begin = () => run(async () => setEnrolment(await auth.startEnrolment()));
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => setRecoveryCodes((await auth.confirmEnrolment(code.trim())).recoveryCodes));
  };
  const finish = async () => {
    await client.invalidateQueries({ queryKey: SESSION_KEY });
    navigate('/account');
  };

  return (
    <Page title="Set up two-factor sign-in">
      <div className="card">
        <ProblemAlert problem={problem} shown={['code']} />
        {!enrolment && (
          <>
            <p>
              Signing in will ask for a code from an authenticator app (such as a password manager or an authenticator
              on your phone) after your password.
            </p>
            <div className="actions">
              <button type="button" className="primary" onClick={() => void begin()} disabled={busy}>
                Set up authenticator app
              </button>
            </div>
          </>
        )}
        {enrolment && !recoveryCodes && (
          <form onSubmit={confirm} noValidate>
            <ol className="steps">
              <li>
                <p>Scan this QR code with your authenticator app:</p>
                <QrCode value={enrolment.otpauthUrl} label="QR code for your authenticator app" />
              </li>
              <li>
                <p>Or type this secret into it (shown only now):</p>
                <CopyBlock text={enrolment.secret} label="secret" />
              </li>
              <li>
                <Field
                  label="The 6-digit code the app shows now"
                  name="code"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                  problem={problem}
                  required
                />
              </li>
            </ol>
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                Turn on two-factor sign-in
              </button>
            </div>
          </form>
        )}
        {recoveryCodes && (
          <>
            <div className="alert success" role="status">
              <p>
                <strong>Two-factor sign-in is on.</strong>
              </p>
            </div>
            <p>
              Keep these recovery codes somewhere safe. Each works once, in place of a code, if you lose your
              authenticator. They are shown only now.
            </p>
            <CopyBlock text={recoveryCodes.join('\n')} label="recovery codes" multiline />
            <div className="actions">
              <button type="button" className="primary" onClick={() => void finish()}>
                I have saved them
              </button>
            </div>
          </>
        )}
      </div>
    </Page>
  );
}
