// Media benchmark: how long a 1:1 call takes from the callee's accept to the
// first decoded remote video frame, in Parley (the built web app and server,
// driven through the UI) and in the textbook call (baselinePage.js over a
// bare Socket.IO relay), measured alternately in this run, in the same
// headless Chromium with fake camera/microphone. Run inside a network
// namespace that holds only `lo` (scripts/bench-media.sh). Bounded: a fixed
// number of rounds, each with a 20 s limit.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../chromiumArgs.mjs';
import { startMediaBaseline } from './baselineServer.mjs';

const ROUNDS = Number(process.env.BENCH_MEDIA_ROUNDS ?? 8);
const ARGS = CHROMIUM_ARGS;

const app = await import('@parley/server');

/**
 * How long the callee lets it ring before clicking accept: a person needs
 * at least this long to notice and click (instant answer connects meanwhile).
 */
const RING_DWELL_MS = Number(process.env.BENCH_RING_DWELL_MS ?? 1500);

async function startParley(env = {}) {
  const config = app.loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', ...env });
  const { fastify, close } = await app.buildApp(config);
  await fastify.listen({ host: '127.0.0.1', port: 0 });
  return { url: `http://127.0.0.1:${fastify.server.address().port}`, close };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });

const FIRST_FRAME_PROBE = readFileSync(new URL('./firstFrameProbe.js', import.meta.url), 'utf8');

async function twoPages(url) {
  const contexts = await Promise.all(
    [0, 1].map(() => browser.newContext({ baseURL: url, permissions: ['camera', 'microphone'] })),
  );
  await Promise.all(contexts.map((c) => c.addInitScript({ content: FIRST_FRAME_PROBE })));
  const pages = await Promise.all(contexts.map((c) => c.newPage()));
  return { pages, close: () => Promise.all(contexts.map((c) => c.close())) };
}

const firstFrameAt = (page) =>
  page
    .waitForFunction(() => window.__benchFirstFrameAt, null, {
      timeout: 20_000,
      polling: 10,
    })
    .then((h) => h.jsonValue());

/** Parley: two participants through the web app's UI, as a user clicks. */
async function parleyRound(url) {
  const room = `bench-${randomBytes(6).toString('hex')}`;
  const { pages, close } = await twoPages(url);
  const [alice, bob] = pages;
  for (const [page, name] of [
    [alice, 'Alice'],
    [bob, 'Bob'],
  ]) {
    await page.goto(`/r/${room}?name=${name}`);
    await page.locator('[data-testid="join-button"]').click();
    await page.locator('[data-testid="leave-button"]').waitFor();
  }
  await alice
    .locator('[data-testid="participant"][data-name="Bob"] [data-testid="call-button"]')
    .click();
  await bob.locator('[data-testid="accept-button"]').waitFor();
  await new Promise((r) => setTimeout(r, RING_DWELL_MS));
  for (const page of pages) await page.evaluate(() => window.__benchArmFirstFrame());
  const acceptAt = await bob.evaluate(() => {
    const t = Date.now();
    document.querySelector('[data-testid="accept-button"]').click();
    return t;
  });
  const [caller, callee] = await Promise.all(pages.map(firstFrameAt));
  // The SDK's own setup timeline of each side (setupTimeline.ts), relative
  // to the accept click; its first-frame mark comes from the SDK's own poll.
  const timelines = await Promise.all(
    pages.map((page) =>
      page
        .waitForFunction(
          () => {
            const marks = window.__parley?.call?.setupTimeline ?? [];
            return marks.some((m) => m.step === 'first-frame') ? marks : null;
          },
          null,
          { timeout: 5_000, polling: 20 },
        )
        .then((h) => h.jsonValue())
        .catch(() => []),
    ),
  );
  await close();
  const relative = (marks) =>
    Object.fromEntries(marks.map((m) => [m.step, Math.round((m.at - acceptAt) * 10) / 10]));
  return {
    caller: caller - acceptAt,
    callee: callee - acceptAt,
    timeline: { caller: relative(timelines[0]), callee: relative(timelines[1]) },
  };
}

/** Baseline: the textbook page, the callee "accepts" at the same point. */
async function baselineRound(url) {
  const { pages, close } = await twoPages(url);
  const [caller, callee] = pages;
  for (const page of pages) {
    await page.goto('/');
    await page.waitForFunction(() => window.bench?.ready === true, null, { timeout: 20_000 });
  }
  await new Promise((r) => setTimeout(r, RING_DWELL_MS));
  for (const page of pages) await page.evaluate(() => window.__benchArmFirstFrame());
  const acceptAt = await callee.evaluate(() => {
    window.accept();
    return window.bench.acceptAt;
  });
  const times = await Promise.all([caller, callee].map(firstFrameAt));
  await close();
  return { caller: times[0] - acceptAt, callee: times[1] - acceptAt };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const p95 = (xs) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

const samples = {
  parley: { caller: [], callee: [] },
  parleyNoInstant: { caller: [], callee: [] },
  baseline: { caller: [], callee: [] },
};
/** Setup timelines per Parley variant: one { caller, callee } of step -> ms after accept per round. */
const timelines = { parley: [], parleyNoInstant: [] };
const parley = await startParley();
const parleyNoInstant = await startParley({ INSTANT_ANSWER: '0' });
const baseline = await startMediaBaseline();
try {
  await parleyRound(parley.url); // warm-up: first browser start, page caches, JIT
  await parleyRound(parleyNoInstant.url);
  await baselineRound(baseline.url);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run, url] of [
      ['parley', parleyRound, parley.url],
      ['parleyNoInstant', parleyRound, parleyNoInstant.url],
      ['baseline', baselineRound, baseline.url],
    ]) {
      const r = await run(url);
      samples[name].caller.push(r.caller);
      samples[name].callee.push(r.callee);
      if (r.timeline) timelines[name].push(r.timeline);
    }
  }
} finally {
  await browser.close();
  await parley.close();
  await parleyNoInstant.close();
  await baseline.close();
}

const both = (s) => [...s.caller, ...s.callee];
const rows = [
  [
    'accept -> first remote frame, caller (ms, median)',
    median(samples.parley.caller),
    median(samples.baseline.caller),
  ],
  [
    'accept -> first remote frame, callee (ms, median)',
    median(samples.parley.callee),
    median(samples.baseline.callee),
  ],
  [
    'accept -> first remote frame, both (ms, p95)',
    p95(both(samples.parley)),
    p95(both(samples.baseline)),
  ],
  [
    'instant answer off: accept -> first frame, caller (ms, median)',
    median(samples.parleyNoInstant.caller),
    median(samples.baseline.caller),
  ],
  [
    'instant answer off: accept -> first frame, callee (ms, median)',
    median(samples.parleyNoInstant.callee),
    median(samples.baseline.callee),
  ],
].map(([metric, p, b]) => ({ metric, parley: p, baseline: b, ratio: p / b }));

console.info(
  `\nMedia benchmark: ${ROUNDS} alternating rounds of a 1:1 call in headless Chromium (fake camera/mic, 1280x720 both), loopback-only namespace; accept clicked ${RING_DWELL_MS} ms after it rings (Parley, instant answer on by default) / after both joined (baseline)`,
);
console.info(
  `${'metric'.padEnd(64)}${'parley'.padStart(10)}${'baseline'.padStart(12)}${'ratio'.padStart(8)}`,
);
for (const r of rows) {
  console.info(
    `${r.metric.padEnd(64)}${r.parley.toFixed(0).padStart(10)}${r.baseline.toFixed(0).padStart(12)}${r.ratio.toFixed(2).padStart(8)}`,
  );
}
console.info(
  'baseline = textbook RTCPeerConnection page over a bare Socket.IO relay (bench/media/baselinePage.js)',
);

// Where the time goes: the SDK's setup timeline (median ms after the accept
// click, per side; negative = while it rang), instant answer on and off.
const STEPS = [
  'invite',
  'invite-acked',
  'incoming',
  'offer-created',
  'offer-sent',
  'offer-received',
  'answer-created',
  'answer-sent',
  'answer-received',
  'ice-connected',
  'connected',
  'accept',
  'accept-acked',
  'active',
  'sending',
  'first-frame',
];
const stepMedian = (variant, side, step) => {
  const xs = timelines[variant].map((t) => t[side][step]).filter((x) => typeof x === 'number');
  return xs.length ? median(xs) : null;
};
const cell = (x) => (x === null ? '-' : x.toFixed(0)).padStart(10);
console.info('\nSetup timeline (median ms after the accept click; negative: while it rang)');
console.info(
  `${'step'.padEnd(18)}${'caller'.padStart(10)}${'callee'.padStart(10)}${'caller'.padStart(10)}${'callee'.padStart(10)}`,
);
console.info(
  `${''.padEnd(18)}${'instant answer on'.padStart(20)}${'instant answer off'.padStart(20)}`,
);
const timelineRows = STEPS.map((step) => ({
  step,
  on: {
    caller: stepMedian('parley', 'caller', step),
    callee: stepMedian('parley', 'callee', step),
  },
  off: {
    caller: stepMedian('parleyNoInstant', 'caller', step),
    callee: stepMedian('parleyNoInstant', 'callee', step),
  },
}));
for (const r of timelineRows) {
  console.info(
    `${r.step.padEnd(18)}${cell(r.on.caller)}${cell(r.on.callee)}${cell(r.off.caller)}${cell(r.off.callee)}`,
  );
}
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('../results/media.json', import.meta.url),
  JSON.stringify(
    { date: new Date().toISOString(), rounds: ROUNDS, samples, rows, timelines, timelineRows },
    null,
    2,
  ),
);
