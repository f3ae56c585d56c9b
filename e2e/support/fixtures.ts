import { randomBytes } from 'node:crypto';
import { test as base, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { Browser as PuppeteerBrowser, Page as PuppeteerPage } from 'puppeteer-core';
import {
  launchChromium,
  launchFirefox,
  newParticipantContext,
  type ChromiumOptions,
} from './browsers.js';
import { playwrightDriver, puppeteerDriver, type UiDriver } from './driver.js';
import { cspViolationOf, installCspWatch } from './cspWatch.js';
import { installPcProbe } from './pcProbe.js';
import { pageSnapshot } from './snapshot.js';
import { startServer, type RunningServer } from './server.js';

export interface Participant {
  readonly name: string;
  readonly ui: UiDriver;
}

export interface ChromiumParticipant extends Participant {
  readonly page: Page;
  readonly context: BrowserContext;
}

export interface FirefoxParticipant extends Participant {
  readonly page: PuppeteerPage;
}

interface WorkerFixtures {
  /** Extra server environment for this spec file: `test.use({ serverEnv: {...} })`. */
  serverEnv: Record<string, string>;
  chromiumOptions: ChromiumOptions;
  server: RunningServer;
  chromiumBrowser: Browser;
  firefoxBrowser: PuppeteerBrowser;
}

interface TestFixtures {
  /** A fresh room id per test. */
  room: string;
  /** A new Chromium context + page for one participant (closed after the test). */
  openChromium: (name: string) => Promise<ChromiumParticipant>;
  /** A new Firefox page for one participant (closed after the test). */
  openFirefox: (name: string) => Promise<FirefoxParticipant>;
  /** Prints browser console and server output when a test fails. */
  diagnostics: void;
  /**
   * CSP violations the test's pages reported ("who: directive blocked …").
   * The test fails on any left here at its end; a test that provokes one on
   * purpose takes it out with `splice`.
   */
  cspViolations: string[];
}

/** Lines the pages logged during the current test, per participant. */
const pageLogs: string[] = [];
const MAX_LOG_LINES = 600;

function record(line: string) {
  pageLogs.push(line);
  if (pageLogs.length > MAX_LOG_LINES) pageLogs.shift();
}

async function recordSnapshots(drivers: readonly UiDriver[]) {
  for (const ui of drivers) record(`[snapshot] ${await pageSnapshot(ui)}`);
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  serverEnv: [{}, { scope: 'worker', option: true }],
  chromiumOptions: [{}, { scope: 'worker', option: true }],

  server: [
    async ({ serverEnv }, use) => {
      const server = await startServer(serverEnv);
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  chromiumBrowser: [
    async ({ chromiumOptions }, use) => {
      const browser = await launchChromium(chromiumOptions);
      await use(browser);
      await browser.close();
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  firefoxBrowser: [
    // Playwright reads fixture dependencies from the destructuring pattern: it must be there.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const browser = await launchFirefox();
      await use(browser);
      await browser.close();
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  // eslint-disable-next-line no-empty-pattern
  room: async ({}, use, testInfo) => {
    const slug = testInfo.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 30);
    await use(`${slug}-${randomBytes(6).toString('hex')}`);
  },

  cspViolations: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const violations: string[] = [];
      await use(violations);
      // Torn down after the page fixtures have closed every page of the test.
      if (violations.length > 0) {
        throw new Error(
          `The app's Content-Security-Policy was violated:\n  ${violations.join('\n  ')}`,
        );
      }
    },
    { auto: true },
  ],

  openChromium: async ({ chromiumBrowser, server, cspViolations }, use, testInfo) => {
    const contexts: BrowserContext[] = [];
    const drivers: UiDriver[] = [];
    await use(async (name) => {
      const context = await newParticipantContext(chromiumBrowser, server.url);
      contexts.push(context);
      await context.addInitScript(installPcProbe);
      await context.addInitScript(installCspWatch);
      const page = await context.newPage();
      page.on('console', (msg) => {
        record(`[${name}/chromium] ${msg.type()}: ${msg.text()}`);
        const violation = cspViolationOf(msg.text());
        if (violation !== null) cspViolations.push(`${name}/chromium: ${violation}`);
      });
      page.on('pageerror', (error) => record(`[${name}/chromium] pageerror: ${error.message}`));
      const ui = playwrightDriver(page, `${name} (chromium)`);
      drivers.push(ui);
      return { name, page, context, ui };
    });
    if (testInfo.status !== testInfo.expectedStatus) await recordSnapshots(drivers);
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  },

  openFirefox: async ({ firefoxBrowser, cspViolations }, use, testInfo) => {
    const pages: PuppeteerPage[] = [];
    const drivers: UiDriver[] = [];
    await use(async (name) => {
      const page = await firefoxBrowser.newPage();
      pages.push(page);
      await page.evaluateOnNewDocument(installPcProbe);
      await page.evaluateOnNewDocument(installCspWatch);
      page.on('console', (msg) => {
        record(`[${name}/firefox] ${msg.type()}: ${msg.text()}`);
        const violation = cspViolationOf(msg.text());
        if (violation !== null) cspViolations.push(`${name}/firefox: ${violation}`);
      });
      page.on('pageerror', (error) => record(`[${name}/firefox] pageerror: ${String(error)}`));
      const ui = puppeteerDriver(page, `${name} (firefox)`);
      drivers.push(ui);
      return { name, page, ui };
    });
    if (testInfo.status !== testInfo.expectedStatus) await recordSnapshots(drivers);
    await Promise.all(pages.map((p) => p.close().catch(() => undefined)));
  },

  diagnostics: [
    async ({ server }, use, testInfo) => {
      pageLogs.length = 0;
      const serverOutputBefore = server.output().length;
      await use();
      if (testInfo.status !== testInfo.expectedStatus) {
        const serverOutput = server.output().slice(serverOutputBefore);
        const text =
          `--- browser console (last ${pageLogs.length} lines) ---\n${pageLogs.join('\n')}\n` +
          `--- server output during the test ---\n${serverOutput.slice(-20_000)}`;
        await testInfo.attach('diagnostics', { body: text, contentType: 'text/plain' });
        console.error(text);
      }
    },
    { auto: true },
  ],
});

export { expect } from '@playwright/test';
