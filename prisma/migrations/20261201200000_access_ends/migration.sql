-- Access ends when LabKeys says it ends: sessions remember where they were issued, issuance is bounded,
-- notices are sent once, lab-wide denies carry their own cutoff, courses end, students can be deleted.

-- AlterTable
ALTER TABLE "courses" ADD COLUMN "ends_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "students" ADD COLUMN "deleted_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "lab_sessions" ADD COLUMN "first_attempt_at" TIMESTAMPTZ(3),
ADD COLUMN "connection_id" UUID,
ADD COLUMN "role_arn" TEXT,
ADD COLUMN "expiring_notified_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "revocation_entries" ADD COLUMN "denies_before" TIMESTAMPTZ(3);

-- Sessions issued before this migration were issued on their template's role at the time; that is the best
-- record there is of it.
UPDATE "lab_sessions" AS s
   SET "connection_id" = t."connection_id", "role_arn" = t."role_arn"
  FROM "labs" AS l, "role_templates" AS t
 WHERE l."tenant_id" = s."tenant_id" AND l."id" = s."lab_id"
   AND t."tenant_id" = l."tenant_id" AND t."id" = l."template_id"
   AND s."issued_at" IS NOT NULL;

-- A LAB entry used to deny tokens issued before its creation.
UPDATE "revocation_entries" SET "denies_before" = "created_at" WHERE "scope" = 'LAB';
