-- Web identity: a connection is assumeRole (LabKeys' own AWS identity) or webIdentity (LabKeys as an OIDC issuer),
-- and LabKeys' signing keys, their private parts sealed under the key ring.

-- CreateEnum
CREATE TYPE "ConnectionMode" AS ENUM ('ASSUME_ROLE', 'WEB_IDENTITY');

-- AlterTable
ALTER TABLE "aws_connections" ADD COLUMN "mode" "ConnectionMode" NOT NULL DEFAULT 'ASSUME_ROLE';

-- CreateTable
CREATE TABLE "oidc_signing_keys" (
    "kid" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL DEFAULT 'RS256',
    "public_jwk" JSONB NOT NULL,
    "sealed_private_key" BYTEA NOT NULL,
    "seal_key_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activates_at" TIMESTAMPTZ(3) NOT NULL,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "oidc_signing_keys_pkey" PRIMARY KEY ("kid")
);

-- CreateIndex
CREATE INDEX "oidc_signing_keys_activates_at_idx" ON "oidc_signing_keys"("activates_at");
