import { defineConfig } from 'prisma/config';

// Prisma 7 reads the connection URL from here, not from schema.prisma.
// `prisma generate` needs no database; `prisma migrate deploy` (where the
// native schema engine exists) uses DATABASE_URL. LabKeys' own runner
// (libs/database/src/migrations) applies the same folder without the engine.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://labkeys:labkeys@127.0.0.1:55432/labkeys',
  },
});
