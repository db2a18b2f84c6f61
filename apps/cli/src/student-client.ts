import type { CredentialSet } from '@labkeys/credentials';
import { CliError, EXIT } from './cli-error';
import type { StoredProfile } from './profile-store';

export interface CurrentCredentials extends CredentialSet {
  sessionId: string;
  labId: string;
  labName: string;
  state: 'ACTIVE';
  assumedRoleArn: string | null;
}

interface Problem {
  detail?: string;
  state?: string;
  failureCode?: string | null;
}

const TIMEOUT_MS = 15_000;

/** The student API as the CLI uses it; every refusal becomes a CliError with its exit code and LabKeys' words. */
export class StudentClient {
  constructor(private readonly profile: StoredProfile) {}

  current(): Promise<CurrentCredentials> {
    return this.json<CurrentCredentials>('/v1/me/sessions/current');
  }

  async consoleUrl(): Promise<string> {
    return (await this.json<{ url: string }>('/v1/me/sessions/current/console?mode=json')).url;
  }

  /** Polls until credentials are ready (409/404 mean not yet), up to `timeoutMs`. */
  async waitForCurrent(timeoutMs: number, onWait?: (message: string) => void): Promise<CurrentCredentials> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 500; ; delay = Math.min(delay * 2, 5000)) {
      try {
        return await this.current();
      } catch (error) {
        if (!(error instanceof CliError) || error.exitCode !== EXIT.notReady || Date.now() + delay > deadline)
          throw error;
        onWait?.(error.message);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async json<T>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.profile.url), {
        headers: { authorization: `Bearer ${this.profile.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'manual',
      });
    } catch (error) {
      throw new CliError(
        `Could not reach LabKeys at ${this.profile.url}: ${(error as Error).message}`,
        EXIT.unavailable,
      );
    }
    if (res.ok) return (await res.json()) as T;
    const problem = ((await res.json().catch(() => ({}))) ?? {}) as Problem;
    const detail = problem.detail ?? res.statusText;
    switch (res.status) {
      case 401:
        throw new CliError(
          this.profile.token.startsWith('lkc_')
            ? `LabKeys refused your school sign-in: ${detail} Run labkeys login --sso again.`
            : `LabKeys refused this access link: ${detail} Ask your instructor for a new link if you are still in the course.`,
          EXIT.linkRefused,
        );
      case 404:
        throw new CliError(`No credentials yet: ${detail}`, EXIT.notReady);
      case 409:
        if ((problem as { code?: string }).code === 'lab_choice_required')
          throw new CliError('You are in several courses: choose one with labkeys course CODE', EXIT.usage);
        throw new CliError(`Still being issued: ${detail}`, EXIT.notReady);
      case 410:
        throw new CliError(detail, EXIT.ended);
      case 429:
        throw new CliError(`LabKeys asks to slow down: ${detail}`, EXIT.unavailable);
      default:
        throw new CliError(
          `LabKeys answered ${res.status}: ${detail}`,
          res.status >= 500 ? EXIT.unavailable : EXIT.failed,
        );
    }
  }
}

/** `https://host/student#token=lks_…` → the deployment's base URL and the token; never sent anywhere else. */
export function parseAccessLink(link: string): StoredProfile {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new CliError(
      'That is not an access link; copy the whole link your instructor sent (https://…/student#token=…).',
      EXIT.usage,
    );
  }
  const token = new URLSearchParams(url.hash.replace(/^#/, '')).get('token');
  if (!token || !/^lks_[A-Za-z0-9_-]{20,}$/.test(token) || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new CliError(
      'That link has no access token; copy the whole link your instructor sent (https://…/student#token=…).',
      EXIT.usage,
    );
  }
  const base = url.pathname.replace(/\/student\/?$/, '').replace(/\/$/, '');
  return { url: `${url.origin}${base}`, token };
}
