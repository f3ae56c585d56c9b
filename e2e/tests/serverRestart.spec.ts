import { byTestId, hangUp, waitForEndReason } from '../support/app.js';
import { expect, test } from '../support/fixtures.js';
import {
  iceRestartsOf,
  longestFrameGapMs,
  pcsWithFrames,
  readTimeline,
} from '../support/mediaTimeline.js';
import { cutUdp } from '../support/faults.js';
import { metric } from '../support/metrics.js';
import { readPcProbe } from '../support/pcProbe.js';
import {
  FAULT_SESSION_SECRET,
  backInRoomAndCall,
  callPair,
  participantCount,
  sleep,
} from '../support/resilience.js';
import { startServer, type RunningServer } from '../support/server.js';

/**
 * The signaling server dies or is restarted mid-call (in-memory state lost):
 * media keeps flowing peer to peer, both sides resume as the same
 * participants into the room and call the restarted server rebuilds from
 * their resume tokens, and the call goes on (renegotiation, hang-up).
 */

const ENV = { SESSION_SECRET: FAULT_SESSION_SECRET, SHUTDOWN_DRAIN_MS: '2000' };

async function restartScenario(
  openChromium: Parameters<typeof callPair>[0],
  room: string,
  stop: (server: RunningServer) => Promise<void>,
  downMs: number,
  label: string,
) {
  let server = await startServer(ENV);
  try {
    const { alice, bob, aliceId, bobId } = await callPair(openChromium, server.url, room);
    const pcsBefore = (await readPcProbe(alice.ui)).connections.length;
    const faultAt = Date.now();
    await stop(server);
    await sleep(downMs);
    server = await startServer(ENV, { port: server.port });
    const restartedAt = Date.now();

    // Both back in the room and the call, as themselves, within 8 s of the restart.
    await backInRoomAndCall(alice, 'Bob', 8000);
    await backInRoomAndCall(bob, 'Alice', 8000);
    const resumedMs = Date.now() - restartedAt;
    metric(`${label}-resumed-after-restart-ms`, resumedMs);
    expect(resumedMs).toBeLessThan(8000);
    expect(await participantCount(alice)).toBe(1);
    expect(await participantCount(bob)).toBe(1);
    expect(await alice.ui.evaluate(() => window.__parley?.self?.id ?? null, undefined)).toBe(
      aliceId,
    );
    expect(await bob.ui.evaluate(() => window.__parley?.self?.id ?? null, undefined)).toBe(bobId);
    const status = await alice.ui.evaluate(
      (r) => window.__parley?.checkRoom(r) ?? Promise.resolve(null),
      room,
    );
    expect(status).toMatchObject({ participants: 2 });

    // Media never stopped, on the same peer connections.
    await sleep(1500);
    const now = Date.now();
    for (const [who, p] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      const timeline = await readTimeline(p.ui);
      const gap = longestFrameGapMs(timeline.frames, faultAt - 500, now);
      metric(`${label}-longest-frame-gap-ms.${who}`, gap);
      expect(gap).toBeLessThan(1000);
      expect(pcsWithFrames(timeline.frames, now - 1000, now)).toEqual([0]);
      expect(timeline.events.filter((e) => e.name === 'peerLeft')).toEqual([]);
      expect(await iceRestartsOf(p.ui)).toBe(0);
    }
    expect((await readPcProbe(alice.ui)).connections.length).toBe(pcsBefore);

    // Renegotiation through the restarted server: a screen share reaches Bob.
    await alice.ui.click(byTestId('screen-share-button'));
    await expect
      .poll(
        () =>
          bob.ui.evaluate((id) => window.__parley?.call?.remoteScreens.has(id) ?? false, aliceId),
        { timeout: 15_000 },
      )
      .toBe(true);
    await expect(bob.page.locator(byTestId('screen-video'))).toBeVisible();

    // Hang-up ends the call on both sides.
    await hangUp(alice.ui);
    await waitForEndReason(bob.ui, 'hung-up');
  } finally {
    await server.stop();
  }
}

test('kill -9 of the server mid-call, back after 2 s: the call and its media go on', async ({
  room,
  openChromium,
}) => {
  test.setTimeout(90_000);
  await restartScenario(
    openChromium,
    room,
    async (s) => {
      await s.kill('SIGKILL');
    },
    2000,
    'kill9-2s',
  );
});

test('kill -9 of the server mid-call, back after 10 s: the call and its media go on', async ({
  room,
  openChromium,
}) => {
  test.setTimeout(90_000);
  await restartScenario(
    openChromium,
    room,
    async (s) => {
      await s.kill('SIGKILL');
    },
    10_000,
    'kill9-10s',
  );
});

test('SIGTERM and restart: the server drains and exits 0 in time; the call goes on', async ({
  room,
  openChromium,
}) => {
  test.setTimeout(90_000);
  await restartScenario(
    openChromium,
    room,
    async (s) => {
      const exit = await s.kill('SIGTERM');
      metric('sigterm-exit-ms', exit.afterMs);
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.afterMs).toBeLessThan(2000 + 1500);
    },
    2000,
    'sigterm',
  );
});

test('Server gone and media down past the give-up window: a translated "connection lost" with a retry that works', async ({
  room,
  openChromium,
}) => {
  test.setTimeout(150_000);
  let server = await startServer(ENV);
  try {
    const { alice } = await callPair(openChromium, server.url, room);
    // Neither signaling nor media come back.
    const lostFrom = Date.now();
    const blackout = cutUdp(90_000);
    try {
      await server.kill('SIGKILL');
      await alice.ui.waitFor(byTestId('connection-lost'), 'visible', 80_000);
      metric('signaling-and-media-down-to-connection-lost-ms', Date.now() - lostFrom);
      await expect(alice.page.getByTestId('connection-lost')).toContainText('Connection lost');
      await expect(alice.page.getByTestId('retry-button')).toBeVisible();
      await expect(alice.page.getByTestId('leave-button')).toHaveCount(0);
    } finally {
      blackout.lift();
    }
    // The network is back: Try again brings Alice back into the room.
    server = await startServer(ENV, { port: server.port });
    await alice.ui.click(byTestId('retry-button'));
    await alice.ui.waitFor(byTestId('leave-button'), 'visible', 15_000);
    await alice.ui.waitFor(byTestId('connection-lost'), 'detached');
  } finally {
    await server.stop();
  }
});
