-- Issuance asks, for every session it claims, whether the session's lab has a recent lab-wide deny.

-- CreateIndex
CREATE INDEX "revocation_entries_tenant_id_lab_id_idx" ON "revocation_entries"("tenant_id", "lab_id");
