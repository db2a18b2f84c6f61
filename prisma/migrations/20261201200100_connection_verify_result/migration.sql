-- The outcome of a connection's last verify: a lab cannot start on a connection whose last verify failed.
ALTER TABLE "aws_connections" ADD COLUMN "last_verified_at" TIMESTAMPTZ(3),
ADD COLUMN "last_verify_ok" BOOLEAN,
ADD COLUMN "last_verify_failures" JSONB;
