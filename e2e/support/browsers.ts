import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

/*
 * Screen share needs no extra flag: with --use-fake-ui-for-media-stream and
 * --use-fake-device-for-media-stream, Chromium's getDisplayMedia() resolves
 * at once (no picker, no user gesture needed) with a fake "screen:-3:0"
 * monitor track (1280x720) plus a fake audio track. Its `track.stop()` does
 * not fire `ended` (per spec), so tests emulate the browser's own "stop
 * sharing" bar by stopping the track and dispatching `ended` themselves.
 */

export interface ChromiumOptions {
  /**
   * Number of fake cameras. Chromium's fake capture factory reads
   * `device-count=N` from the value of --use-fake-device-for-media-stream.
   */
  readonly fakeCameras?: number;
  /**
   * Frame rate of every fake capture device, cameras and the fake screen
   * alike (`fps=N`; Chromium's default is 20). Multi-party specs lower it so
   * that five pages fit on two cores.
   */
  readonly fakeFps?: number;
  /**
   * Feed every fake microphone a continuous voice-like signal (a WAV file Chromium loops)
   * instead of the default fake input, a 20 ms beep every 500 ms: a talker
   * whose level stays up, like speech, rather than a click twice a second.
   */
  readonly fakeMicTone?: boolean;
  /**
   * Host names that resolve to 127.0.0.1 in this browser
   * (--host-resolver-rules), e.g. to open the app from a non-localhost
   * origin over plain http, which is not a secure context.
   */
  readonly loopbackHostNames?: readonly string[];
}

/** The value of --use-fake-device-for-media-stream, e.g. `device-count=2,fps=10`. */
function fakeDeviceParams(options: ChromiumOptions): string {
  const params: string[] = [];
  if (options.fakeCameras !== undefined) params.push(`device-count=${options.fakeCameras}`);
  if (options.fakeFps !== undefined) params.push(`fps=${options.fakeFps}`);
  return params.join(',');
}

/**
 * A voice-like signal (see below), 2 s, 48 kHz mono 16-bit PCM, written once
 * per process to the temp directory; returns its path.
 */
function toneWavFile(): string {
  const file = path.join(tmpdir(), `parley-e2e-voice-${process.pid}.wav`);
  if (existsSync(file)) return file;
  const rate = 48_000;
  const samples = rate * 2;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples * 2, 40);
  // Voice-like rather than a steady tone (noise suppression flattens a
  // stationary tone): harmonics of a pitch gliding 120..220 Hz, with a
  // syllable-rate (4 Hz) envelope that never goes silent.
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const pitch = 170 + 50 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * pitch) / rate;
    let wave = 0;
    for (let h = 1; h <= 6; h++) wave += Math.sin(h * phase) / h;
    const envelope = 0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t);
    wav.writeInt16LE(Math.round(7_000 * envelope * wave), 44 + i * 2);
  }
  writeFileSync(file, wav);
  return file;
}

export function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  const fakeParams = fakeDeviceParams(options);
  const args = CHROMIUM_ARGS.map((arg) =>
    arg === '--use-fake-device-for-media-stream' && fakeParams !== ''
      ? `${arg}=${fakeParams}`
      : arg,
  );
  if (options.fakeMicTone === true) {
    args.push(`--use-file-for-fake-audio-capture=${toneWavFile()}`);
  }
  if (options.loopbackHostNames !== undefined && options.loopbackHostNames.length > 0) {
    const rules = options.loopbackHostNames.map((h) => `MAP ${h} 127.0.0.1`).join(',');
    args.push(`--host-resolver-rules=${rules}`);
  }
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
