// Meeting benchmark: a 4-party mesh meeting, from the last person's join
// click until every page decodes the video of every other (all 12 flows), in
// Parley (the built web app and server, a meeting room: "join the call on
// entry", driven through the UI) and in the textbook mesh (meshPage.js over a
// bare Socket.IO relay: the newcomer offers to each member), measured
// alternately in this run in the same headless Chromium with fake
// camera/microphone at the same capture size. The three others are already
// in the meeting, their media flowing. Run inside a network namespace that
// holds only `lo` (scripts/bench-media.sh). Bounded: a fixed number of
// rounds, each with a 30 s limit.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../chromiumArgs.mjs';
import { startMediaBaseline } from './baselineServer.mjs';

const ROUNDS = Number(process.env.BENCH_MEETING_ROUNDS ?? 5);
const PARTIES = 4;
/**
 * Time the meeting of three gets to settle before the fourth enters: past
 * Parley's warm start and past the textbook page's bandwidth ramp, so that
 * both are in their steady state when the fourth joins (the textbook mesh
 * climbs from 270p to 720p over its first ~25 s here; measured 5 s in, it
 * would be caught at half the CPU its meeting costs from then on).
 */
const SETTLE_MS = Number(process.env.BENCH_MEETING_SETTLE_MS ?? 30_000);
/** The newcomer looks at its lobby (camera preview on, connected) this long before the click. */
const LOBBY_DWELL_MS = Number(process.env.BENCH_MEETING_LOBBY_MS ?? 1000);
const LIMIT_MS = 30_000;

const app = await import('@parley/server');
const PROBE = readFileSync(new URL('./firstFrameProbe.js', import.meta.url), 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });

async function startParley() {
  const config = app.loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' });
  const { fastify, close } = await app.buildApp(config);
  await fastify.listen({ host: '127.0.0.1', port: 0 });
  return { url: `http://127.0.0.1:${fastify.server.address().port}`, close };
}

async function openPages(url) {
  const contexts = await Promise.all(
    Array.from({ length: PARTIES }, () =>
      browser.newContext({ baseURL: url, permissions: ['camera', 'microphone'] }),
    ),
  );
  await Promise.all(contexts.map((c) => c.addInitScript({ content: PROBE })));
  const pages = await Promise.all(contexts.map((c) => c.newPage()));
  return { pages, close: () => Promise.all(contexts.map((c) => c.close())) };
}

const flowsAt = (page) =>
  page
    .waitForFunction(() => window.__benchAllFlowsAt, null, { timeout: LIMIT_MS, polling: 10 })
    .then((h) => h.jsonValue());

const waitFlows = (page, count) =>
  page.waitForFunction((n) => window.__benchFlows() >= n, count, {
    timeout: LIMIT_MS,
    polling: 20,
  });

/** Everyone decodes everyone else: the newest member joined `joinAt`. */
async function measureLastJoin(pages, join) {
  // What the meeting sends when the newcomer joins: the video height of each
  // member's copies (the steady state the newcomer's setup competes with).
  const heights = await pages[0].evaluate(async () => {
    const out = [];
    for (const pc of window.__benchPcs) {
      if (pc.connectionState !== 'connected') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video' && s.frameHeight)
          out.push(s.frameHeight);
      });
    }
    return out;
  });
  for (const page of pages) await page.evaluate((n) => window.__benchArmFlows(n), PARTIES - 1);
  const joinAt = await join();
  const done = await Promise.all(pages.map(flowsAt));
  const total = Math.max(...done) - joinAt;
  const traces = await Promise.all(
    pages.map((p) => p.evaluate((t) => window.__benchTrace(t), joinAt)),
  );
  const rel = (t) => (t === null ? NaN : t - joinAt);
  const newcomer = traces[PARTIES - 1];
  const members = traces.slice(0, -1).flatMap((t) => t.pcs);
  const inWindow = (t) => t.longTasks.filter((l) => l.at <= joinAt + total);
  return {
    total,
    sentHeightAtJoin: Math.max(0, ...heights),
    steps: {
      'newcomer: first connection made': Math.min(...newcomer.pcs.map((p) => rel(p.createdAt))),
      'newcomer: last connection made': Math.max(...newcomer.pcs.map((p) => rel(p.createdAt))),
      'members: last connection made': Math.max(...members.map((p) => rel(p.createdAt))),
      'newcomer: last local description set': Math.max(...newcomer.pcs.map((p) => rel(p.localAt))),
      'members: last local description set': Math.max(...members.map((p) => rel(p.localAt))),
      'newcomer: last remote description set': Math.max(
        ...newcomer.pcs.map((p) => rel(p.remoteAt)),
      ),
      'members: last remote description set': Math.max(...members.map((p) => rel(p.remoteAt))),
      'all ICE connected, last': Math.max(
        ...[...newcomer.pcs, ...members].map((p) => rel(p.iceAt)),
      ),
      'all connected (DTLS), last': Math.max(
        ...[...newcomer.pcs, ...members].map((p) => rel(p.connectedAt)),
      ),
      'newcomer: all 3 decoding': Math.max(...newcomer.pcs.map((p) => rel(p.firstFrameAt))),
      'members: all decoding the newcomer': Math.max(...members.map((p) => rel(p.firstFrameAt))),
      'newcomer: long tasks (ms, sum)': inWindow(newcomer).reduce((a, l) => a + l.ms, 0),
      'members: long tasks (ms, sum of 3)': traces
        .slice(0, -1)
        .flatMap(inWindow)
        .reduce((a, l) => a + l.ms, 0),
    },
  };
}

async function parleyRound(url, settleMs = SETTLE_MS) {
  const room = `meet-${randomBytes(6).toString('hex')}`;
  const { pages, close } = await openPages(url);
  try {
    const enterLobby = async (page, i) => {
      await page.goto(`/r/${room}?name=P${i}`);
      await page.locator('[data-testid="join-button"]').waitFor();
      // Ready as the textbook page is when it may join: camera on, connected.
      await page.waitForFunction(
        () =>
          window.__parley?.connectionState === 'connected' &&
          document.querySelector('[data-testid="preview-video"]')?.readyState >= 2,
        null,
        { timeout: LIMIT_MS, polling: 20 },
      );
    };
    for (const [i, page] of pages.slice(0, -1).entries()) {
      await enterLobby(page, i);
      // The first one creates the room as a meeting; later ones get its options.
      if (i === 0) await page.getByTestId('join-on-entry').check();
      await page.locator('[data-testid="join-button"]').click();
      await page.locator('[data-testid="leave-button"]').waitFor();
    }
    await Promise.all(pages.slice(0, -1).map((p) => waitFlows(p, PARTIES - 2)));
    await new Promise((r) => setTimeout(r, settleMs));
    const last = pages[PARTIES - 1];
    await enterLobby(last, PARTIES - 1);
    await new Promise((r) => setTimeout(r, LOBBY_DWELL_MS));
    return await measureLastJoin(pages, () =>
      last.evaluate(() => {
        const t = Date.now();
        document.querySelector('[data-testid="join-button"]').click();
        return t;
      }),
    );
  } finally {
    await close();
  }
}

async function baselineRound(url, settleMs = SETTLE_MS) {
  const room = `meet-${randomBytes(6).toString('hex')}`;
  const { pages, close } = await openPages(url);
  try {
    for (const page of pages) {
      await page.goto('/mesh');
      await page.waitForFunction(() => window.bench?.ready === true, null, { timeout: LIMIT_MS });
    }
    for (const page of pages.slice(0, -1)) await page.evaluate((r) => window.join(r), room);
    await Promise.all(pages.slice(0, -1).map((p) => waitFlows(p, PARTIES - 2)));
    await new Promise((r) => setTimeout(r, settleMs));
    const last = pages[PARTIES - 1];
    await new Promise((r) => setTimeout(r, LOBBY_DWELL_MS));
    return await measureLastJoin(pages, () =>
      last.evaluate((r) => {
        const t = Date.now();
        void window.join(r);
        return t;
      }, room),
    );
  } finally {
    await close();
  }
}

/** Over the rounds that have the figure (a breakdown step can be missing: NaN). */
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const p95 = (xs) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

const samples = { parley: [], baseline: [] };
const parley = await startParley();
const baseline = await startMediaBaseline();
try {
  // Warm-up (page caches, JIT): only the setup matters, not the steady state.
  await parleyRound(parley.url, 2000);
  await baselineRound(baseline.url, 2000);
  for (let round = 0; round < ROUNDS; round++) {
    samples.parley.push(await parleyRound(parley.url));
    samples.baseline.push(await baselineRound(baseline.url));
  }
} finally {
  await browser.close();
  await parley.close();
  await baseline.close();
}

const totals = (k) => samples[k].map((s) => s.total);
const rows = [
  ['last join -> all 12 flows decoding (ms, median)', median],
  ['last join -> all 12 flows decoding (ms, p95)', p95],
].map(([metric, f]) => {
  const p = f(totals('parley'));
  const b = f(totals('baseline'));
  return { metric, parley: p, baseline: b, ratio: p / b };
});
const stepNames = Object.keys(samples.parley[0]?.steps ?? {});
const steps = stepNames.map((step) => ({
  step,
  parley: median(samples.parley.map((s) => s.steps[step])),
  baseline: median(samples.baseline.map((s) => s.steps[step])),
}));
console.info(
  `\nMeeting benchmark: ${ROUNDS} alternating rounds of a ${PARTIES}-party mesh in headless Chromium (fake camera/mic, 1280x720 capture, each page its own browser context), loopback-only namespace; three are in the meeting, the fourth joins`,
);
const row = (name, p, b, r) =>
  `${name.padEnd(64)}${p.padStart(10)}${b.padStart(12)}${(r ?? '').padStart(8)}`;
console.info(row('metric', 'parley', 'baseline', 'ratio'));
for (const r of rows) {
  console.info(row(r.metric, r.parley.toFixed(0), r.baseline.toFixed(0), r.ratio.toFixed(2)));
}
console.info(
  row(
    'video height each member sends at the join (px, median)',
    String(median(samples.parley.map((s) => s.sentHeightAtJoin))),
    String(median(samples.baseline.map((s) => s.sentHeightAtJoin))),
  ),
);
console.info('breakdown, ms after the last join (median over rounds):');
for (const s of steps) console.info(row(`  ${s.step}`, s.parley.toFixed(0), s.baseline.toFixed(0)));
console.info(
  'baseline = textbook mesh page over a bare Socket.IO relay, the newcomer offers to each member (bench/media/meshPage.js)',
);
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('../results/meeting.json', import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, samples, rows, steps }, null, 2),
);
