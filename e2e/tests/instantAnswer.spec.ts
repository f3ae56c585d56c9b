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
  /** Frames the video encoders produced (0: an armed camera's encoder is paused). */
  readonly framesEncoded: number;
  /** Senders with a track on them, by kind (the camera may be armed; the microphone never is). */
  readonly audioSenderTracks: number;
  readonly videoSenderTracks: number;
}

/** What every peer connection of the page has on the wire, from getStats. */
function wireState(ui: UiDriver): Promise<WireState> {
  return ui.evaluate(async () => {
    const pcs = window.__e2ePcProbe?.pcs ?? [];
    let open = 0;
    let dtlsConnected = 0;
    let sent = 0;
    let received = 0;
    let encoded = 0;
    let audioTracks = 0;
    let videoTracks = 0;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      open += 1;
      const report = await pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s['type'] === 'transport' && s['dtlsState'] === 'connected') dtlsConnected += 1;
        if (s['type'] === 'outbound-rtp') {
          sent += Number(s['packetsSent'] ?? 0);
          encoded += Number(s['framesEncoded'] ?? 0);
        }
        if (s['type'] === 'inbound-rtp') received += Number(s['packetsReceived'] ?? 0);
      });
      for (const sender of pc.getSenders()) {
        if (sender.track?.kind === 'audio') audioTracks += 1;
        if (sender.track?.kind === 'video') videoTracks += 1;
      }
    }
    return {
      pcs: pcs.length,
      open,
      dtlsConnected,
      mediaPacketsSent: sent,
      mediaPacketsReceived: received,
      framesEncoded: encoded,
      audioSenderTracks: audioTracks,
      videoSenderTracks: videoTracks,
    };
  }, undefined);
}

/**
 * First frame decoded on the other side this soon after the accept: "at
 * once" (a renegotiation round trip or a camera start at accept would take
 * longer on a loaded machine too); the figure itself is a metric.
 */
const MEDIA_AT_ONCE_MS = 500;

/** When `step` first happened in the page's own setup timeline (wall clock, ms). */
async function stepAt(ui: UiDriver, step: string): Promise<number> {
  await expect
    .poll(() =>
      ui.evaluate(
        (s) => window.__parley?.call?.setupTimeline.find((m) => m.step === s)?.at ?? null,
        step,
      ),
    )
    .not.toBeNull();
  return ui.evaluate(
    (s) => window.__parley?.call?.setupTimeline.find((m) => m.step === s)?.at ?? 0,
    step,
  );
}

/** The frame interval of the page's camera as captured (the fake device runs at 20 fps). */
function frameIntervalMs(ui: UiDriver): Promise<number> {
  return ui.evaluate(() => {
    const fps = window.__parley?.media.stream?.getVideoTracks()[0]?.getSettings().frameRate;
    return 1000 / (fps !== undefined && fps > 0 ? fps : 30);
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
    // The camera (already on for the room's preview) is armed on its sender,
    // its encoder paused: nothing encoded, nothing sent; the microphone is
    // not on the connection at all.
    expect(wire, `${p.name} while ringing`).toMatchObject({
      open: 1,
      mediaPacketsSent: 0,
      mediaPacketsReceived: 0,
      framesEncoded: 0,
      audioSenderTracks: 0,
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
  // Media within two frame intervals of the accept: the SDK has each side's
  // media on (the paused camera encoding switched on and the microphone
  // attached, as the browser acknowledges) within two frame intervals of the
  // callee's click, and the caller soon after the server's update. How long the
  // browser then takes to encode, send and decode the first frame is
  // reported (and measured in `npm run bench`); asserted is only that it is
  // "at once": no negotiation round trip, no camera start.
  const calleeOn = (await stepAt(bob.ui, 'sending')) - (await stepAt(bob.ui, 'accept'));
  const callerOn = (await stepAt(alice.ui, 'sending')) - (await stepAt(alice.ui, 'active'));
  const calleeMedia = (await stepAt(alice.ui, 'first-frame')) - (await stepAt(bob.ui, 'accept'));
  const callerMedia = (await stepAt(bob.ui, 'first-frame')) - (await stepAt(alice.ui, 'active'));
  metric('instant-answer-media-on-after-accept-ms.callee', calleeOn);
  metric('instant-answer-media-on-after-accept-ms.caller', callerOn);
  metric('instant-answer-decoded-after-accept-ms.callee-camera', calleeMedia);
  metric('instant-answer-decoded-after-accept-ms.caller-camera', callerMedia);
  expect(calleeOn, "callee's click -> its media on").toBeLessThanOrEqual(
    2 * (await frameIntervalMs(bob.ui)),
  );
  // The caller's page also starts rendering the call view in that task,
  // which can hold the browser's acknowledgement back: twice the allowance.
  expect(callerOn, 'caller told of the accept -> its media on').toBeLessThanOrEqual(
    4 * (await frameIntervalMs(alice.ui)),
  );
  expect(calleeMedia, "callee's camera decoded by the caller").toBeLessThan(MEDIA_AT_ONCE_MS);
  expect(callerMedia, "caller's camera decoded by the callee").toBeLessThan(MEDIA_AT_ONCE_MS);
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

test('Firefox and Chromium: while it rings neither sends anything; accept brings media both ways', async ({
  server,
  room,
  openChromium,
  openFirefox,
}) => {
  // Firefox answers here: its camera is armed on a transceiver it turned
  // around, the path where a browser that ignored `active: false` would leak.
  const alice = await openChromium('Alice');
  const bob = await openFirefox('Bob');
  const ids = await joinAll(server.url, room, [alice, bob]);
  await ring(alice, bob);
  for (const p of [alice, bob]) {
    await expect
      .poll(async () => (await wireState(p.ui)).dtlsConnected, { timeout: 15_000 })
      .toBeGreaterThan(0);
  }
  await sleep(1000);
  for (const p of [alice, bob]) {
    expect(await wireState(p.ui), `${p.name} while ringing`).toMatchObject({
      open: 1,
      mediaPacketsSent: 0,
      mediaPacketsReceived: 0,
      framesEncoded: 0,
      audioSenderTracks: 0,
    });
  }
  await accept(bob.ui);
  await waitForCallState(alice.ui, 'active');
  await waitForCallState(bob.ui, 'active');
  await expectMediaFlowing(alice.ui, peerId(ids, 'Bob'));
  await expectMediaFlowing(bob.ui, peerId(ids, 'Alice'));
  expect((await readPcProbe(alice.ui)).connections).toHaveLength(1);
  expect((await readPcProbe(bob.ui)).connections).toHaveLength(1);
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
