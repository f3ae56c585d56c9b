import {
  byTestId,
  callParticipant,
  cancel,
  decline,
  hangUp,
  waitForCallState,
  waitForEndReason,
} from '../support/app.js';
import { expect, test } from '../support/fixtures.js';
import { metric } from '../support/metrics.js';
import { readPcProbe } from '../support/pcProbe.js';
import {
  establishCall,
  joinAll,
  peerId,
  ring,
  waitForRemoteVideoPlaying,
} from '../support/scenarios.js';
import {
  armFirstFrameProbe,
  expectMediaFlowing,
  selectedCandidatePair,
  waitForFirstFrame,
} from '../support/stats.js';

/** 1:1 calls between two Chromium participants, driven through the web app's UI. */

test('A calls B, B accepts: both active, video and audio flow both ways', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(server.url, room, [alice, bob]);
  const aliceId = peerId(ids, 'Alice');
  const bobId = peerId(ids, 'Bob');

  await armFirstFrameProbe(alice.ui);
  await armFirstFrameProbe(bob.ui);
  await establishCall(alice, bob, ids);

  const onAlice = await expectMediaFlowing(alice.ui, bobId);
  const onBob = await expectMediaFlowing(bob.ui, aliceId);
  expect(onAlice.framesDecodedDelta).toBeGreaterThan(0);
  expect(onAlice.packetsReceivedDelta).toBeGreaterThan(0);
  expect(onBob.framesDecodedDelta).toBeGreaterThan(0);
  expect(onBob.packetsReceivedDelta).toBeGreaterThan(0);

  // What the user sees: the remote <video> has a picture and plays.
  await waitForRemoteVideoPlaying(alice.ui, bobId);
  await waitForRemoteVideoPlaying(bob.ui, aliceId);

  // On one machine the host candidates connect directly, and the badge says so.
  await expect(alice.page.getByTestId('connection-type')).toHaveAttribute('data-type', 'direct');
  await expect(bob.page.getByTestId('connection-type')).toHaveAttribute('data-type', 'direct');
  const pair = await selectedCandidatePair(alice.ui, bobId);
  expect(pair?.localCandidateType).toBe('host');

  const callerFrame = await waitForFirstFrame(alice.ui);
  const calleeFrame = await waitForFirstFrame(bob.ui);
  const acceptAt = calleeFrame.acceptClickAt;
  expect(acceptAt, 'accept click recorded in the callee page').not.toBeNull();
  if (acceptAt !== null) {
    metric('accept-to-first-frame-ms.caller', callerFrame.firstFrameAt - acceptAt);
    metric('accept-to-first-frame-ms.callee', calleeFrame.firstFrameAt - acceptAt);
  }
  metric('decoded-video-fps.caller', rate(onAlice.framesDecodedDelta, onAlice.intervalMs));
  metric('decoded-video-fps.callee', rate(onBob.framesDecodedDelta, onBob.intervalMs));
});

test('B declines: A sees the call ended as declined', async ({ server, room, openChromium }) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  await joinAll(server.url, room, [alice, bob]);

  await ring(alice, bob);
  await decline(bob.ui);

  await waitForEndReason(alice.ui, 'declined');
  await expect(alice.page.getByTestId('outgoing-call')).toBeHidden();
  await expect(bob.page.getByTestId('incoming-call')).toBeHidden();
  await expect(alice.page.getByTestId('in-call')).toBeHidden();
  await expect(bob.page.getByTestId('in-call')).toBeHidden();
});

test('A cancels while ringing: B stops ringing, reason cancelled', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  await joinAll(server.url, room, [alice, bob]);

  await ring(alice, bob);
  await cancel(alice.ui);

  await expect(bob.page.getByTestId('incoming-call')).toBeHidden();
  await waitForEndReason(bob.ui, 'cancelled');
  await expect(alice.page.getByTestId('outgoing-call')).toBeHidden();
  await expect(bob.page.getByTestId('in-call')).toBeHidden();
});

test('Busy: C calls B while B is in a call with A', async ({ server, room, openChromium }) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const carol = await openChromium('Carol');
  const ids = await joinAll(server.url, room, [alice, bob, carol]);
  await establishCall(alice, bob, ids);

  await callParticipant(carol.ui, 'Bob');
  await waitForEndReason(carol.ui, 'busy');
  await expect(carol.page.getByTestId('outgoing-call')).toBeHidden();
  // The server answered "busy" without ringing B, and A and B's call goes on.
  await expect(bob.page.getByTestId('incoming-call')).toBeHidden();
  await waitForCallState(alice.ui, 'active');
  await waitForCallState(bob.ui, 'active');
  await expectMediaFlowing(alice.ui, peerId(ids, 'Bob'));
  await expectMediaFlowing(bob.ui, peerId(ids, 'Alice'));
});

test('Hang-up: both leave the call, B sees hung-up, peer connections closed', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(server.url, room, [alice, bob]);
  await establishCall(alice, bob, ids);
  await expectMediaFlowing(bob.ui, peerId(ids, 'Alice'));

  await hangUp(alice.ui);

  await expect(alice.page.getByTestId('in-call')).toBeHidden();
  await expect(bob.page.getByTestId('in-call')).toBeHidden();
  await waitForEndReason(bob.ui, 'hung-up');
  // Media stopped: every peer connection either side opened is closed.
  for (const p of [alice, bob]) {
    await expect
      .poll(
        async () => {
          const states = (await readPcProbe(p.ui)).connections.map((c) => c.connectionState);
          return states.length > 0 && states.every((s) => s === 'closed') ? 'all closed' : states;
        },
        { message: `${p.name}'s peer connections are all closed` },
      )
      .toBe('all closed');
  }
  // Both stay in the room and can call again.
  await expect(alice.page.getByTestId('leave-button')).toBeVisible();
  await expect(bob.page.getByTestId('leave-button')).toBeVisible();
});

test('Mute and camera off show on the other side', async ({ server, room, openChromium }) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(server.url, room, [alice, bob]);
  await establishCall(alice, bob, ids);

  const micToggle = alice.page.getByTestId('mic-toggle');
  const cameraToggle = alice.page.getByTestId('camera-toggle');
  const remoteMuted = bob.page.getByTestId('remote-muted');
  const remoteCameraOff = bob.page.getByTestId('remote-camera-off');
  await expect(remoteMuted).toBeHidden();
  await expect(remoteCameraOff).toBeHidden();

  await micToggle.click();
  await expect(micToggle).toHaveAttribute('aria-pressed', 'true');
  await expect(remoteMuted).toBeVisible();
  await micToggle.click();
  await expect(micToggle).toHaveAttribute('aria-pressed', 'false');
  await expect(remoteMuted).toBeHidden();

  await cameraToggle.click();
  await expect(cameraToggle).toHaveAttribute('aria-pressed', 'true');
  await expect(remoteCameraOff).toBeVisible();
  await cameraToggle.click();
  await expect(cameraToggle).toHaveAttribute('aria-pressed', 'false');
  await expect(remoteCameraOff).toBeHidden();

  // The call survived the toggles and media still flows to B.
  await expect(bob.page.locator(byTestId('call-state'))).toHaveAttribute('data-state', 'active');
  await expectMediaFlowing(bob.ui, peerId(ids, 'Alice'));
});

function rate(delta: number, intervalMs: number): string {
  return ((delta * 1000) / intervalMs).toFixed(1);
}
