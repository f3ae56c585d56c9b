import { callParticipant, waitForCallState } from '../support/app.js';
import { expect, test, type ChromiumParticipant } from '../support/fixtures.js';
import {
  GROUP_CHROMIUM_OPTIONS,
  SMALL_VIDEO,
  acceptFrom,
  inviteIntoCall,
  tileSelector,
} from '../support/group.js';
import { expectCameraFlowsFrom } from '../support/meshStats.js';
import { metric } from '../support/metrics.js';
import { joinAll, peerId } from '../support/scenarios.js';

/**
 * Active speaker: A and C mute; B stays live: B is highlighted on A's and
 * C's screens; A never is anywhere.
 *
 * The fake microphones play a voice-like signal (support/browsers.ts
 * fakeMicTone: a gliding pitch with a syllable-rate rise and fall), the
 * closest thing to speech a test can feed Chromium. Chromium's default fake
 * input (a 20 ms beep every 500 ms) is not speech, and its audio processing
 * flattens a steady tone to just under the SDK's threshold; the SDK's level
 * is the RMS over each 250 ms sample (from totalAudioEnergy), with two
 * samples in a row needed to qualify and a 1.5 s hold.
 */

test.use({ chromiumOptions: { ...GROUP_CHROMIUM_OPTIONS, fakeMicTone: true } });

const OBSERVE_MS = 6_000;

/** data-speaking of `peerId`'s tile on `viewer`'s screen, sampled every 200 ms for `ms`. */
async function speakingSamples(viewer: ChromiumParticipant, peerId: string, ms: number) {
  return viewer.page.evaluate(
    async ([selector, duration]) => {
      const seen: (string | null)[] = [];
      const end = Date.now() + duration;
      while (Date.now() < end) {
        seen.push(document.querySelector(selector)?.getAttribute('data-speaking') ?? null);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return seen;
    },
    [tileSelector(peerId), ms] as const,
  );
}

/**
 * What the viewer's page hears from `peerId`, for the failure message: the
 * SDK's active speaker, and the RTP audio level of each received audio track
 * (sampled 8 times, 250 ms apart, as the SDK does) with whether that track is
 * part of the SDK's remote stream for the peer.
 */
function levelEvidence(viewer: ChromiumParticipant, peerId: string) {
  return viewer.page.evaluate(async (peer) => {
    const call = window.__parley?.call;
    const streamTracks = new Set(
      (call?.remoteStreams.get(peer)?.getAudioTracks() ?? []).map((t) => t.id),
    );
    const receivers = (window.__e2ePcProbe?.pcs ?? [])
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getReceivers().filter((r) => r.track.kind === 'audio'));
    const levels: string[][] = receivers.map(() => []);
    for (let i = 0; i < 8; i++) {
      receivers.forEach((r, n) => {
        const level = r.getSynchronizationSources()[0]?.audioLevel;
        levels[n]?.push(level === undefined ? '-' : level.toFixed(3));
      });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return {
      activeSpeaker: call?.activeSpeaker ?? null,
      receivers: receivers.map((r, n) => ({
        inPeerStream: streamTracks.has(r.track.id),
        levels: levels[n]?.join(' '),
      })),
    };
  }, peerId);
}

test('Live participant is highlighted as active speaker, muted one never', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(150_000);
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const carol = await openChromium('Carol');
  const ids = await joinAll(server.url, room, [alice, bob, carol], { video: SMALL_VIDEO });
  const aliceId = peerId(ids, 'Alice');
  const bobId = peerId(ids, 'Bob');

  await callParticipant(alice.ui, 'Bob');
  await acceptFrom(bob, 'Alice');
  await waitForCallState(alice.ui, 'active');
  await inviteIntoCall(alice, 'Carol');
  await acceptFrom(carol, 'Alice');
  await expectCameraFlowsFrom(alice.ui, [bobId, peerId(ids, 'Carol')]);
  await expectCameraFlowsFrom(carol.ui, [bobId, aliceId]);

  // A and C mute with the in-call microphone button; B stays live.
  for (const p of [alice, carol]) {
    await p.page.getByTestId('mic-toggle').click();
    await expect(p.page.getByTestId('mic-toggle')).toHaveAttribute('aria-pressed', 'true');
  }

  // B (live) is highlighted on A's and C's screens.
  for (const viewer of [alice, carol]) {
    await expect(
      viewer.page.locator(tileSelector(bobId)),
      `B highlighted on ${viewer.name}'s screen; levels seen there: ${JSON.stringify(await levelEvidence(viewer, bobId))}`,
    ).toHaveAttribute('data-speaking', 'true');
  }
  // A stays dark on everyone's screen, and B's highlight does not flicker
  // (hysteresis: at most one switch off within the window, no on/off/on).
  const [bobOnAlice, aliceOnBob, aliceOnCarol] = await Promise.all([
    speakingSamples(alice, bobId, OBSERVE_MS),
    speakingSamples(bob, aliceId, OBSERVE_MS),
    speakingSamples(carol, aliceId, OBSERVE_MS),
  ]);
  expect(aliceOnBob).not.toContain('true');
  expect(aliceOnCarol).not.toContain('true');
  expect(aliceOnBob).toContain('false');
  const switches = bobOnAlice.filter((v, n) => n > 0 && v !== bobOnAlice[n - 1]).length;
  expect(
    switches,
    `B's highlight on A's screen: ${JSON.stringify(bobOnAlice)}`,
  ).toBeLessThanOrEqual(1);
  metric(
    'active-speaker-highlight-share',
    bobOnAlice.filter((v) => v === 'true').length / bobOnAlice.length,
  );
});
