import { expect, test } from '../support/fixtures.js';
import { iceRestartsOf } from '../support/mediaTimeline.js';
import { metric } from '../support/metrics.js';
import { readPcProbe } from '../support/pcProbe.js';
import { callPair } from '../support/resilience.js';
import { expectMediaFlowing } from '../support/stats.js';

/**
 * An answer lost during an ICE restart (the server's test hook drops the
 * second answer it relays: the first is the call's own): the offerer rolls
 * its unanswered offer back (perfect negotiation's rollback) and restarts
 * again; that restart completes and no connection stays in have-local-offer.
 */

test.use({ serverEnv: { TEST_DROP_ANSWER: '2' } });

test('A lost answer during an ICE restart: rolled back, the next restart completes', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(60_000);
  const { alice, bob, aliceId, bobId } = await callPair(openChromium, server.url, room);
  const restartedAt = Date.now();
  await alice.ui.evaluate(() => {
    const call = window.__parley?.call as unknown as { restartIce(): void } | null;
    call?.restartIce();
  }, undefined);

  // The first restart's answer never comes: the offer waits, then is rolled back and made again.
  await expect
    .poll(() => iceRestartsOf(alice.ui), { timeout: 20_000, intervals: [200] })
    .toBeGreaterThanOrEqual(2);
  await expect
    .poll(
      async () => {
        const [a, b] = [await readPcProbe(alice.ui), await readPcProbe(bob.ui)];
        return [...a.connections, ...b.connections].map((c) => c.signalingState);
      },
      { timeout: 15_000 },
    )
    .toEqual(['stable', 'stable']);
  metric('lost-answer-restart-completed-ms', Date.now() - restartedAt);

  const trace = await alice.ui.evaluate(() => window.__e2ePcProbe?.trace ?? [], undefined);
  expect(trace.some((line) => line.includes('setLocalDescription(rollback'))).toBe(true);
  // The completed restart gave new ICE credentials on both ends, and media flows over them.
  const ufrags = await alice.ui.evaluate(() => {
    const pc = window.__e2ePcProbe?.pcs[0];
    const of = (sdp: string | undefined) => /a=ice-ufrag:(\S+)/.exec(sdp ?? '')?.[1] ?? null;
    return { local: of(pc?.localDescription?.sdp), remote: of(pc?.remoteDescription?.sdp) };
  }, undefined);
  expect(ufrags.local).not.toBeNull();
  expect(trace.filter((l) => l.includes(`local=${ufrags.local ?? ''}`)).length).toBeGreaterThan(0);
  await expectMediaFlowing(alice.ui, bobId);
  await expectMediaFlowing(bob.ui, aliceId);
  expect(server.output()).toContain('TEST_DROP_ANSWER: dropping this answer');
});
