import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase())
      ? true
      : ['0', 'false', 'no', 'off'].includes(value.toLowerCase())
        ? false
        : value
    : value;

/**
 * Every environment variable LabKeys reads, with its local default. The demo
 * needs none of them set; production sets at least DATABASE_URL, REDIS_URL,
 * PUBLIC_URL and LABKEYS_MASTER_KEY.
 */
export class EnvSchema {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsString()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  API_PORT = 3000;

  @IsString()
  API_HOST = '127.0.0.1';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_URL?: string;

  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL = 'postgresql://labkeys:labkeys@127.0.0.1:55432/labkeys';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120000)
  DATABASE_ACQUIRE_TIMEOUT_MS = 5000;

  /**
   * Postgres cancels any one statement running longer (statement_timeout), and the client gives up on an
   * answer after a little more (query_timeout, for a server that stopped answering). Per statement, not per
   * transaction: imports and revocations run several short statements.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600000)
  DATABASE_STATEMENT_TIMEOUT_MS = 15000;

  /** How long migrations wait for another process's migration lock before giving up with a message naming the holder. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3600000)
  MIGRATION_LOCK_TIMEOUT_MS = 60000;

  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:56379';

  @IsString()
  @Matches(/^[a-zA-Z0-9_-]{1,40}$/, { message: 'QUEUE_PREFIX must be 1-40 letters, digits, _ or -' })
  QUEUE_PREFIX = 'labkeys';

  @Transform(toBool)
  @IsBoolean()
  MIGRATE_ON_START = true;

  @IsOptional()
  @IsString()
  @MinLength(10)
  LABKEYS_MASTER_KEY?: string;

  @IsString()
  LOCAL_KEY_FILE = '.labkeys/master.key';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  WORKER_CONCURRENCY = 32;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  SWEEP_INTERVAL_SECONDS = 30;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(60000)
  SHUTDOWN_TIMEOUT_MS = 10000;

  /** AssumeRole calls per second per AWS account, across all workers. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  STS_CALLS_PER_SECOND_PER_ACCOUNT = 100;

  /** How long an ISSUING claim is honoured before another attempt may take it over (worker died mid-call). */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  ISSUE_LEASE_SECONDS = 20;

  /** Claims of one session for issuing before it ends FAILED with the last AWS error. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  ISSUE_MAX_ATTEMPTS = 8;

  /** Seconds after its first claim that a session still failing with retryable errors ends FAILED. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  ISSUE_MAX_SECONDS = 600;

  /**
   * Clock difference tolerated between LabKeys' database and AWS: lab-wide denies stop this long before the
   * revocation and sessions issued near it get their own deny; entries are pruned this long after their last expiry.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  REVOCATION_CLOCK_MARGIN_SECONDS = 60;

  /** Access links of a course without an end date stop working this many days after they were issued. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  STUDENT_TOKEN_LIFETIME_DAYS = 180;

  /** A successor session is issued this long before its predecessor expires (auto-renew labs). */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  RENEW_LEAD_SECONDS = 300;

  /** Students get a "session.expiring" event this long before expiry. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  EXPIRING_NOTICE_SECONDS = 300;

  /** Requests per minute per token (or per address when unauthenticated). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  API_RATE_LIMIT_PER_MINUTE = 1200;

  /** Failed authentications per address within the window before answering 429. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_FAILURE_LIMIT = 20;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_FAILURE_WINDOW_SECONDS = 300;

  /** Open SSE streams per token (student access token or instructor API token), counted across api replicas. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  SSE_MAX_STREAMS_PER_TOKEN = 5;

  /** A stream whose unsent bytes exceed this (a client that stops reading) is dropped. */
  @Type(() => Number)
  @IsInt()
  @Min(16384)
  SSE_MAX_BUFFERED_BYTES = 1048576;

  /** Push streams in Redis (kept for Last-Event-ID) expire this long after their last event. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  PUSH_STREAM_TTL_SECONDS = 86400;

  /** LabKeys' own AWS principal (role or user ARN) that tenants' lab-role trust policies allow; discovered through STS when unset. */
  @IsOptional()
  @Matches(/^arn:aws(?:-[a-z]+)*:iam::\d{12}:(?:role|user)\/[\w+=,.@/-]+$/, {
    message: 'LABKEYS_AWS_PRINCIPAL_ARN must be an IAM role or user ARN',
  })
  LABKEYS_AWS_PRINCIPAL_ARN?: string;

  /** SMTP server for access-link emails (smtp://, smtps://; user:password@ in the URL when it needs them). */
  @IsString()
  @Matches(/^smtps?:\/\//, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL = 'smtp://127.0.0.1:2525';

  /** Sender of access-link emails. */
  @IsString()
  @MinLength(3)
  MAIL_FROM = 'LabKeys <labkeys@localhost>';
  /** Lifetime of the identity tokens LabKeys signs for AssumeRoleWithWebIdentity (each is used once, at once). */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(300)
  OIDC_TOKEN_LIFETIME_SECONDS = 300;

  /** A rotated-in signing key is published this long before it signs, so verifiers holding a cached JWKS see it first. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86400)
  OIDC_KEY_PUBLISH_LEAD_SECONDS = 900;

  /** A dashboard session ends after this long without a request. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86400)
  SESSION_IDLE_TIMEOUT_SECONDS = 1800;

  /** A dashboard session ends this long after sign-in, however active. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2592000)
  SESSION_ABSOLUTE_TIMEOUT_SECONDS = 43200;

  /** How long a fresh TOTP code allows sensitive changes from a cookie session (step-up). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  SESSION_STEP_UP_SECONDS = 900;

  /** Failed sign-ins per email (all tenants) within the window before every attempt for it answers 429. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SIGN_IN_ACCOUNT_FAILURE_LIMIT = 10;

  /** Failed sign-ins per client address within the window before every attempt from it answers 429. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SIGN_IN_ADDRESS_FAILURE_LIMIT = 50;

  /** Wrong MFA codes (TOTP or recovery) per instructor within the window before every code answers 429. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MFA_CODE_FAILURE_LIMIT = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86400)
  SIGN_IN_FAILURE_WINDOW_SECONDS = 900;

  /** Origins besides PUBLIC_URL's whose cookie-authenticated changes are accepted (comma-separated, e.g. a dashboard dev server). */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s,/]+(,https?:\/\/[^\s,/]+)*$/, {
    message: 'WEB_ALLOWED_ORIGINS must be comma-separated http(s)://host[:port] origins',
  })
  WEB_ALLOWED_ORIGINS?: string;

  /** Express "trust proxy" setting, for deployments behind a load balancer (e.g. 1, or loopback). */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /** The worker's HTTP listener, for /metrics and /health only (0: any free port, logged at boot). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_HTTP_PORT = 9464;

  @IsString()
  WORKER_HTTP_HOST = '127.0.0.1';

  /** When set, /metrics of the api and the worker answer only `Authorization: Bearer <METRICS_TOKEN>`. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  /** The operator's credential for the queue board at /admin/queues (off when unset); never a tenant token. */
  @IsOptional()
  @IsString()
  @MinLength(32)
  @Matches(/^(?!lks?_)/, { message: 'OPERATOR_TOKEN must not look like a tenant token (lk_…, lks_…)' })
  OPERATOR_TOKEN?: string;

  /** Lets the operator retry, clean, promote or remove jobs on the queue board (read-only otherwise). */
  @Transform(toBool)
  @IsBoolean()
  OPERATOR_QUEUE_ACTIONS = false;
}
