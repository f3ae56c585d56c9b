import { expect, test } from '../support/fixtures.js';
import { metric } from '../support/metrics.js';
import { establishCall, joinAll, peerId, waitForRemoteVideoPlaying } from '../support/scenarios.js';
import { armFirstFrameProbe, expectMediaFlowing, waitForFirstFrame } from '../support/stats.js';

/**
 * Interop: Chromium (Playwright) and Firefox ESR (puppeteer-core over
 * WebDriver BiDi) in one room, each driven through the UI. Both directions,
 * since the caller's browser writes the offer.
 */

test('Chromium calls Firefox: media flows both ways', async ({
  server,
  room,
  openChromium,
  openFirefox,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openFirefox('Bob');
  const ids = await joinAll(server.url, room, [alice, bob]);

  await armFirstFrameProbe(alice.ui);
  await armFirstFrameProbe(bob.ui);
  await establishCall(alice, bob, ids);

  const onChromium = await expectMediaFlowing(alice.ui, peerId(ids, 'Bob'));
  const onFirefox = await expectMediaFlowing(bob.ui, peerId(ids, 'Alice'));
  expect(onChromium.framesDecodedDelta).toBeGreaterThan(0);
  expect(onFirefox.framesDecodedDelta).toBeGreaterThan(0);
  await waitForRemoteVideoPlaying(alice.ui, peerId(ids, 'Bob'));
  await waitForRemoteVideoPlaying(bob.ui, peerId(ids, 'Alice'));

  const caller = await waitForFirstFrame(alice.ui);
  const callee = await waitForFirstFrame(bob.ui);
  if (callee.acceptClickAt !== null) {
    metric('accept-to-first-frame-ms.chromium-caller', caller.firstFrameAt - callee.acceptClickAt);
    metric('accept-to-first-frame-ms.firefox-callee', callee.firstFrameAt - callee.acceptClickAt);
  }
});

test('Firefox calls Chromium: media flows both ways', async ({
  server,
  room,
  openChromium,
  openFirefox,
}) => {
  const alice = await openFirefox('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(server.url, room, [alice, bob]);

  await establishCall(alice, bob, ids);

  await expectMediaFlowing(alice.ui, peerId(ids, 'Bob'));
  await expectMediaFlowing(bob.ui, peerId(ids, 'Alice'));
  await waitForRemoteVideoPlaying(alice.ui, peerId(ids, 'Bob'));
  await waitForRemoteVideoPlaying(bob.ui, peerId(ids, 'Alice'));
});
