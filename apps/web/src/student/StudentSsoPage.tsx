import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { sso } from '../api/auth';
import { asProblem } from '../api/problem';
import { SsoButtons, SsoProblem } from '../pages/SignIn';
import { StudentHeader } from './StudentHeader';
import './student.css';

/**
 * A school's sign-in page for students (`/student/sso/<tenant id>`, shareable or linked from the LMS): its
 * "Sign in with <school>" buttons, and the plain words of a refused sign-in when the school sent the student back.
 */
export function StudentSsoPage() {
  const { tenantId = '' } = useParams();
  const [params] = useSearchParams();
  const options = useQuery({
    queryKey: ['student-sign-in-options', tenantId],
    queryFn: () => sso.options(tenantId, 'students'),
    retry: false,
  });
  useEffect(() => {
    document.title = options.data ? `Sign in · ${options.data.tenantName} · LabKeys` : 'Sign in · LabKeys';
  }, [options.data]);
  return (
    <>
      <StudentHeader />
      <main id="main" className="student">
        <section className="card" aria-labelledby="sso-title">
          <h1 id="sso-title">
            {options.data ? `Sign in to your labs at ${options.data.tenantName}` : 'Sign in to your labs'}
          </h1>
          <SsoProblem code={params.get('sso_error')} detail={params.get('detail')} />
          {options.isLoading && <p role="status">Loading…</p>}
          {options.error && (
            <div className="alert error" role="alert">
              <p>{asProblem(options.error).detail}</p>
            </div>
          )}
          {options.data &&
            (options.data.providers.length ? (
              <SsoButtons providers={options.data.providers} />
            ) : (
              <p>This school offers no sign-in here; use the access link your instructor sent you.</p>
            ))}
          <p className="hint">Have an access link from your instructor? Open it instead; it works as before.</p>
        </section>
      </main>
    </>
  );
}
