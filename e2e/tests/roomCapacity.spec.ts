import {
  byTestId,
  enterRoom,
  openLobby,
  waitForEndReason,
  waitForParticipantGone,
} from '../support/app.js';
import { expect, test } from '../support/fixtures.js';
import { metric } from '../support/metrics.js';
import { establishCall, joinAll, peerId } from '../support/scenarios.js';
import { expectMediaFlowing } from '../support/stats.js';

test.use({ serverEnv: { MAX_ROOM_SIZE: '2' } });

test('Room full: a third person gets ROOM_FULL in the lobby and is not let in', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const carol = await openChromium('Carol');
  await joinAll(server.url, room, [alice, bob]);

  await openLobby(carol.ui, server.url, room, { name: 'Carol' });
  await carol.page.getByTestId('join-button').click();

  const error = carol.page.getByTestId('lobby-error');
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('data-code', 'ROOM_FULL');
  // Carol stays in the lobby...
  await expect(carol.page.getByTestId('join-button')).toBeVisible();
  await expect(carol.page.getByTestId('leave-button')).toHaveCount(0);
  // ...and the room still holds exactly Alice and Bob, by the server's count.
  const status = await alice.ui.evaluate(
    (r) => window.__parley?.checkRoom(r) ?? Promise.resolve(null),
    room,
  );
  expect(status).toMatchObject({ participants: 2, capacity: 2, full: true });
  await expect(alice.page.getByTestId('participant')).toHaveCount(1);
  await expect(bob.page.getByTestId('participant')).toHaveCount(1);
  await expect(alice.page.locator(`${byTestId('participant')}[data-name="Carol"]`)).toHaveCount(0);
});

test('Closing the tab mid-call ends the call, frees the seat', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(server.url, room, [alice, bob]);
  await establishCall(alice, bob, ids);
  await expectMediaFlowing(alice.ui, peerId(ids, 'Bob'));

  const closedAt = Date.now();
  await bob.context.close();

  const reason = await waitForEndReason(alice.ui, ['disconnected', 'left'], 45_000);
  metric(`tab-close-to-call-ended-ms.${reason}`, Date.now() - closedAt);
  await expect(alice.page.getByTestId('in-call')).toBeHidden();
  await waitForParticipantGone(alice.ui, 'Bob', 45_000);
  metric('tab-close-to-peer-gone-ms', Date.now() - closedAt);

  // The seat is free again in this two-person room.
  const carol = await openChromium('Carol');
  await enterRoom(carol.ui, server.url, room, 'Carol');
  await expect(carol.page.locator(`${byTestId('participant')}[data-name="Alice"]`)).toBeVisible();
  await expect(alice.page.locator(`${byTestId('participant')}[data-name="Carol"]`)).toBeVisible();
  await expect(alice.page.getByTestId('participant')).toHaveCount(1);
});
