-- CreateEnum
CREATE TYPE "IdentityProviderAudience" AS ENUM ('INSTRUCTORS', 'STUDENTS', 'BOTH');

-- CreateEnum
CREATE TYPE "SsoPurpose" AS ENUM ('INSTRUCTOR', 'STUDENT', 'STUDENT_CLI', 'TEST');

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN "password_sign_in" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN "trust_provider_mfa" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "web_sessions" ADD COLUMN "sso_provider_id" UUID;

-- CreateTable
CREATE TABLE "identity_providers" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "display_name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "client_secret_sealed" BYTEA NOT NULL,
    "client_secret_key_id" TEXT NOT NULL,
    "allowed_domains" TEXT[],
    "email_claim" TEXT NOT NULL DEFAULT 'email',
    "audience" "IdentityProviderAudience" NOT NULL DEFAULT 'BOTH',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "last_test_at" TIMESTAMPTZ(3),
    "last_test_claims" JSONB,
    "last_test_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "identity_providers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sso_attempts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "state_hash" CHAR(64) NOT NULL,
    "browser_hash" CHAR(64) NOT NULL,
    "nonce" TEXT NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "purpose" "SsoPurpose" NOT NULL,
    "return_to" TEXT,
    "loopback_port" INTEGER,
    "cli_challenge" TEXT,
    "cli_code_hash" CHAR(64),
    "student_id" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "consumed_at" TIMESTAMPTZ(3),
    "cli_exchanged_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sso_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "student_sso_sessions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "id_hash" CHAR(64) NOT NULL,
    "kind" TEXT NOT NULL,
    "provider_id" UUID,
    "enrollment_id" UUID,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "student_sso_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "identity_providers_tenant_id_id_key" ON "identity_providers"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "identity_providers_tenant_id_display_name_key" ON "identity_providers"("tenant_id", "display_name");

-- CreateIndex
CREATE UNIQUE INDEX "sso_attempts_state_hash_key" ON "sso_attempts"("state_hash");

-- CreateIndex
CREATE UNIQUE INDEX "sso_attempts_cli_code_hash_key" ON "sso_attempts"("cli_code_hash");

-- CreateIndex
CREATE INDEX "sso_attempts_expires_at_idx" ON "sso_attempts"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "sso_attempts_tenant_id_id_key" ON "sso_attempts"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "student_sso_sessions_id_hash_key" ON "student_sso_sessions"("id_hash");

-- CreateIndex
CREATE INDEX "student_sso_sessions_tenant_id_student_id_idx" ON "student_sso_sessions"("tenant_id", "student_id");

-- CreateIndex
CREATE UNIQUE INDEX "student_sso_sessions_tenant_id_id_key" ON "student_sso_sessions"("tenant_id", "id");

-- AddForeignKey
ALTER TABLE "identity_providers" ADD CONSTRAINT "identity_providers_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sso_attempts" ADD CONSTRAINT "sso_attempts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sso_attempts" ADD CONSTRAINT "sso_attempts_tenant_id_provider_id_fkey" FOREIGN KEY ("tenant_id", "provider_id") REFERENCES "identity_providers"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "student_sso_sessions" ADD CONSTRAINT "student_sso_sessions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "student_sso_sessions" ADD CONSTRAINT "student_sso_sessions_tenant_id_student_id_fkey" FOREIGN KEY ("tenant_id", "student_id") REFERENCES "students"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "student_sso_sessions" ADD CONSTRAINT "student_sso_sessions_tenant_id_enrollment_id_fkey" FOREIGN KEY ("tenant_id", "enrollment_id") REFERENCES "enrollments"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
