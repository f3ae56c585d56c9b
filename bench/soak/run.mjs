// Soak benchmark: a steady 1:1 call for SOAK_MINUTES (default 30) under 1 %
// random UDP loss, Parley (the built server as its own process, the web app
// driven through its UI) side by side with the textbook call
// (bench/media/baselinePage.js over a bare Socket.IO relay) in the same
// browser, under the same loss, for the same time. Reports offers sent (a
// restart storm shows here), ICE restarts, the longest gap in decoded video
// and the Parley server's memory growth.
//
// Network: `tc netem` (delay, jitter) is not available on these kernels
// (../shared/reference/fault-injection.md), so only the loss is injected,
// with iptables' statistic match inside the loopback-only namespace
// (scripts/bench-soak.sh); the output says so. Bounded: it ends after
// SOAK_MINUTES and removes its rule in a finally.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../chromiumArgs.mjs';
import { startMediaBaseline } from '../media/baselineServer.mjs';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const LOSS = Number(process.env.SOAK_LOSS ?? 0.01);
const SAMPLE_MS = 10_000;
const ARGS = CHROMIUM_ARGS;

async function freePort() {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  await once(s, 'close');
  return port;
}

/** The built Parley server, as users run it, in its own process (its RSS is measured). */
async function startParley() {
  const port = await freePort();
  const child = spawn(process.execPath, ['packages/server/dist/main.js'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const rssKb = () => {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  };
  return {
    url,
    rssKb,
    close: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Counts local offers and ICE restarts (offers with new ICE credentials); observation only. */
function countOffers() {
  const Native = window.RTCPeerConnection;
  const stats = { offers: 0, restarts: 0, pcs: [] };
  window.__soak = stats;
  const last = new WeakMap();
  const ufrag = (sdp) => /a=ice-ufrag:(\S+)/.exec(sdp ?? '')?.[1] ?? '';
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      stats.pcs.push(this);
    }
    async setLocalDescription(...args) {
      await super.setLocalDescription(...args);
      const d = this.localDescription;
      if (!d || args[0]?.type === 'rollback') return;
      if (d.type === 'offer') {
        stats.offers += 1;
        if (last.has(this) && last.get(this) !== ufrag(d.sdp)) stats.restarts += 1;
      }
      last.set(this, ufrag(d.sdp));
    }
  };
}

/** In-page: longest gap in decoded frames over all peer connections, sampled every 100 ms. */
function sampleFrames() {
  const s = window.__soak;
  s.frames = -1;
  s.lastProgress = Date.now();
  s.longestGapMs = 0;
  s.gaps = [];
  setInterval(async () => {
    let frames = 0;
    for (const pc of s.pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
      });
    }
    const now = Date.now();
    if (frames > s.frames) {
      const gap = now - s.lastProgress;
      if (gap > s.longestGapMs) s.longestGapMs = gap;
      if (gap > 1000) s.gaps.push({ at: now, gap });
      s.lastProgress = now;
      s.frames = frames;
    }
  }, 100);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const newPage = async (url) => {
  const context = await browser.newContext({ baseURL: url, permissions: ['camera', 'microphone'] });
  await context.addInitScript(countOffers);
  return context.newPage();
};

const parley = await startParley();
const baseline = await startMediaBaseline();
const rule = [
  'INPUT',
  '-p',
  'udp',
  '-m',
  'statistic',
  '--mode',
  'random',
  '--probability',
  String(LOSS),
  '-j',
  'DROP',
];
const samples = [];
let lossOn = false;
try {
  // Parley: two participants through the UI.
  const room = `soak-${randomBytes(6).toString('hex')}`;
  const parleyPages = [await newPage(parley.url), await newPage(parley.url)];
  for (const [page, name] of [
    [parleyPages[0], 'Alice'],
    [parleyPages[1], 'Bob'],
  ]) {
    await page.goto(`/r/${room}?name=${name}`);
    await page.locator('[data-testid="join-button"]').click();
    await page.locator('[data-testid="leave-button"]').waitFor();
  }
  await parleyPages[0]
    .locator('[data-testid="participant"][data-name="Bob"] [data-testid="call-button"]')
    .click();
  await parleyPages[1].locator('[data-testid="accept-button"]').click();
  await parleyPages[0].locator('[data-testid="call-state"][data-state="active"]').waitFor();
  // Baseline: the textbook page.
  const basePages = [await newPage(baseline.url), await newPage(baseline.url)];
  for (const page of basePages) {
    await page.goto('/');
    await page.waitForFunction(() => window.bench?.ready === true, null, { timeout: 20_000 });
  }
  await basePages[1].evaluate(() => window.accept());
  await basePages[0].waitForFunction(() => window.bench?.firstFrameAt !== null, null, {
    timeout: 20_000,
  });
  await new Promise((r) => setTimeout(r, 3000));
  for (const page of [...parleyPages, ...basePages]) await page.evaluate(sampleFrames);

  execFileSync('iptables', ['-w', '-A', ...rule]);
  lossOn = true;
  const rssStart = parley.rssKb();
  const started = Date.now();
  const end = started + MINUTES * 60_000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(SAMPLE_MS, end - Date.now())));
    const read = (page) =>
      page.evaluate(() => ({
        offers: window.__soak.offers,
        restarts: window.__soak.restarts,
        longestGapMs: window.__soak.longestGapMs,
        gapsOver1s: window.__soak.gaps.length,
      }));
    samples.push({
      atS: Math.round((Date.now() - started) / 1000),
      serverRssKb: parley.rssKb(),
      parley: await Promise.all(parleyPages.map(read)),
      baseline: await Promise.all(basePages.map(read)),
    });
  }
  const last = samples.at(-1);
  const sum = (xs, k) => xs.reduce((a, x) => a + x[k], 0);
  const max = (xs, k) => Math.max(...xs.map((x) => x[k]));
  const rows = [
    ['offers sent (both sides)', sum(last.parley, 'offers'), sum(last.baseline, 'offers')],
    ['ICE restarts (both sides)', sum(last.parley, 'restarts'), sum(last.baseline, 'restarts')],
    [
      'longest decoded-video gap (ms)',
      max(last.parley, 'longestGapMs'),
      max(last.baseline, 'longestGapMs'),
    ],
    [
      'gaps over 1 s (both sides)',
      sum(last.parley, 'gapsOver1s'),
      sum(last.baseline, 'gapsOver1s'),
    ],
  ];
  console.info(
    `\nSoak: ${MINUTES} min steady 1:1 call, ${(LOSS * 100).toFixed(1)} % random UDP loss (iptables statistic); ` +
      'delay/jitter not injected (no netem on this kernel)',
  );
  console.info(`${'metric'.padEnd(36)}${'parley'.padStart(10)}${'baseline'.padStart(12)}`);
  for (const [m, p, b] of rows)
    console.info(`${m.padEnd(36)}${String(p).padStart(10)}${String(b).padStart(12)}`);
  const rssEnd = parley.rssKb();
  console.info(
    `Parley server RSS: ${rssStart} kB at start, ${rssEnd} kB at the end (growth ${rssEnd - rssStart} kB over ${MINUTES} min)`,
  );
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('../results/soak.json', import.meta.url),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        minutes: MINUTES,
        loss: LOSS,
        delay: 'not injected (no netem)',
        rows,
        rssStart,
        rssEnd,
        samples,
      },
      null,
      2,
    ),
  );
} finally {
  if (lossOn) execFileSync('iptables', ['-w', '-D', ...rule]);
  await browser.close();
  await parley.close();
  await baseline.close();
}
