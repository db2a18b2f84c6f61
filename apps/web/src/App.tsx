import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router';
import { auth } from './api/auth';
import { Logo } from './components/Logo';
import { QueryState } from './components/Page';
import { AccountPage } from './pages/Account';
import { AuditPage } from './pages/Audit';
import { ConnectionPage, ConnectionsPage } from './pages/Connections';
import { CoursePage } from './pages/Course';
import { CoursesPage } from './pages/Courses';
import { InstructorsPage } from './pages/Instructors';
import { InvitePage } from './pages/Invite';
import { LabBoardPage } from './pages/LabBoard';
import { LabsPage, NewLabPage } from './pages/Labs';
import { MfaChallengePage, MfaEnrolPage } from './pages/Mfa';
import { SignInPage } from './pages/SignIn';
import { SignInSettingsPage } from './pages/SignInSettings';
import { StudentSsoPage } from './student/StudentSsoPage';
import { TemplateEditorPage, TemplatesPage } from './pages/Templates';
import { storeSession, useSession } from './session';
import { StudentPage } from './student/StudentPage';

/** Pages that need a signed-in session; the others (sign-in, invitation, MFA challenge) are public. */
function RequireSession({ children }: { children: ReactNode }) {
  const { data: session, isLoading, error } = useSession();
  const location = useLocation();
  if (isLoading || error)
    return (
      <main id="main" className="narrow">
        <QueryState isLoading={isLoading} error={error} />
      </main>
    );
  const next = encodeURIComponent(location.pathname + location.search);
  if (!session) return <Navigate to={`/sign-in?next=${next}`} replace />;
  if (session.state === 'mfa-required') return <Navigate to={`/mfa?next=${next}`} replace />;
  if (session.state === 'mfa-enrolment-required' && location.pathname !== '/mfa/enrol')
    return <Navigate to="/mfa/enrol" replace />;
  return <Shell>{children}</Shell>;
}

function Shell({ children }: { children: ReactNode }) {
  const { data: session } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const signOut = async () => {
    let endSessionUrl: string | null = null;
    try {
      endSessionUrl = (await auth.signOut())?.endSessionUrl ?? null;
    } finally {
      storeSession(client, null);
      client.clear();
      // Signed in through the school: sign out there too, which comes back to the sign-in page.
      if (endSessionUrl) window.location.assign(endSessionUrl);
      else navigate(session ? `/sign-in?tenant=${session.tenant.id}` : '/sign-in');
    }
  };
  const links: [string, string][] = [
    ['/labs', 'Labs'],
    ['/courses', 'Courses'],
    ['/connections', 'Connections'],
    ['/templates', 'Templates'],
    ['/audit', 'Audit log'],
    ...(session?.instructor.role === 'OWNER'
      ? ([
          ['/instructors', 'Instructors'],
          ['/settings/sign-in', 'Sign-in'],
        ] as [string, string][])
      : []),
    ['/account', 'Account'],
  ];
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand">
          <Logo /> LabKeys <span className="tenant">{session?.tenant.name}</span>
        </div>
        <nav aria-label="Main">
          <ul>
            {links.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to}>{label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{session?.instructor.name || session?.instructor.email}</span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}

function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        There is no page here. <NavLink to="/labs">Go to the labs</NavLink>.
      </p>
    </>
  );
}

export function App() {
  const signedIn = (page: ReactNode) => <RequireSession>{page}</RequireSession>;
  return (
    <Routes>
      <Route path="/student" element={<StudentPage />} />
      <Route path="/student/sso/:tenantId" element={<StudentSsoPage />} />
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/invite" element={<InvitePage />} />
      <Route path="/mfa" element={<MfaChallengePage />} />
      <Route path="/mfa/enrol" element={signedIn(<MfaEnrolPage />)} />
      <Route path="/" element={<Navigate to="/labs" replace />} />
      <Route path="/labs" element={signedIn(<LabsPage />)} />
      <Route path="/labs/new" element={signedIn(<NewLabPage />)} />
      <Route path="/labs/:labId" element={signedIn(<LabBoardPage />)} />
      <Route path="/courses" element={signedIn(<CoursesPage />)} />
      <Route path="/courses/:courseId" element={signedIn(<CoursePage />)} />
      <Route path="/connections" element={signedIn(<ConnectionsPage />)} />
      <Route path="/connections/:connectionId" element={signedIn(<ConnectionPage />)} />
      <Route path="/templates" element={signedIn(<TemplatesPage />)} />
      <Route path="/templates/:templateId" element={signedIn(<TemplateEditorPage />)} />
      <Route path="/audit" element={signedIn(<AuditPage />)} />
      <Route path="/instructors" element={signedIn(<InstructorsPage />)} />
      <Route path="/account" element={signedIn(<AccountPage />)} />
      <Route path="/settings/sign-in" element={signedIn(<SignInSettingsPage />)} />
      <Route path="*" element={signedIn(<NotFound />)} />
    </Routes>
  );
}
