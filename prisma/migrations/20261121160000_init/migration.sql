-- CreateEnum
CREATE TYPE "InstructorRole" AS ENUM ('OWNER', 'INSTRUCTOR', 'ASSISTANT');

-- CreateEnum
CREATE TYPE "LabState" AS ENUM ('SCHEDULED', 'RUNNING', 'ENDED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "SessionState" AS ENUM ('PENDING', 'ISSUING', 'ACTIVE', 'EXPIRED', 'REVOKING', 'REVOKED', 'FAILED');

-- CreateEnum
CREATE TYPE "RevocationScope" AS ENUM ('LAB', 'SESSION', 'USER_ID');

-- CreateEnum
CREATE TYPE "RevocationState" AS ENUM ('PENDING', 'APPLIED', 'PRUNED');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "aws_connections" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "account_id" VARCHAR(12) NOT NULL,
    "region" TEXT NOT NULL,
    "partition" TEXT NOT NULL DEFAULT 'aws',
    "external_id" TEXT NOT NULL,
    "lab_role_arn" TEXT,
    "management_role_arn" TEXT,
    "endpoint_override" TEXT,
    "max_session_seconds" INTEGER,
    "role_chaining" BOOLEAN,
    "verified_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "aws_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instructors" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" "InstructorRole" NOT NULL DEFAULT 'INSTRUCTOR',
    "disabled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "instructors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "instructor_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "display_prefix" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "courses" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "archived_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "courses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "students" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "display_name" TEXT,
    "handle" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "students_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "enrollments" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "course_id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "access_token_hash" CHAR(64),
    "token_issued_at" TIMESTAMPTZ(3),
    "unenrolled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "enrollments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role_templates" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role_arn" TEXT NOT NULL,
    "session_policy_template" TEXT,
    "managed_policy_arns" TEXT[],
    "duration_seconds" INTEGER NOT NULL,
    "session_tags" JSONB NOT NULL DEFAULT '[]',
    "transitive_tag_keys" TEXT[],
    "console_destination" TEXT,
    "allowed_regions" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "role_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "labs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "course_id" UUID NOT NULL,
    "template_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "state" "LabState" NOT NULL DEFAULT 'SCHEDULED',
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "session_duration_seconds" INTEGER NOT NULL,
    "auto_renew" BOOLEAN NOT NULL DEFAULT false,
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "labs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lab_sessions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "lab_id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "state" "SessionState" NOT NULL DEFAULT 'PENDING',
    "predecessor_id" UUID,
    "role_session_name" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "failure_code" TEXT,
    "failure_reason" TEXT,
    "access_key_id" TEXT,
    "sealed_secret" BYTEA,
    "seal_key_id" TEXT,
    "assumed_role_id" TEXT,
    "assumed_role_arn" TEXT,
    "issued_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoke_requested_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lab_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "revocation_entries" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "role_arn" TEXT NOT NULL,
    "scope" "RevocationScope" NOT NULL,
    "lab_id" UUID,
    "session_id" UUID,
    "value" TEXT NOT NULL,
    "state" "RevocationState" NOT NULL DEFAULT 'PENDING',
    "covers_until" TIMESTAMPTZ(3) NOT NULL,
    "last_error" TEXT,
    "applied_at" TIMESTAMPTZ(3),
    "pruned_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "revocation_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT,
    "action" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT,
    "summary" JSONB NOT NULL DEFAULT '{}',
    "request_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "aws_connections_tenant_id_id_key" ON "aws_connections"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "aws_connections_tenant_id_name_key" ON "aws_connections"("tenant_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "instructors_tenant_id_id_key" ON "instructors"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "instructors_tenant_id_email_key" ON "instructors"("tenant_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_tenant_id_instructor_id_idx" ON "api_tokens"("tenant_id", "instructor_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_tenant_id_id_key" ON "api_tokens"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "courses_tenant_id_id_key" ON "courses"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "courses_tenant_id_code_key" ON "courses"("tenant_id", "code");

-- CreateIndex
CREATE UNIQUE INDEX "students_tenant_id_id_key" ON "students"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "students_tenant_id_email_key" ON "students"("tenant_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "students_tenant_id_handle_key" ON "students"("tenant_id", "handle");

-- CreateIndex
CREATE UNIQUE INDEX "enrollments_access_token_hash_key" ON "enrollments"("access_token_hash");

-- CreateIndex
CREATE INDEX "enrollments_tenant_id_student_id_idx" ON "enrollments"("tenant_id", "student_id");

-- CreateIndex
CREATE UNIQUE INDEX "enrollments_tenant_id_id_key" ON "enrollments"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "enrollments_tenant_id_course_id_student_id_key" ON "enrollments"("tenant_id", "course_id", "student_id");

-- CreateIndex
CREATE UNIQUE INDEX "role_templates_tenant_id_id_key" ON "role_templates"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "role_templates_tenant_id_name_key" ON "role_templates"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "labs_tenant_id_course_id_idx" ON "labs"("tenant_id", "course_id");

-- CreateIndex
CREATE INDEX "labs_state_starts_at_idx" ON "labs"("state", "starts_at");

-- CreateIndex
CREATE INDEX "labs_state_ends_at_idx" ON "labs"("state", "ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "labs_tenant_id_id_key" ON "labs"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "lab_sessions_state_expires_at_idx" ON "lab_sessions"("state", "expires_at");

-- CreateIndex
CREATE INDEX "lab_sessions_tenant_id_lab_id_state_idx" ON "lab_sessions"("tenant_id", "lab_id", "state");

-- CreateIndex
CREATE INDEX "lab_sessions_tenant_id_student_id_state_idx" ON "lab_sessions"("tenant_id", "student_id", "state");

-- CreateIndex
CREATE UNIQUE INDEX "lab_sessions_tenant_id_id_key" ON "lab_sessions"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "revocation_entries_role_arn_state_idx" ON "revocation_entries"("role_arn", "state");

-- CreateIndex
CREATE INDEX "revocation_entries_state_covers_until_idx" ON "revocation_entries"("state", "covers_until");

-- CreateIndex
CREATE UNIQUE INDEX "revocation_entries_tenant_id_id_key" ON "revocation_entries"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "revocation_entries_tenant_id_role_arn_scope_value_key" ON "revocation_entries"("tenant_id", "role_arn", "scope", "value");

-- CreateIndex
CREATE INDEX "audit_events_tenant_id_created_at_idx" ON "audit_events"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_events_tenant_id_subject_type_subject_id_idx" ON "audit_events"("tenant_id", "subject_type", "subject_id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_tenant_id_id_key" ON "audit_events"("tenant_id", "id");

-- AddForeignKey
ALTER TABLE "aws_connections" ADD CONSTRAINT "aws_connections_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instructors" ADD CONSTRAINT "instructors_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_tenant_id_instructor_id_fkey" FOREIGN KEY ("tenant_id", "instructor_id") REFERENCES "instructors"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "courses" ADD CONSTRAINT "courses_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "students" ADD CONSTRAINT "students_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_tenant_id_course_id_fkey" FOREIGN KEY ("tenant_id", "course_id") REFERENCES "courses"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_tenant_id_student_id_fkey" FOREIGN KEY ("tenant_id", "student_id") REFERENCES "students"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_templates" ADD CONSTRAINT "role_templates_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_templates" ADD CONSTRAINT "role_templates_tenant_id_connection_id_fkey" FOREIGN KEY ("tenant_id", "connection_id") REFERENCES "aws_connections"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "labs" ADD CONSTRAINT "labs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "labs" ADD CONSTRAINT "labs_tenant_id_course_id_fkey" FOREIGN KEY ("tenant_id", "course_id") REFERENCES "courses"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "labs" ADD CONSTRAINT "labs_tenant_id_template_id_fkey" FOREIGN KEY ("tenant_id", "template_id") REFERENCES "role_templates"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lab_sessions" ADD CONSTRAINT "lab_sessions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lab_sessions" ADD CONSTRAINT "lab_sessions_tenant_id_lab_id_fkey" FOREIGN KEY ("tenant_id", "lab_id") REFERENCES "labs"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lab_sessions" ADD CONSTRAINT "lab_sessions_tenant_id_student_id_fkey" FOREIGN KEY ("tenant_id", "student_id") REFERENCES "students"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "revocation_entries" ADD CONSTRAINT "revocation_entries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "revocation_entries" ADD CONSTRAINT "revocation_entries_tenant_id_connection_id_fkey" FOREIGN KEY ("tenant_id", "connection_id") REFERENCES "aws_connections"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
