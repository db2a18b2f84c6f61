import { toProblem } from '../api/problem';

/** GET/POST /v1/me/session (apps/api/src/student/dto/student.dto.ts StudentSessionDto). */
export type LabStatus = 'waiting' | 'ready' | 'renewing' | 'expired' | 'revoked' | 'failed';
export interface StudentSession {
  via: 'cookie' | 'token';
  /** Signed in through the school (the course is a choice), not with an access link. */
  schoolSignIn: boolean;
  course: { id: string; code: string; title: string; endsAt: string | null };
  status: LabStatus;
  lab: {
    labId: string;
    labName: string;
    sessionId: string;
    state: string;
    expiresAt: string | null;
    failureCode: string | null;
    failureReason: string | null;
    /** The instructor's own words when they revoked this session with a reason (plain text). */
    revokeReason?: string | null;
  } | null;
}

/** The formats the api renders (`?format=`), in the order the page offers them. */
export const FORMATS = [
  { id: 'env', label: 'bash / zsh', hint: 'Paste into your terminal: sets the variables the AWS CLI and SDKs read.' },
  { id: 'fish', label: 'fish', hint: 'Paste into a fish shell.' },
  { id: 'powershell', label: 'PowerShell', hint: 'Paste into PowerShell (Windows, macOS or Linux).' },
  { id: 'cmd', label: 'Windows cmd', hint: 'Paste into a Command Prompt window.' },
  {
    id: 'credentials',
    label: '~/.aws/credentials',
    hint: 'A profile for the AWS credentials file, with its region: aws --profile NAME …',
  },
  {
    id: 'config',
    label: '~/.aws/config',
    hint: 'A profile for the AWS config file: the labkeys CLI (labkeys login with your link) fetches current keys, renewals included.',
  },
  { id: 'json', label: 'JSON', hint: 'Everything at once, for scripts.' },
] as const;
export type FormatId = (typeof FORMATS)[number]['id'];
export const PROFILE_FORMATS: readonly FormatId[] = ['credentials', 'config'];

async function call<T>(
  method: string,
  path: string,
  init: { token?: string; as?: 'json' | 'text'; json?: unknown } = {},
): Promise<T> {
  const headers = new Headers({ accept: init.as === 'text' ? 'text/plain, application/json' : 'application/json' });
  // The link's token is sent once, to exchange it; from then on the HttpOnly cookie does the work.
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const body = init.json !== undefined ? JSON.stringify(init.json) : undefined;
  const response = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  const text = await response.text();
  if (!response.ok) {
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    throw toProblem(response, body);
  }
  if (init.as === 'text') return text as T;
  return (text ? JSON.parse(text) : undefined) as T;
}

/** GET /v1/me/sso/labs (apps/api/src/me/dto/student-sso.dto.ts): the courses of a student signed in through the school. */
export interface StudentCourseChoice {
  enrollmentId: string;
  chosen: boolean;
  course: { id: string; code: string; title: string; endsAt: string | null };
  labs: { id: string; name: string; state: string; startsAt: string | null; endsAt: string | null }[];
}

export const studentApi = {
  /** The courses (and their current labs) of a student signed in through their school. */
  choices: () => call<{ courses: StudentCourseChoice[] }>('GET', '/v1/me/sso/labs'),
  choose: (enrollmentId: string) =>
    call<{ courses: StudentCourseChoice[] }>('POST', '/v1/me/sso/choice', { json: { enrollmentId } }),
  /** Ends a school sign-in's session (also before a course is chosen). */
  signOutOfSchool: () => call<void>('DELETE', '/v1/me/sso/session'),
  /** Trades the access token of the link for the session cookie. */
  exchange: (token: string) => call<StudentSession>('POST', '/v1/me/session', { token }),
  session: () => call<StudentSession>('GET', '/v1/me/session'),
  signOut: () => call<void>('DELETE', '/v1/me/session'),
  credentials: (format: FormatId, profile: string) =>
    call<string>(
      'GET',
      `/v1/me/sessions/current?format=${encodeURIComponent(format)}&profile=${encodeURIComponent(profile)}`,
      { as: 'text' },
    ),
  /** A fresh single-use link (five minutes) that signs this browser in to the AWS console. */
  consoleLink: () => call<{ url: string }>('GET', '/v1/me/sessions/current/console?mode=link'),
};

/** The access token of a link `…/student#token=lks_…`, if the fragment carries one. */
export function tokenOfFragment(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && /^lks_[A-Za-z0-9_-]{16,}$/.test(token) ? token : null;
}
