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
 * Parley's warm start and the baseline's bandwidth ramp, so that both are in
 * their steady state (full-size video) when the fourth joins.
 */
const SETTLE_MS = Number(process.env.BENCH_MEETING_SETTLE_MS ?? 5000);
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
  for (const page of pages) await page.evaluate((n) => window.__benchArmFlows(n), PARTIES - 1);
  const joinAt = await join();
  const done = await Promise.all(pages.map(flowsAt));
  return Math.max(...done) - joinAt;
}

async function parleyRound(url) {
  const room = `meet-${randomBytes(6).toString('hex')}`;
  const { pages, close } = await openPages(url);
  try {
    const enterLobby = async (page, i) => {
      await page.goto(`/r/${room}?name=P${i}`);
      await page.locator('[data-testid="join-button"]').waitFor();
    };
    for (const [i, page] of pages.slice(0, -1).entries()) {
      await enterLobby(page, i);
      // The first one creates the room as a meeting; later ones get its options.
      if (i === 0) await page.getByTestId('join-on-entry').check();
      await page.locator('[data-testid="join-button"]').click();
      await page.locator('[data-testid="leave-button"]').waitFor();
    }
    await Promise.all(pages.slice(0, -1).map((p) => waitFlows(p, PARTIES - 2)));
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const last = pages[PARTIES - 1];
    await enterLobby(last, PARTIES - 1);
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

async function baselineRound(url) {
  const room = `meet-${randomBytes(6).toString('hex')}`;
  const { pages, close } = await openPages(url);
  try {
    for (const page of pages) {
      await page.goto('/mesh');
      await page.waitForFunction(() => window.bench?.ready === true, null, { timeout: LIMIT_MS });
    }
    for (const page of pages.slice(0, -1)) await page.evaluate((r) => window.join(r), room);
    await Promise.all(pages.slice(0, -1).map((p) => waitFlows(p, PARTIES - 2)));
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const last = pages[PARTIES - 1];
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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const p95 = (xs) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

const samples = { parley: [], baseline: [] };
const parley = await startParley();
const baseline = await startMediaBaseline();
try {
  await parleyRound(parley.url); // warm-up: page caches, JIT
  await baselineRound(baseline.url);
  for (let round = 0; round < ROUNDS; round++) {
    samples.parley.push(await parleyRound(parley.url));
    samples.baseline.push(await baselineRound(baseline.url));
  }
} finally {
  await browser.close();
  await parley.close();
  await baseline.close();
}

const rows = [
  ['last join -> all 12 flows decoding (ms, median)', median],
  ['last join -> all 12 flows decoding (ms, p95)', p95],
].map(([metric, f]) => {
  const p = f(samples.parley);
  const b = f(samples.baseline);
  return { metric, parley: p, baseline: b, ratio: p / b };
});
console.info(
  `\nMeeting benchmark: ${ROUNDS} alternating rounds of a ${PARTIES}-party mesh in headless Chromium (fake camera/mic, 1280x720 capture, each page its own browser context), loopback-only namespace; three are in the meeting, the fourth joins`,
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
  'baseline = textbook mesh page over a bare Socket.IO relay, the newcomer offers to each member (bench/media/meshPage.js)',
);
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('../results/meeting.json', import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, samples, rows }, null, 2),
);
