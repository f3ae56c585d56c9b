import { callParticipant, waitForCallState } from '../support/app.js';
import { expect, test } from '../support/fixtures.js';
import {
  GROUP_CHROMIUM_OPTIONS,
  SMALL_VIDEO,
  acceptFrom,
  inviteIntoCall,
} from '../support/group.js';
import { expectCameraFlowsFrom } from '../support/meshStats.js';
import { joinAll, peerId } from '../support/scenarios.js';

/** The call-size bound (MESH_MAX_PARTICIPANTS) answers CALL_FULL, shown to the user, harmlessly. */

test.use({
  serverEnv: { MESH_MAX_PARTICIPANTS: '2' },
  chromiumOptions: GROUP_CHROMIUM_OPTIONS,
});

test('CALL_FULL: a third person cannot join or be rung into a two-seat call', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const carol = await openChromium('Carol');
  const ids = await joinAll(server.url, room, [alice, bob, carol], { video: SMALL_VIDEO });

  await callParticipant(alice.ui, 'Bob');
  await acceptFrom(bob, 'Alice');
  await waitForCallState(alice.ui, 'active');

  // Carol sees the call and tries to join it: the server says CALL_FULL, the UI says so.
  await carol.page.getByTestId('join-call-button').click();
  await expect(carol.page.locator('[data-code="CALL_FULL"]').first()).toBeVisible();
  await expect(carol.page.getByTestId('in-call')).toHaveCount(0);
  expect(await carol.ui.evaluate(() => window.__parley?.call?.state ?? null, undefined)).not.toBe(
    'active',
  );

  // Alice tries to ring Carol in: CALL_FULL too, and Carol is not rung.
  await inviteIntoCall(alice, 'Carol');
  await expect(alice.page.locator('[data-code="CALL_FULL"]').first()).toBeVisible();
  await expect(carol.page.getByTestId('incoming-call')).toHaveCount(0);

  // The two-person call goes on with media both ways.
  await waitForCallState(alice.ui, 'active');
  await waitForCallState(bob.ui, 'active');
  await expectCameraFlowsFrom(alice.ui, [peerId(ids, 'Bob')]);
  await expectCameraFlowsFrom(bob.ui, [peerId(ids, 'Alice')]);
});
