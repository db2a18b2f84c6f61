import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './support/chromium';

/**
 * Browser tests of the dashboard: Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium; never a
 * downloaded browser) against the built app served by a real api, worker, aws-local, Postgres and Redis
 * that the global setup starts (./global-setup.ts). Screenshots and reports go to test-results/.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../../test-results/browser',
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  // Two files at a time: each school sign-in and student page file runs on a stack of its own.
  workers: 2,
  retries: 0,
  forbidOnly: true,
  timeout: 15 * 60_000,
  expect: { timeout: 30_000 },
  // scripts/test.sh asks for a JSON report too, to count browser and Jest tests together.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME
    ? [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME }]]
    : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1280, height: 800 },
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    permissions: ['clipboard-read', 'clipboard-write'],
  },
});
