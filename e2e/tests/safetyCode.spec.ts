import { accept, byTestId } from '../support/app.js';
import { expect, test, type ChromiumParticipant } from '../support/fixtures.js';
import { establishCall, joinAll, ring } from '../support/scenarios.js';
import { startServer } from '../support/server.js';

/**
 * The safety code of a 1:1 call: the same on both sides in a normal call;
 * different when the signaling path swaps a DTLS fingerprint (a test-only
 * server hook playing the man in the middle).
 */

async function codes(
  baseUrl: string,
  room: string,
  openChromium: (name: string) => Promise<ChromiumParticipant>,
) {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(baseUrl, room, [alice, bob]);
  await establishCall(alice, bob, ids);
  const read = async (p: typeof alice) => {
    await p.ui.waitFor(byTestId('safety-code'), 'visible');
    return p.ui.attribute(byTestId('safety-code'), 'data-code');
  };
  return [await read(alice), await read(bob)] as const;
}

test('Safety codes match on both sides of a normal call', async ({
  server,
  room,
  openChromium,
}) => {
  const [a, b] = await codes(server.url, room, openChromium);
  expect(a).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
  expect(b).toBe(a);
});

test('Safety codes differ when a fingerprint is swapped in transit', async ({
  room,
  openChromium,
}) => {
  const mitm = await startServer({ TEST_REWRITE_FINGERPRINT: '1' });
  try {
    const alice = await openChromium('Alice');
    const bob = await openChromium('Bob');
    await joinAll(mitm.url, room, [alice, bob]);
    // Rung and accepted; DTLS cannot verify the swapped key, so media never starts.
    await ring(alice, bob);
    await accept(bob.ui);
    const read = (p: typeof alice) =>
      p.ui.evaluate(async () => {
        const call = window.__parley?.call as unknown as {
          participants: string[];
          safetyCode(id: string): Promise<string | null>;
        } | null;
        const peer = call?.participants[0];
        return call && peer ? call.safetyCode(peer) : null;
      }, undefined);
    await expect.poll(() => read(alice)).not.toBeNull();
    await expect.poll(() => read(bob)).not.toBeNull();
    expect(await read(alice)).not.toBe(await read(bob));
  } finally {
    await mitm.stop();
  }
});
