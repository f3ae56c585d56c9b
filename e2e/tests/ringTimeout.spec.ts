import { waitForEndReason } from '../support/app.js';
import { expect, test } from '../support/fixtures.js';
import { metric } from '../support/metrics.js';
import { joinAll, ring } from '../support/scenarios.js';

/** The server owns the ring timeout; a short one keeps the test quick. */
const RING_TIMEOUT_MS = 3_000;
test.use({ serverEnv: { RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) } });

test('Nobody answers: the call times out as missed on both sides', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  await joinAll(server.url, room, [alice, bob]);

  await ring(alice, bob);
  const ringingSince = Date.now();

  await waitForEndReason(alice.ui, 'missed', RING_TIMEOUT_MS + 15_000);
  const observedMs = Date.now() - ringingSince;
  metric('ring-timeout-observed-ms', observedMs);
  // Ended by the timer, not at once: measured from when both sides showed the
  // ringing (the server's timer started a little earlier), so only a loose bound.
  expect(observedMs).toBeGreaterThanOrEqual(RING_TIMEOUT_MS / 2);
  await waitForEndReason(bob.ui, 'missed', 5_000);
  await expect(alice.page.getByTestId('outgoing-call')).toBeHidden();
  await expect(bob.page.getByTestId('incoming-call')).toBeHidden();
  await expect(alice.page.getByTestId('in-call')).toBeHidden();
  await expect(bob.page.getByTestId('in-call')).toBeHidden();
});
