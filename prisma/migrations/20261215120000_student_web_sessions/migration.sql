-- CreateTable
CREATE TABLE "student_web_sessions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "enrollment_id" UUID NOT NULL,
    "id_hash" CHAR(64) NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "student_web_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "student_web_sessions_id_hash_key" ON "student_web_sessions"("id_hash");

-- CreateIndex
CREATE UNIQUE INDEX "student_web_sessions_tenant_id_id_key" ON "student_web_sessions"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "student_web_sessions_tenant_id_enrollment_id_idx" ON "student_web_sessions"("tenant_id", "enrollment_id");

-- AddForeignKey
ALTER TABLE "student_web_sessions" ADD CONSTRAINT "student_web_sessions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "student_web_sessions" ADD CONSTRAINT "student_web_sessions_tenant_id_enrollment_id_fkey" FOREIGN KEY ("tenant_id", "enrollment_id") REFERENCES "enrollments"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
