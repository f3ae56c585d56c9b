/**
 * NAT traversal through a real coturn, forced with `?relay=1`
 * (iceTransportPolicy 'relay'): media must go browser -> coturn -> browser.
 *
 * TEST ONLY: coturn is started with `allowLoopbackPeers`, so that its relay may
 * send to peers on 127.0.0.1. The suite runs in a network namespace holding
 * nothing but loopback, so the browsers' relayed peers ARE 127.0.0.1 here.
 * Production configs never allow loopback peers (see coturnConfig.ts).
 */
import type { Page } from '@playwright/test';
import { expect, test as base } from '../support/fixtures.js';
import { openRelayPorts, startTestTurnServer, type TestTurnServer } from '../support/coturn.js';
import { metric } from '../support/metrics.js';
import { startServer, type RunningServer } from '../support/server.js';
import { waitForCallState, waitForEndReason } from '../support/app.js';
import {
  establishCall,
  joinAll,
  peerId,
  ring,
  waitForRemoteVideoPlaying,
} from '../support/scenarios.js';
import {
  armFirstFrameProbe,
  connectionType,
  expectMediaFlowing,
  localCandidateTypes,
  selectedCandidatePair,
  waitForFirstFrame,
} from '../support/stats.js';

const test = base.extend<object, { turn: TestTurnServer; server: RunningServer }>({
  turn: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const turn = await startTestTurnServer();
      await use(turn);
      await turn.stop();
    },
    { scope: 'worker', timeout: 30_000 },
  ],
  // The signaling server hands out TURN REST credentials for this coturn.
  server: [
    async ({ turn }, use) => {
      const server = await startServer({
        TURN_SECRET: turn.secret,
        TURN_REALM: turn.realm,
        TURN_URLS: turn.urls,
      });
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 30_000 },
  ],
});

// On failure, coturn's own log says whether allocations, permissions or
// channel binds were refused (the browsers only say "ICE failed").
test.afterEach(async ({ turn }, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach('coturn log', { body: turn.process.log(), contentType: 'text/plain' });
  }
});

test('Forced relay: media flows through coturn both ways', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(server.url, room, [alice, bob], { relay: true });
  const aliceId = peerId(ids, 'Alice');
  const bobId = peerId(ids, 'Bob');

  await armFirstFrameProbe(alice.ui);
  await armFirstFrameProbe(bob.ui);
  await establishCall(alice, bob, ids);

  await expectMediaFlowing(alice.ui, bobId);
  await expectMediaFlowing(bob.ui, aliceId);
  await waitForRemoteVideoPlaying(alice.ui, bobId);
  await waitForRemoteVideoPlaying(bob.ui, aliceId);

  for (const [p, remote] of [
    [alice, bobId],
    [bob, aliceId],
  ] as const) {
    // The SDK's verdict, the UI badge, and getStats agree: relayed.
    await expect.poll(() => connectionType(p.ui, remote)).toBe('relay');
    await expect(p.page.getByTestId('connection-type')).toHaveAttribute('data-type', 'relay');
    const pair = await selectedCandidatePair(p.ui, remote);
    expect(pair, `${p.name}: selected candidate pair`).toMatchObject({
      localCandidateType: 'relay',
      remoteCandidateType: 'relay',
    });
    // iceTransportPolicy 'relay': no host or srflx candidate was even gathered.
    expect(await localCandidateTypes(p.ui, remote)).toEqual(['relay']);
  }

  const caller = await waitForFirstFrame(alice.ui);
  const callee = await waitForFirstFrame(bob.ui);
  if (callee.acceptClickAt !== null) {
    metric('accept-to-first-frame-ms.relay.caller', caller.firstFrameAt - callee.acceptClickAt);
    metric('accept-to-first-frame-ms.relay.callee', callee.firstFrameAt - callee.acceptClickAt);
  }
});

/** The TURN username the page's peer connection uses now (`<expiry>:<participant id>`). */
function turnUsername(p: { page: Page }): Promise<string | null> {
  return p.page.evaluate(() => {
    const pcs = (window.__e2ePcProbe?.pcs ?? []).filter((pc) => pc.signalingState !== 'closed');
    const server = pcs.at(-1)?.getConfiguration().iceServers?.[0];
    return typeof server?.username === 'string' ? server.username : null;
  });
}

test('TURN server restart mid-call: ICE restarts with fresh credentials and media comes back', async ({
  server,
  turn,
  room,
  openChromium,
}) => {
  test.setTimeout(120_000);
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(server.url, room, [alice, bob], { relay: true });
  const aliceId = peerId(ids, 'Alice');
  const bobId = peerId(ids, 'Bob');
  await establishCall(alice, bob, ids);
  await expectMediaFlowing(alice.ui, bobId);
  await expectMediaFlowing(bob.ui, aliceId);
  const before = { alice: await turnUsername(alice), bob: await turnUsername(bob) };
  expect(before.alice).toMatch(/^\d+:/);

  // Every allocation is gone: the relayed path breaks on both sides.
  const restartedAt = Date.now();
  await turn.restart();

  // The SDK notices, asks the server for fresh credentials (ice:refresh),
  // restarts ICE with them, and coturn accepts the new allocations.
  // Both sides: the one that restarts ICE and the one that answers its
  // restart offer gather new relay candidates, so both need fresh ones.
  await expect.poll(() => turnUsername(alice), { timeout: 60_000 }).not.toBe(before.alice);
  await expect.poll(() => turnUsername(bob), { timeout: 10_000 }).not.toBe(before.bob);
  await waitForCallState(alice.ui, 'active', 60_000);
  await waitForCallState(bob.ui, 'active', 60_000);
  await expectMediaFlowing(alice.ui, bobId, 30_000);
  await expectMediaFlowing(bob.ui, aliceId, 30_000);
  metric('turn-restart-to-media-ms', Date.now() - restartedAt);
  for (const [p, remote] of [
    [alice, bobId],
    [bob, aliceId],
  ] as const) {
    expect(await selectedCandidatePair(p.ui, remote)).toMatchObject({
      localCandidateType: 'relay',
      remoteCandidateType: 'relay',
    });
  }
});

test('Instant answer over TURN: the ringing pre-connection is relayed, and a decline releases its allocations', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(server.url, room, [alice, bob], { relay: true });
  await ring(alice, bob);
  // Pre-connected through coturn while it rings.
  await expect
    .poll(() => selectedCandidatePair(alice.ui, peerId(ids, 'Bob')), { timeout: 15_000 })
    .toMatchObject({ localCandidateType: 'relay' });
  // The relay candidates' ports are the allocations coturn holds for this call.
  const ports = [...(await relayPorts(alice)), ...(await relayPorts(bob))];
  metric('instant-answer-relay-allocations-while-ringing', ports.length);
  expect(ports.length).toBeGreaterThan(0);
  expect(await openRelayPorts(ports)).toEqual([...ports].sort((a, b) => a - b));
  await bob.page.getByTestId('decline-button').click();
  await waitForEndReason(alice.ui, ['declined']);
  // Both browsers closed their connections, which deallocates on coturn.
  await expect.poll(() => openRelayPorts(ports), { timeout: 10_000 }).toEqual([]);
});

/** Ports of the relay candidates the page's open connections gathered (coturn's side of each allocation). */
function relayPorts(p: { page: Page }): Promise<number[]> {
  return p.page.evaluate(async () => {
    const ports: number[] = [];
    for (const pc of window.__e2ePcProbe?.pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s['type'] === 'local-candidate' && s['candidateType'] === 'relay') {
          ports.push(Number(s['port']));
        }
      });
    }
    return [...new Set(ports)];
  });
}
