import { byTestId } from '../support/app.js';
import type { UiDriver } from '../support/driver.js';
import { expect, test } from '../support/fixtures.js';

/**
 * The suite's CSP watch (support/cspWatch.ts) sees what the app's real
 * Content-Security-Policy blocks, in both browsers, so a blocked test helper
 * or app script fails as a CSP violation rather than as a timeout.
 */

/** Inserts an inline <script>, which `script-src 'self'` refuses, and says whether it ran. */
function injectInlineScript(ui: UiDriver): Promise<boolean> {
  return ui.evaluate(() => {
    const flag = '__e2eInlineScriptRan';
    const script = document.createElement('script');
    script.textContent = `window.${flag} = true;`;
    document.body.append(script);
    return (window as unknown as Record<string, unknown>)[flag] === true;
  }, undefined);
}

async function expectOneViolation(violations: string[], who: string): Promise<void> {
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  const seen = violations.splice(0);
  expect(seen).toHaveLength(1);
  expect(seen[0]).toContain(who);
  expect(seen[0]).toMatch(/script-src/);
}

test('An inline script is blocked by the CSP and reported in Chromium', async ({
  server,
  openChromium,
  cspViolations,
}) => {
  const alice = await openChromium('Alice');
  await alice.ui.goto(server.url);
  await alice.ui.waitFor(byTestId('join-button'), 'visible');
  expect(cspViolations).toEqual([]);

  expect(await injectInlineScript(alice.ui)).toBe(false);
  await expectOneViolation(cspViolations, 'Alice/chromium');
});

test('An inline script is blocked by the CSP and reported in Firefox; the driver needs no eval', async ({
  server,
  openFirefox,
  cspViolations,
}) => {
  const bob = await openFirefox('Bob');
  await bob.ui.goto(server.url);
  // Waiting and clicking poll from the test side: the page's CSP forbids eval.
  await bob.ui.waitFor(byTestId('join-button'), 'visible');
  await bob.ui.click(byTestId('create-room'));
  expect(await bob.ui.inputValue(byTestId('room-input'))).not.toBe('');
  expect(cspViolations).toEqual([]);

  expect(await injectInlineScript(bob.ui)).toBe(false);
  await expectOneViolation(cspViolations, 'Bob/firefox');
});
