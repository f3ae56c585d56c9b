import { byTestId } from '../support/app.js';
import { expect, test } from '../support/fixtures.js';
import { readPcProbe } from '../support/pcProbe.js';
import { establishCall, joinAll, peerId } from '../support/scenarios.js';
import { expectMediaFlowing } from '../support/stats.js';

// Three fake cameras, so that switching really changes the capture device.
// Chromium's fake capture factory gives each a different pixel format:
// fake_device_0 I420, fake_device_1 Y16 (a depth format), fake_device_2 MJPEG.
// A WebRTC sender cannot encode Y16: even with bare RTCPeerConnections,
// replaceTrack() to fake_device_1 stops framesEncoded. So the test switches
// from fake_device_0 to fake_device_2, what an ordinary webcam delivers.
test.use({ chromiumOptions: { fakeCameras: 3 } });
const SWITCH_TO_LABEL = 'fake_device_2';

interface CameraChoice {
  readonly options: ReadonlyArray<{ value: string; label: string }>;
  readonly selected: string;
}

test('Switching camera mid-call keeps video flowing without renegotiation', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(server.url, room, [alice, bob]);
  await establishCall(alice, bob, ids);
  await expectMediaFlowing(bob.ui, peerId(ids, 'Alice'));

  const cameraSelect = `${byTestId('in-call')} ${byTestId('camera-select')}`;
  await alice.ui.waitFor(cameraSelect, 'visible');
  const before = await alice.ui.evaluate((sel): CameraChoice | null => {
    const el = document.querySelector(sel);
    if (!(el instanceof HTMLSelectElement)) return null;
    return {
      options: [...el.options].map((o) => ({ value: o.value, label: o.text })),
      selected: el.value,
    };
  }, cameraSelect);
  expect(before, 'camera-select is a <select>').not.toBeNull();
  const other = before?.options.find((o) => o.label.includes(SWITCH_TO_LABEL));
  expect(other, `${SWITCH_TO_LABEL} among ${JSON.stringify(before)}`).toBeDefined();
  expect(other?.value).not.toBe(before?.selected);
  if (!before || !other) return;

  const sentBefore = await localVideo(alice.ui);
  const negotiationBefore = {
    alice: (await readPcProbe(alice.ui)).descriptions,
    bob: (await readPcProbe(bob.ui)).descriptions,
  };
  expect(sentBefore.senderTrackIds).toEqual([sentBefore.streamTrackId]);

  await alice.ui.select(cameraSelect, other.value);

  // The sender now sends a new track, captured from the chosen camera...
  await expect
    .poll(async () => (await localVideo(alice.ui)).streamTrackId, { timeout: 20_000 })
    .not.toBe(sentBefore.streamTrackId);
  const sentAfter = await localVideo(alice.ui);
  expect(sentAfter.deviceId).toBe(other.value);
  expect(sentAfter.senderTrackIds).toEqual([sentAfter.streamTrackId]);
  await expect(alice.page.locator(cameraSelect)).toHaveValue(other.value);

  // ...B keeps decoding frames (baseline taken after the switch)...
  await expectMediaFlowing(bob.ui, peerId(ids, 'Alice'));
  await expectMediaFlowing(alice.ui, peerId(ids, 'Bob'));

  // ...and nothing was renegotiated (replaceTrack, not a new m-line / offer).
  expect((await readPcProbe(alice.ui)).descriptions).toBe(negotiationBefore.alice);
  expect((await readPcProbe(bob.ui)).descriptions).toBe(negotiationBefore.bob);
  await expect(alice.page.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
});

/** The local camera track (SDK stream) and what the open peer connections' video senders carry. */
async function localVideo(ui: Parameters<typeof readPcProbe>[0]) {
  const local = await ui.evaluate(() => {
    const track = window.__parley?.media.stream?.getVideoTracks()[0] ?? null;
    return {
      streamTrackId: track?.id ?? null,
      deviceId: track?.getSettings().deviceId ?? null,
      readyState: track?.readyState ?? null,
    };
  }, undefined);
  const probe = await readPcProbe(ui);
  const open = probe.connections.filter((c) => c.connectionState !== 'closed');
  return { ...local, senderTrackIds: open.flatMap((c) => c.videoSenderTrackIds) };
}
