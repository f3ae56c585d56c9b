import { callParticipant, enterRoom, waitForCallState } from '../support/app.js';
import { expect, test, type ChromiumParticipant } from '../support/fixtures.js';
import {
  GROUP_CHROMIUM_OPTIONS,
  SMALL_VIDEO,
  acceptFrom,
  endScreenCaptureLikeBrowser,
  inviteIntoCall,
  joinRoomCall,
  screenVideoSelector,
} from '../support/group.js';
import { expectFlowsFrom, waitForDecodingVideoStreams } from '../support/meshStats.js';
import { metric } from '../support/metrics.js';
import { joinAll, peerId } from '../support/scenarios.js';

/**
 * Screen share as an additional video track: getDisplayMedia resolves with
 * Chromium's fake screen (see support/browsers.ts), the others decode it as
 * a second video stream from the sharer and show it large.
 */

test.use({ chromiumOptions: GROUP_CHROMIUM_OPTIONS });

const LINK = { video: SMALL_VIDEO } as const;
const SCREEN_AND_CAMERA = { videoStreams: 2, audioStreams: 1 } as const;

async function expectShareShown(viewer: ChromiumParticipant, sharerId: string) {
  await expect(viewer.page.locator(screenVideoSelector(sharerId))).toBeVisible();
  await expectFlowsFrom(viewer.ui, { [sharerId]: SCREEN_AND_CAMERA });
  await waitForDecodingVideoStreams(viewer.ui, sharerId, 2);
  expect(
    await viewer.ui.evaluate(
      (id) => window.__parley?.call?.remoteScreens.has(id) ?? false,
      sharerId,
    ),
  ).toBe(true);
}

async function expectShareGone(viewer: ChromiumParticipant, sharerId: string) {
  await expect(viewer.page.locator(screenVideoSelector(sharerId))).toHaveCount(0);
  // Only the camera still decodes; the screen stream may linger in the stats, frozen.
  await waitForDecodingVideoStreams(viewer.ui, sharerId, 1);
  expect(
    await viewer.ui.evaluate(
      (id) => window.__parley?.call?.remoteScreens.has(id) ?? true,
      sharerId,
    ),
  ).toBe(false);
}

test('Screen share reaches everyone as a second video; stopping removes it; late joiner gets it', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(180_000);
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const carol = await openChromium('Carol');
  const ids = await joinAll(server.url, room, [alice, bob, carol], LINK);
  const aliceId = peerId(ids, 'Alice');

  await callParticipant(alice.ui, 'Bob');
  await acceptFrom(bob, 'Alice');
  await waitForCallState(alice.ui, 'active');
  await inviteIntoCall(alice, 'Carol');
  await acceptFrom(carol, 'Alice');

  // Share: the button shows it pressed, B and C decode two videos from A.
  const share = alice.page.getByTestId('screen-share-button');
  const sharedAt = Date.now();
  await share.click();
  await expect(share).toHaveAttribute('aria-pressed', 'true');
  await expectShareShown(bob, aliceId);
  metric('screen-share-click-to-remote-decoding-ms', Date.now() - sharedAt);
  await expectShareShown(carol, aliceId);

  // Stop with the button: gone everywhere, cameras go on.
  await share.click();
  await expect(share).toHaveAttribute('aria-pressed', 'false');
  await expectShareGone(bob, aliceId);
  await expectShareGone(carol, aliceId);
  expect(
    await alice.ui.evaluate(() => window.__parley?.media.screenStream === null, undefined),
  ).toBe(true);

  // Share again, then D enters late and joins the call: D gets the ongoing share.
  await share.click();
  await expect(share).toHaveAttribute('aria-pressed', 'true');
  await expectShareShown(bob, aliceId);
  const dave = await openChromium('Dave');
  await enterRoom(dave.ui, server.url, room, 'Dave', LINK);
  await joinRoomCall(dave);
  await expectShareShown(dave, aliceId);
  await expectShareShown(carol, aliceId);

  // The browser's own "Stop sharing" bar ends the capture: the SDK stops the share everywhere.
  expect(await endScreenCaptureLikeBrowser(alice.ui)).toBe(true);
  await expect(share).toHaveAttribute('aria-pressed', 'false');
  for (const viewer of [bob, carol, dave]) await expectShareGone(viewer, aliceId);
  expect(
    await alice.ui.evaluate(() => window.__parley?.media.screenStream === null, undefined),
  ).toBe(true);
});
