-- Instructor sign-in for the dashboard: passwords and TOTP per instructor, recovery codes, invitations,
-- server-side web sessions, and the tenant's "MFA required" switch.

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN "mfa_required" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "instructors_email_idx" ON "instructors"("email");

-- CreateTable
CREATE TABLE "instructor_credentials" (
    "tenant_id" UUID NOT NULL,
    "instructor_id" UUID NOT NULL,
    "password_hash" TEXT NOT NULL,
    "password_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "totp_sealed" BYTEA,
    "totp_seal_key_id" TEXT,
    "totp_confirmed_at" TIMESTAMPTZ(3),
    "totp_last_step" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "instructor_credentials_pkey" PRIMARY KEY ("tenant_id", "instructor_id")
);

-- CreateTable
CREATE TABLE "recovery_codes" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "instructor_id" UUID NOT NULL,
    "code_hash" CHAR(64) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "recovery_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instructor_invitations" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" "InstructorRole" NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "instructor_id" UUID,
    "invited_by" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "instructor_invitations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "web_sessions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "instructor_id" UUID NOT NULL,
    "id_hash" CHAR(64) NOT NULL,
    "mfa_verified_at" TIMESTAMPTZ(3),
    "step_up_at" TIMESTAMPTZ(3),
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "web_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "recovery_codes_tenant_id_id_key" ON "recovery_codes"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "recovery_codes_tenant_id_instructor_id_code_hash_key" ON "recovery_codes"("tenant_id", "instructor_id", "code_hash");

-- CreateIndex
CREATE UNIQUE INDEX "instructor_invitations_token_hash_key" ON "instructor_invitations"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "instructor_invitations_tenant_id_id_key" ON "instructor_invitations"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "instructor_invitations_tenant_id_email_idx" ON "instructor_invitations"("tenant_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "web_sessions_id_hash_key" ON "web_sessions"("id_hash");

-- CreateIndex
CREATE UNIQUE INDEX "web_sessions_tenant_id_id_key" ON "web_sessions"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "web_sessions_tenant_id_instructor_id_idx" ON "web_sessions"("tenant_id", "instructor_id");

-- AddForeignKey
ALTER TABLE "instructor_credentials" ADD CONSTRAINT "instructor_credentials_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instructor_credentials" ADD CONSTRAINT "instructor_credentials_tenant_id_instructor_id_fkey" FOREIGN KEY ("tenant_id", "instructor_id") REFERENCES "instructors"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_tenant_id_instructor_id_fkey" FOREIGN KEY ("tenant_id", "instructor_id") REFERENCES "instructors"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instructor_invitations" ADD CONSTRAINT "instructor_invitations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_tenant_id_instructor_id_fkey" FOREIGN KEY ("tenant_id", "instructor_id") REFERENCES "instructors"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
