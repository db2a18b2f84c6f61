/** Exit codes of the `labkeys` CLI, one per thing a student (or a script) can act on. */
export const EXIT = {
  ok: 0,
  /** Something unexpected; the message says what. */
  failed: 1,
  /** Wrong command line. */
  usage: 2,
  /** No access link stored for this profile: run `labkeys login`. */
  notLoggedIn: 3,
  /** LabKeys refused the access link (401): wrong, replaced, expired, or the student was removed. */
  linkRefused: 4,
  /** Credentials are still being issued (409), or the lab has not started (404); `--wait` blocks instead. */
  notReady: 5,
  /** The lab access has ended (410): expired, revoked, or failed — the message gives the reason. */
  ended: 6,
  /** LabKeys could not be reached or answered with a server error. */
  unavailable: 7,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
