import { accept, byTestId, waitForCallState, waitForEndReason } from '../support/app.js';
import type { UiDriver } from '../support/driver.js';
import { expect, test } from '../support/fixtures.js';
import { metric } from '../support/metrics.js';
import { readPcProbe } from '../support/pcProbe.js';
import { sleep } from '../support/resilience.js';
import { joinAll, peerId, ring } from '../support/scenarios.js';
import { armFirstFrameProbe, expectMediaFlowing, waitForFirstFrame } from '../support/stats.js';

/**
 * Instant answer: while a call rings, caller and callee already have a
 * connected peer connection (ICE + DTLS done) on which neither sends any
 * media; the accept puts the tracks on it (replaceTrack, no renegotiation)
 * and media flows at once. Decline, cancel and the ring timeout leave no
 * peer connection behind.
 */

test.use({ serverEnv: { RING_TIMEOUT_MS: '5000' } });

interface WireState {
  readonly pcs: number;
  readonly open: number;
  readonly dtlsConnected: number;
  /** RTP packets with media sent / received, audio and video, over every connection. */
  readonly mediaPacketsSent: number;
  readonly mediaPacketsReceived: number;
}

/** What every peer connection of the page has on the wire, from getStats. */
function wireState(ui: UiDriver): Promise<WireState> {
  return ui.evaluate(async () => {
    const pcs = window.__e2ePcProbe?.pcs ?? [];
    let open = 0;
    let dtlsConnected = 0;
    let sent = 0;
    let received = 0;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      open += 1;
      const report = await pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s['type'] === 'transport' && s['dtlsState'] === 'connected') dtlsConnected += 1;
        if (s['type'] === 'outbound-rtp') sent += Number(s['packetsSent'] ?? 0);
        if (s['type'] === 'inbound-rtp') received += Number(s['packetsReceived'] ?? 0);
      });
    }
    return {
      pcs: pcs.length,
      open,
      dtlsConnected,
      mediaPacketsSent: sent,
      mediaPacketsReceived: received,
    };
  }, undefined);
}

async function allClosed(ui: UiDriver, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snapshot = await readPcProbe(ui);
    if (snapshot.connections.every((c) => c.connectionState === 'closed')) return;
    if (Date.now() > deadline) {
      throw new Error(`${ui.label}: peer connections left open: ${JSON.stringify(snapshot)}`);
    }
    await sleep(100);
  }
}

test('While it rings both sides are connected and send nothing; accept brings media at once, with no renegotiation', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(server.url, room, [alice, bob]);
  await armFirstFrameProbe(alice.ui);
  await armFirstFrameProbe(bob.ui);
  await ring(alice, bob);

  // Connected (DTLS done) on both sides while it rings; no RTP with media either way.
  await expect
    .poll(async () => (await wireState(alice.ui)).dtlsConnected, { timeout: 10_000 })
    .toBeGreaterThan(0);
  await expect
    .poll(async () => (await wireState(bob.ui)).dtlsConnected, { timeout: 10_000 })
    .toBeGreaterThan(0);
  await sleep(1000); // a second of ringing: still nothing may flow
  for (const p of [alice, bob]) {
    const wire = await wireState(p.ui);
    expect(wire, `${p.name} while ringing`).toMatchObject({
      open: 1,
      mediaPacketsSent: 0,
      mediaPacketsReceived: 0,
    });
  }
  await expect(bob.page.getByTestId('call-state')).toHaveAttribute('data-state', 'ringing-in');
  const descriptionsBefore = (await readPcProbe(alice.ui)).descriptions;
  const bobDescriptionsBefore = (await readPcProbe(bob.ui)).descriptions;

  await accept(bob.ui);
  const onAlice = await waitForFirstFrame(alice.ui);
  const onBob = await waitForFirstFrame(bob.ui);
  const clickedAt = onBob.acceptClickAt;
  expect(clickedAt).not.toBeNull();
  const callerMs = onAlice.firstFrameAt - (clickedAt ?? 0);
  const calleeMs = onBob.firstFrameAt - (clickedAt ?? 0);
  metric('instant-answer-accept-to-first-frame-ms.caller', callerMs);
  metric('instant-answer-accept-to-first-frame-ms.callee', calleeMs);
  await waitForCallState(alice.ui, 'active');
  await waitForCallState(bob.ui, 'active');
  await expectMediaFlowing(alice.ui, peerId(ids, 'Bob'));
  await expectMediaFlowing(bob.ui, peerId(ids, 'Alice'));
  // The same connection carries the call: no second one, no new offer/answer.
  expect((await readPcProbe(alice.ui)).connections).toHaveLength(1);
  expect((await readPcProbe(bob.ui)).connections).toHaveLength(1);
  expect((await readPcProbe(alice.ui)).descriptions).toBe(descriptionsBefore);
  expect((await readPcProbe(bob.ui)).descriptions).toBe(bobDescriptionsBefore);
});

test('Decline, cancel and the ring timeout leave no peer connection on either side', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(60_000);
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  await joinAll(server.url, room, [alice, bob]);
  const preconnected = async () => {
    await expect
      .poll(async () => (await wireState(alice.ui)).dtlsConnected, { timeout: 10_000 })
      .toBeGreaterThan(0);
  };

  // Declined.
  await ring(alice, bob);
  await preconnected();
  await bob.page.getByTestId('decline-button').click();
  await waitForEndReason(alice.ui, ['declined']);
  await allClosed(alice.ui);
  await allClosed(bob.ui);

  // Cancelled by the caller.
  await ring(alice, bob);
  await preconnected();
  await alice.page.locator(byTestId('cancel-button')).click();
  await waitForEndReason(bob.ui, ['cancelled']);
  await allClosed(alice.ui);
  await allClosed(bob.ui);

  // Nobody answers: the ring timeout ends it on both sides.
  await ring(alice, bob);
  await preconnected();
  await waitForEndReason(alice.ui, ['missed'], 10_000);
  await waitForEndReason(bob.ui, ['missed'], 10_000);
  await allClosed(alice.ui);
  await allClosed(bob.ui);
  for (const p of [alice, bob]) {
    const wire = await wireState(p.ui);
    expect(wire.pcs, `${p.name}: one pre-connection per ring`).toBe(3);
    expect(wire.open).toBe(0);
  }
});
