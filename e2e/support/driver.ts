import type { Page as PlaywrightPage } from '@playwright/test';
import type { Page as PuppeteerPage } from 'puppeteer-core';

/**
 * The few page operations the suite needs, over either Playwright (Chromium)
 * or puppeteer-core over WebDriver BiDi (Firefox), so that the same page
 * object (app.ts) and media proof (stats.ts) drive both browsers.
 */
export type ElementState = 'visible' | 'hidden' | 'attached' | 'detached';

export interface UiDriver {
  /** Who this is (participant name + browser), for error messages. */
  readonly label: string;
  goto(url: string): Promise<void>;
  /** Wait for the element to be visible and enabled, then click it like a user. */
  click(selector: string): Promise<void>;
  /** Choose an <option> by value in a <select>. */
  select(selector: string, value: string): Promise<void>;
  waitFor(selector: string, state: ElementState, timeoutMs?: number): Promise<void>;
  attribute(selector: string, name: string): Promise<string | null>;
  text(selector: string): Promise<string>;
  inputValue(selector: string): Promise<string>;
  count(selector: string): Promise<number>;
  /** Run `fn(arg)` in the page; both must be serializable. */
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

export const DEFAULT_WAIT_MS = 20_000;
/** How often a Firefox page is polled while waiting for an element. */
const POLL_MS = 100;

export function playwrightDriver(page: PlaywrightPage, label: string): UiDriver {
  return {
    label,
    async goto(url) {
      await page.goto(url);
    },
    async click(selector) {
      await page.locator(selector).click({ timeout: DEFAULT_WAIT_MS });
    },
    async select(selector, value) {
      await page.locator(selector).selectOption(value, { timeout: DEFAULT_WAIT_MS });
    },
    async waitFor(selector, state, timeoutMs = DEFAULT_WAIT_MS) {
      try {
        await page.locator(selector).first().waitFor({ state, timeout: timeoutMs });
      } catch (error) {
        throw new Error(`${label}: ${selector} not ${state} after ${timeoutMs} ms`, {
          cause: error,
        });
      }
    },
    attribute: (selector, name) => page.locator(selector).first().getAttribute(name),
    text: async (selector) => (await page.locator(selector).first().textContent()) ?? '',
    inputValue: (selector) => page.locator(selector).first().inputValue(),
    count: (selector) => page.locator(selector).count(),
    // The generic signature is checked at the UiDriver interface; Playwright's own
    // (Unboxed<A>) does not unify with a free type parameter.
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) =>
      page.evaluate(fn as never, arg) as Promise<R>,
  };
}

export function puppeteerDriver(page: PuppeteerPage, label: string): UiDriver {
  /*
   * Polled from the test side with plain `evaluate` calls. Puppeteer's own
   * `waitForFunction` builds its poller with `new Function()` inside the page,
   * which the app's CSP (`script-src 'self'`, no 'unsafe-eval') rightly
   * refuses in Firefox; `evaluate` sends the serialised function over WebDriver
   * BiDi (`script.callFunction`), which CSP does not govern.
   */
  const waitFor = async (selector: string, state: PolledState, timeoutMs = DEFAULT_WAIT_MS) => {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        if (await page.evaluate(elementInState, selector, state)) return;
      } catch (error) {
        // A navigation between two polls destroys the execution context: poll again.
        lastError = error;
      }
      if (Date.now() >= deadline) {
        throw new Error(`${label}: ${selector} not ${state} after ${timeoutMs} ms`, {
          cause: lastError,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  return {
    label,
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    async click(selector) {
      // Not page.locator(): its enabled/stable checks use waitForFunction too.
      // Enabled, and not moving (the lobby's layout changes when its room
      // check answers): the same box in two polls, as Playwright checks.
      const deadline = Date.now() + DEFAULT_WAIT_MS;
      let last = '';
      for (;;) {
        await waitFor(selector, 'enabled', Math.max(1, deadline - Date.now()));
        const box = await page
          .evaluate((sel) => {
            const r = document.querySelector(sel)?.getBoundingClientRect();
            return r ? `${r.x},${r.y},${r.width},${r.height}` : '';
          }, selector)
          .catch(() => '');
        if (box !== '' && box === last) break;
        if (Date.now() >= deadline) throw new Error(`${label}: ${selector} never stopped moving`);
        last = box;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      await page.click(selector);
    },
    async select(selector, value) {
      await waitFor(selector, 'visible');
      await page.select(selector, value);
    },
    waitFor,
    attribute: (selector, name) =>
      page.$eval(selector, (el, attr) => el.getAttribute(attr), name).catch(() => null),
    text: (selector) => page.$eval(selector, (el) => el.textContent ?? ''),
    inputValue: (selector) => page.$eval(selector, (el) => (el as HTMLInputElement).value),
    count: (selector) => page.$$eval(selector, (els) => els.length),
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) =>
      page.evaluate(fn as never, arg) as Promise<R>,
  };
}

/** The states a Firefox page is polled for: the public ones, and "enabled" before a click. */
type PolledState = ElementState | 'enabled';

/**
 * Runs in the page. "visible" follows Playwright's definition closely enough
 * for this app: attached, non-empty box, not visibility:hidden; "enabled" is
 * visible and not a disabled form control.
 */
function elementInState(selector: string, state: PolledState): boolean {
  const el = document.querySelector(selector);
  const visible =
    el !== null && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  switch (state) {
    case 'attached':
      return el !== null;
    case 'detached':
      return el === null;
    case 'visible':
      return visible;
    case 'hidden':
      return !visible;
    case 'enabled':
      return visible && !(el as HTMLButtonElement).disabled;
  }
}
