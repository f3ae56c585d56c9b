import {
  accept,
  byTestId,
  callParticipant,
  waitForCallState,
  waitForIncomingCall,
} from '../support/app.js';
import { expect, test } from '../support/fixtures.js';
import {
  GROUP_CHROMIUM_OPTIONS,
  SMALL_VIDEO,
  inviteIntoCall,
  screenVideoSelector,
} from '../support/group.js';
import { expectCameraFlowsFrom, waitForDecodingVideoStreams } from '../support/meshStats.js';
import { joinAll, peerId } from '../support/scenarios.js';

/**
 * A group call is a mesh of browser pairs, so every pair must interoperate:
 * two Chromium pages and one Firefox page in one call, each decoding the two
 * others; a screen share from Chromium reaches Firefox as a second video
 * (Firefox tells it from the camera by the stream id the server relays).
 */

test.use({ chromiumOptions: GROUP_CHROMIUM_OPTIONS });

test('Chromium, Chromium and Firefox in one call: 6 flows, screen share reaches Firefox', async ({
  server,
  room,
  openChromium,
  openFirefox,
}) => {
  test.setTimeout(150_000);
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const carol = await openFirefox('Carol');
  const ids = await joinAll(server.url, room, [alice, bob, carol], { video: SMALL_VIDEO });
  const [aliceId, bobId, carolId] = ['Alice', 'Bob', 'Carol'].map((n) => peerId(ids, n)) as [
    string,
    string,
    string,
  ];

  await callParticipant(alice.ui, 'Bob');
  await waitForIncomingCall(bob.ui, 'Alice');
  await accept(bob.ui);
  await waitForCallState(alice.ui, 'active');

  // Firefox is rung into the ongoing call and accepts.
  await inviteIntoCall(alice, 'Carol');
  await waitForIncomingCall(carol.ui, 'Alice');
  await accept(carol.ui);
  await waitForCallState(carol.ui, 'active');

  await expectCameraFlowsFrom(alice.ui, [bobId, carolId], 45_000);
  await expectCameraFlowsFrom(bob.ui, [aliceId, carolId], 45_000);
  await expectCameraFlowsFrom(carol.ui, [aliceId, bobId], 45_000);

  // Chromium shares its screen: Firefox shows it large and decodes two videos from Alice.
  await alice.page.getByTestId('screen-share-button').click();
  await expect(alice.page.getByTestId('screen-share-button')).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await carol.ui.waitFor(screenVideoSelector(aliceId), 'visible', 30_000);
  await waitForDecodingVideoStreams(carol.ui, aliceId, 2, 30_000);

  // Stopping removes it on Firefox too; the camera keeps decoding.
  await alice.page.getByTestId('screen-share-button').click();
  await carol.ui.waitFor(screenVideoSelector(aliceId), 'detached', 30_000);
  await waitForDecodingVideoStreams(carol.ui, aliceId, 1, 30_000);
  await carol.ui.waitFor(byTestId('in-call'), 'visible');
});
