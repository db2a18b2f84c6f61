-- AlterTable: the instructor's own words when ending a student's access early (optional, shown to the student).
ALTER TABLE "lab_sessions" ADD COLUMN "revoke_reason" TEXT;
