import { participantSelector } from '../support/app.js';
import { expect, test } from '../support/fixtures.js';
import { cutTcpPort, cutUdp } from '../support/faults.js';
import {
  firstFrameAfter,
  iceRestartsOf,
  longestFrameGapMs,
  pcsWithFrames,
  readTimeline,
} from '../support/mediaTimeline.js';
import { metric } from '../support/metrics.js';
import { FAULT_SESSION_SECRET, backInRoomAndCall, callPair, sleep } from '../support/resilience.js';
import { expectMediaFlowing } from '../support/stats.js';

/**
 * The network fails under a call, cut with iptables inside the test
 * namespace (support/faults.ts): the signaling path (TCP to the server)
 * while media flows, or the media path (UDP) while signaling stays up.
 */

// Heartbeats of 2 s + 2 s: a cut signaling path is noticed within ~4 s.
test.use({
  serverEnv: {
    SESSION_SECRET: FAULT_SESSION_SECRET,
    PING_INTERVAL_MS: '2000',
    PING_TIMEOUT_MS: '2000',
  },
});

test('Signaling cut for 10 s: media never stops; the other side sees "reconnecting", then back, never a leave', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(90_000);
  const { alice, bob, bobId } = await callPair(openChromium, server.url, room);
  const cut = cutTcpPort(server.port, 15_000);
  let liftedAt: number;
  try {
    // Alice sees Bob reconnecting (the server noticed his socket die; hers too).
    await bob.ui
      .waitFor(
        `${participantSelector('Alice')}[data-connection="reconnecting"]`,
        'attached',
        12_000,
      )
      .catch(() => undefined);
    const remaining = cut.startedAt + 10_000 - Date.now();
    if (remaining > 0) await sleep(remaining);
  } finally {
    cut.lift();
    liftedAt = Date.now();
  }
  await backInRoomAndCall(alice, 'Bob', 15_000);
  await backInRoomAndCall(bob, 'Alice', 15_000);
  metric('signaling-cut-10s-back-after-lift-ms', Date.now() - liftedAt);
  await expectMediaFlowing(alice.ui, bobId);

  const now = Date.now();
  for (const [who, p] of [
    ['alice', alice],
    ['bob', bob],
  ] as const) {
    const timeline = await readTimeline(p.ui);
    const gap = longestFrameGapMs(timeline.frames, cut.startedAt, now);
    metric(`signaling-cut-longest-frame-gap-ms.${who}`, gap);
    expect(gap).toBeLessThan(1000);
    expect(pcsWithFrames(timeline.frames, now - 1000, now)).toEqual([0]);
    // Seen as reconnecting and back (by someone), never as gone.
    expect(timeline.events.filter((e) => e.name === 'peerLeft')).toEqual([]);
  }
  const aliceEvents = (await readTimeline(alice.ui)).events;
  const bobEvents = (await readTimeline(bob.ui)).events;
  const sawReconnecting = [...aliceEvents, ...bobEvents].some(
    (e) => e.name === 'peerConnection' && e.detail.endsWith(':reconnecting'),
  );
  expect(sawReconnecting).toBe(true);
  expect(
    [...aliceEvents, ...bobEvents].filter((e) => e.name === 'session').map((e) => e.detail),
  ).toContain('reconnecting');
});

async function udpBlackout(
  openChromium: Parameters<typeof callPair>[0],
  serverUrl: string,
  room: string,
  blackoutMs: number,
) {
  const { alice, bob, aliceId, bobId } = await callPair(openChromium, serverUrl, room);
  const cut = cutUdp(blackoutMs + 5000);
  let liftedAt: number;
  try {
    await sleep(blackoutMs);
  } finally {
    cut.lift();
    liftedAt = Date.now();
  }
  await expectMediaFlowing(alice.ui, bobId, 20_000);
  await expectMediaFlowing(bob.ui, aliceId, 20_000);
  const result = { liftedAt, startedAt: cut.startedAt, backMs: 0, restarts: 0, dark: 0 };
  for (const p of [alice, bob]) {
    const timeline = await readTimeline(p.ui);
    const back = firstFrameAfter(timeline.frames, liftedAt);
    if (back === null) throw new Error(`${p.ui.label}: no frame after the blackout`);
    result.backMs = Math.max(result.backMs, back - liftedAt);
    // The cut was real: frames stopped during the blackout.
    result.dark = Math.max(
      result.dark,
      longestFrameGapMs(timeline.frames, cut.startedAt, liftedAt),
    );
    result.restarts += await iceRestartsOf(p.ui);
  }
  // Signaling stayed up the whole time: nobody saw anyone reconnect or leave.
  for (const p of [alice, bob]) {
    const events = (await readTimeline(p.ui)).events;
    expect(events.filter((e) => e.name === 'peerLeft' || e.name === 'session')).toEqual([]);
  }
  return result;
}

test('UDP blackout of 5 s: heals by itself, no ICE restart, media back within 3 s', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(60_000);
  const r = await udpBlackout(openChromium, server.url, room, 5000);
  metric('udp-blackout-5s-media-back-ms', r.backMs);
  metric('udp-blackout-5s-ice-restarts', r.restarts);
  expect(r.dark).toBeGreaterThan(3000);
  expect(r.restarts).toBe(0);
  expect(r.backMs).toBeLessThan(3000);
});

test('UDP blackout of 40 s: exactly one ICE restart, media back within 10 s', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(120_000);
  const r = await udpBlackout(openChromium, server.url, room, 40_000);
  metric('udp-blackout-40s-media-back-ms', r.backMs);
  metric('udp-blackout-40s-ice-restarts', r.restarts);
  expect(r.dark).toBeGreaterThan(30_000);
  expect(r.restarts).toBe(1);
  expect(r.backMs).toBeLessThan(10_000);
});
