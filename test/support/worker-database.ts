/**
 * Points this test file at its Jest worker's own database (see the global setup): worker 1 keeps the first,
 * worker N its copy `<name>_wN`.
 */
const databases = (process.env.LABKEYS_E2E_DATABASES ?? '').split(',').filter(Boolean);
const worker = Number(process.env.JEST_WORKER_ID ?? '1');
if (worker > 1 && databases[worker - 1] && process.env.DATABASE_URL) {
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${databases[worker - 1]}`;
  process.env.DATABASE_URL = url.toString();
}
