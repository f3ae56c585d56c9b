import { defineConfig } from '@playwright/test';

/**
 * End-to-end suite of Parley in real browsers (system Chromium through
 * Playwright, Firefox ESR through puppeteer-core over WebDriver BiDi). Run it
 * with `npm run test:e2e` (scripts/e2e.sh), which builds and then runs this
 * inside a network namespace that holds only `lo`.
 *
 * No `webServer`: each spec starts its own signaling server through the
 * `server` fixture (e2e/support/fixtures.ts) so that it can choose the env
 * (MAX_ROOM_SIZE, RING_TIMEOUT_MS, TURN_*). Browsers are never downloaded:
 * the fixtures launch /usr/bin/chromium and /usr/bin/firefox-esr.
 */
export default defineConfig({
  testDir: './tests',
  // Two cores shared with other work: one browser pair at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: 'list',
  forbidOnly: !!process.env['CI'],
});
