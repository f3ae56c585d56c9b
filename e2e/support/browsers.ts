import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import puppeteer, { type Browser as PuppeteerBrowser } from 'puppeteer-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const FIREFOX_PATH = '/usr/bin/firefox-esr';

/**
 * Fake camera/microphone, no permission prompt, ICE allowed on 127.0.0.1
 * (the suite runs in a network namespace that holds only `lo`), autoplay of
 * remote media, and no background traffic of Chromium's own.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];

export interface ChromiumOptions {
  /**
   * Number of fake cameras. Chromium's fake capture factory reads
   * `device-count=N` from the value of --use-fake-device-for-media-stream.
   */
  readonly fakeCameras?: number;
}

export function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  const args = CHROMIUM_ARGS.map((arg) =>
    arg === '--use-fake-device-for-media-stream' && options.fakeCameras !== undefined
      ? `${arg}=device-count=${options.fakeCameras}`
      : arg,
  );
  // executablePath: the system Chromium; Playwright never downloads a browser here.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...args] });
}

/** One context per participant: separate storage, camera+microphone granted for the origin. */
export function newParticipantContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    permissions: ['camera', 'microphone'],
    viewport: { width: 1000, height: 750 },
  });
}

/**
 * Firefox prefs: fake media without a prompt, ICE on loopback, autoplay, and
 * every background service that would phone home switched off (the namespace
 * has no route out anyway; MOZ_DISABLE_NONLOCAL_CONNECTIONS makes an attempt
 * fatal instead of silent).
 */
export const FIREFOX_PREFS: Readonly<Record<string, unknown>> = {
  // Media
  'media.navigator.streams.fake': true,
  'media.navigator.permission.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  // With real host addresses Firefox would otherwise hide them behind mDNS names.
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  'media.gmp-manager.updateEnabled': false,
  'media.gmp-manager.url': '',
  // Updates, telemetry, studies
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.update.disabledForTesting': true,
  'app.normandy.enabled': false,
  'app.normandy.api_url': '',
  'app.shield.optoutstudies.enabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.server': '',
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'browser.ping-centre.telemetry': false,
  'extensions.update.enabled': false,
  'extensions.blocklist.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'services.settings.server': '',
  'browser.search.update': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  // Connectivity probes
  'network.captive-portal-service.enabled': false,
  'captivedetect.canonicalURL': '',
  'network.connectivity-service.enabled': false,
  'network.trr.mode': 5,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.predictor.enabled': false,
  // Safe browsing lists
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.safebrowsing.provider.google.updateURL': '',
  'browser.safebrowsing.provider.google4.updateURL': '',
  // Start pages
  'browser.startup.homepage': 'about:blank',
  'browser.newtabpage.enabled': false,
  'browser.newtabpage.activity-stream.feeds.system.topstories': false,
  'geo.enabled': false,
};

export function launchFirefox(): Promise<PuppeteerBrowser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    protocol: 'webDriverBiDi',
    extraPrefsFirefox: { ...FIREFOX_PREFS },
    env: { ...process.env, MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1' },
  });
}
