import { Injectable } from '@nestjs/common';
import type { EnvSchema } from './env.schema';

/** Typed, read-only view of the validated environment. */
@Injectable()
export class AppConfig {
  constructor(private readonly env: EnvSchema) {}

  get nodeEnv() {
    return this.env.NODE_ENV;
  }
  get isProduction() {
    return this.env.NODE_ENV === 'production';
  }
  get logLevel() {
    return this.env.LOG_LEVEL;
  }
  get apiPort() {
    return this.env.API_PORT;
  }
  get apiHost() {
    return this.env.API_HOST;
  }
  /** Base URL students and instructors reach the api at (links, console Issuer). */
  get publicUrl(): string {
    const host = this.env.API_HOST === '0.0.0.0' ? '127.0.0.1' : this.env.API_HOST;
    return (this.env.PUBLIC_URL ?? `http://${host}:${this.env.API_PORT}`).replace(/\/$/, '');
  }
  get databaseUrl() {
    return this.env.DATABASE_URL;
  }
  get databasePoolSize() {
    return this.env.DATABASE_POOL_SIZE;
  }
  get databaseAcquireTimeoutMs() {
    return this.env.DATABASE_ACQUIRE_TIMEOUT_MS;
  }
  get databaseStatementTimeoutMs() {
    return this.env.DATABASE_STATEMENT_TIMEOUT_MS;
  }
  get migrationLockTimeoutMs() {
    return this.env.MIGRATION_LOCK_TIMEOUT_MS;
  }
  get redisUrl() {
    return this.env.REDIS_URL;
  }
  get queuePrefix() {
    return this.env.QUEUE_PREFIX;
  }
  get migrateOnStart() {
    return this.env.MIGRATE_ON_START;
  }
  get masterKey() {
    return this.env.LABKEYS_MASTER_KEY;
  }
  get localKeyFile() {
    return this.env.LOCAL_KEY_FILE;
  }
  get workerConcurrency() {
    return this.env.WORKER_CONCURRENCY;
  }
  /**
   * Jobs each worker process runs at once, per queue (keys are the queue names). The STS and lifecycle queues
   * follow WORKER_CONCURRENCY; the sweep runs alone; revocations run one role per job, several roles at once.
   */
  get queueConcurrency(): Readonly<
    Record<'issuance' | 'lifecycle' | 'labs' | 'maintenance' | 'revocation' | 'mail', number>
  > {
    return {
      issuance: this.workerConcurrency,
      lifecycle: this.workerConcurrency,
      labs: 4,
      maintenance: 1,
      revocation: 8,
      mail: 4,
    };
  }
  get sweepIntervalSeconds() {
    return this.env.SWEEP_INTERVAL_SECONDS;
  }
  get shutdownTimeoutMs() {
    return this.env.SHUTDOWN_TIMEOUT_MS;
  }
  get apiRateLimitPerMinute() {
    return this.env.API_RATE_LIMIT_PER_MINUTE;
  }
  get authFailureLimit() {
    return this.env.AUTH_FAILURE_LIMIT;
  }
  get authFailureWindowSeconds() {
    return this.env.AUTH_FAILURE_WINDOW_SECONDS;
  }
  get sseMaxStreamsPerToken() {
    return this.env.SSE_MAX_STREAMS_PER_TOKEN;
  }
  get sseMaxBufferedBytes() {
    return this.env.SSE_MAX_BUFFERED_BYTES;
  }
  get pushStreamTtlSeconds() {
    return this.env.PUSH_STREAM_TTL_SECONDS;
  }
  /** LabKeys' own AWS principal ARN for tenants' trust policies, when configured. */
  get awsPrincipalArn() {
    return this.env.LABKEYS_AWS_PRINCIPAL_ARN;
  }
  get trustProxy() {
    return this.env.TRUST_PROXY;
  }
  get stsCallsPerSecondPerAccount() {
    return this.env.STS_CALLS_PER_SECOND_PER_ACCOUNT;
  }
  get issueLeaseMs() {
    return this.env.ISSUE_LEASE_SECONDS * 1000;
  }
  get renewLeadMs() {
    return this.env.RENEW_LEAD_SECONDS * 1000;
  }
  get expiringNoticeMs() {
    return this.env.EXPIRING_NOTICE_SECONDS * 1000;
  }
  get issueMaxAttempts() {
    return this.env.ISSUE_MAX_ATTEMPTS;
  }
  get issueMaxMs() {
    return this.env.ISSUE_MAX_SECONDS * 1000;
  }
  get revocationClockMarginMs() {
    return this.env.REVOCATION_CLOCK_MARGIN_SECONDS * 1000;
  }
  get studentTokenLifetimeMs() {
    return this.env.STUDENT_TOKEN_LIFETIME_DAYS * 86_400_000;
  }
  get smtpUrl() {
    return this.env.SMTP_URL;
  }
  get mailFrom() {
    return this.env.MAIL_FROM;
  }
  /** LabKeys' OpenID Connect issuer: `PUBLIC_URL/oidc` (AWS must reach it over HTTPS). */
  get oidcIssuerUrl(): string {
    return `${this.publicUrl}/oidc`;
  }
  get oidcTokenLifetimeSeconds() {
    return this.env.OIDC_TOKEN_LIFETIME_SECONDS;
  }
  get oidcKeyPublishLeadMs() {
    return this.env.OIDC_KEY_PUBLISH_LEAD_SECONDS * 1000;
  }
  get sessionIdleTimeoutMs() {
    return this.env.SESSION_IDLE_TIMEOUT_SECONDS * 1000;
  }
  get sessionAbsoluteTimeoutMs() {
    return this.env.SESSION_ABSOLUTE_TIMEOUT_SECONDS * 1000;
  }
  get sessionStepUpMs() {
    return this.env.SESSION_STEP_UP_SECONDS * 1000;
  }
  get signInAccountFailureLimit() {
    return this.env.SIGN_IN_ACCOUNT_FAILURE_LIMIT;
  }
  get signInAddressFailureLimit() {
    return this.env.SIGN_IN_ADDRESS_FAILURE_LIMIT;
  }
  get mfaCodeFailureLimit() {
    return this.env.MFA_CODE_FAILURE_LIMIT;
  }
  get signInFailureWindowMs() {
    return this.env.SIGN_IN_FAILURE_WINDOW_SECONDS * 1000;
  }
  /** Origins whose cookie-authenticated changes are accepted: PUBLIC_URL's, and WEB_ALLOWED_ORIGINS. */
  get webOrigins(): string[] {
    return [
      new URL(this.publicUrl).origin,
      ...(this.env.WEB_ALLOWED_ORIGINS?.split(',') ?? []).map((origin) => new URL(origin).origin),
    ];
  }
  /** Session cookies are `Secure` when the api is reached over https. */
  get secureCookies(): boolean {
    return this.publicUrl.startsWith('https://');
  }
  get workerHttpPort() {
    return this.env.WORKER_HTTP_PORT;
  }
  get workerHttpHost() {
    return this.env.WORKER_HTTP_HOST;
  }
  get metricsToken() {
    return this.env.METRICS_TOKEN;
  }
  get operatorToken() {
    return this.env.OPERATOR_TOKEN;
  }
  get operatorQueueActions() {
    return this.env.OPERATOR_QUEUE_ACTIONS;
  }
}
