import { byTestId } from '../support/app.js';
import { expect, test } from '../support/fixtures.js';
import { readPcProbe } from '../support/pcProbe.js';
import { establishCall, joinAll, peerId } from '../support/scenarios.js';
import { expectMediaFlowing } from '../support/stats.js';

/**
 * Camera off releases the camera (its capture track ends: the light goes
 * off); on again captures afresh and the other side sees video back without
 * a renegotiation. Microphone mute keeps its track and sends silence.
 */

/** The readyState of every video track the page captured and the current local stream. */
function captureState() {
  const stream = window.__parley?.media.stream ?? null;
  const senders = (window.__e2ePcProbe?.pcs ?? [])
    .filter((pc) => pc.connectionState !== 'closed')
    .flatMap((pc) => pc.getSenders())
    .filter((s) => s.track?.kind === 'video' || s.track === null)
    .map((s) => s.track?.readyState ?? 'none');
  return {
    liveVideo: stream?.getVideoTracks().filter((t) => t.readyState === 'live').length ?? 0,
    liveAudio: stream?.getAudioTracks().filter((t) => t.readyState === 'live').length ?? 0,
    audioEnabled: stream?.getAudioTracks().every((t) => t.enabled) ?? false,
    senders,
  };
}

test('Camera off releases the camera; on again the video is back without renegotiation; mute keeps the mic track', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(server.url, room, [alice, bob]);
  await establishCall(alice, bob, ids);
  await expectMediaFlowing(bob.ui, peerId(ids, 'Alice'));
  // The old capture track, to check that it ended (not just disabled).
  await alice.ui.evaluate(() => {
    (window as unknown as { __e2eOldVideo?: MediaStreamTrack | undefined }).__e2eOldVideo =
      window.__parley?.media.stream?.getVideoTracks()[0];
  }, undefined);
  const descriptionsBefore = (await readPcProbe(alice.ui)).descriptions;

  await alice.page.getByTestId('camera-toggle').click();
  await expect(bob.page.getByTestId('remote-camera-off')).toBeVisible();
  await expect
    .poll(() =>
      alice.ui.evaluate(
        () => (window as unknown as { __e2eOldVideo?: MediaStreamTrack }).__e2eOldVideo?.readyState,
        undefined,
      ),
    )
    .toBe('ended');
  expect(await alice.ui.evaluate(captureState, undefined)).toMatchObject({
    liveVideo: 0,
    liveAudio: 1,
    senders: ['none'],
  });

  await alice.page.getByTestId('camera-toggle').click();
  await expect(bob.page.getByTestId('remote-camera-off')).toBeHidden();
  await expect
    .poll(() => alice.ui.evaluate(captureState, undefined))
    .toMatchObject({ liveVideo: 1, senders: ['live'] });
  // Bob decodes Alice's video again; no offer/answer was needed for it.
  await expectMediaFlowing(bob.ui, peerId(ids, 'Alice'));
  expect((await readPcProbe(alice.ui)).descriptions).toBe(descriptionsBefore);

  // Mute: the microphone track stays (disabled, sending silence).
  await alice.page.getByTestId('mic-toggle').click();
  await expect(bob.page.getByTestId('remote-muted')).toBeVisible();
  expect(await alice.ui.evaluate(captureState, undefined)).toMatchObject({
    liveAudio: 1,
    audioEnabled: false,
  });
  await expect(alice.page.locator(byTestId('call-state'))).toHaveAttribute('data-state', 'active');
});
