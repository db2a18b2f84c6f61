import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadEnvOrExit, type EnvSchema } from '@labkeys/config';
import { createTenant, InvitationIssuer, type CreatedTenant } from '@labkeys/core';
import { DatabaseModule, openStandaloneDatabase, runMigrations, tenantScopeOf } from '@labkeys/database';
import { OidcKeyStore } from '@labkeys/oidc';
import { keyRingOf, SecretSealer } from '@labkeys/secrets';

const USAGE = `usage: npm run admin -- tenant create --name <name> --owner <email> [--owner-name <name>]   (prints tenantId, ownerToken, ownerInvitationUrl)
       npm run admin -- oidc rotate`;

/** Operator commands. Prints one JSON line on success. */
async function main(argv: string[]): Promise<void> {
  const [group, command, ...rest] = argv;
  if (group === 'oidc' && command === 'rotate' && rest.length === 0) return rotateOidcKey();
  if (group !== 'tenant' || command !== 'create') throw new UsageError(USAGE);
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, owner: { type: 'string' }, 'owner-name': { type: 'string' } },
    strict: true,
  });
  if (!values.name || !values.owner) throw new UsageError(USAGE);
  const env = loadEnvOrExit('admin');
  if (env.MIGRATE_ON_START) await runMigrations(env.DATABASE_URL);
  const db = openStandaloneDatabase(env.DATABASE_URL);
  try {
    const created = await createTenant(db, {
      name: values.name,
      ownerEmail: values.owner,
      ownerName: values['owner-name'],
    });
    const ownerInvitationUrl = await inviteOwner(env, created, values.owner);
    process.stdout.write(
      `${JSON.stringify({ tenantId: created.tenantId, ownerToken: created.ownerToken, ownerInvitationUrl })}\n`,
    );
  } finally {
    await db.close();
  }
}

@Module({})
class AdminContext {}

/** The owner's single-use link to set a password for the dashboard (7 days), beside the owner token. */
async function inviteOwner(env: EnvSchema, created: CreatedTenant, ownerEmail: string): Promise<string> {
  const app = await NestFactory.createApplicationContext(
    { module: AdminContext, imports: [ConfigModule.forRoot(env), DatabaseModule], providers: [InvitationIssuer] },
    { logger: false },
  );
  try {
    // The operator creating the tenant is trusted with its id.
    const issued = await app.get(InvitationIssuer).issue(tenantScopeOf(created.tenantId), {
      email: ownerEmail.trim().toLowerCase(),
      role: 'OWNER',
      instructorId: created.ownerId,
      invitedBy: null,
    });
    return issued.invitationUrl;
  } finally {
    await app.close();
  }
}

/**
 * Publishes a new OIDC signing key now; it signs from OIDC_KEY_PUBLISH_LEAD_SECONDS later, when the current
 * key retires (it stays in the JWKS until every token it signed has expired).
 */
async function rotateOidcKey(): Promise<void> {
  const env = loadEnvOrExit('admin');
  if (env.MIGRATE_ON_START) await runMigrations(env.DATABASE_URL);
  const ring = keyRingOf(env.LABKEYS_MASTER_KEY, env.LOCAL_KEY_FILE);
  const db = openStandaloneDatabase(env.DATABASE_URL);
  try {
    const rotation = await new OidcKeyStore(db.uow, db.oidcKeys, new SecretSealer(ring)).rotate(
      env.OIDC_KEY_PUBLISH_LEAD_SECONDS * 1000,
    );
    process.stdout.write(
      `${JSON.stringify({ kid: rotation.kid, activatesAt: rotation.activatesAt.toISOString(), retiring: rotation.retiring })}\n`,
    );
  } finally {
    await db.close();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`admin: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof UsageError ? 64 : 1);
});
