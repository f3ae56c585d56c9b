import { byTestId, participantSelector, roomUrl, waitForCallState } from './app.js';
import type { ChromiumParticipant } from './fixtures.js';
import { startTimeline } from './mediaTimeline.js';
import { establishCall, joinAll, peerId } from './scenarios.js';
import { expectMediaFlowing } from './stats.js';

/**
 * Shared set-up of the fault specs: a 1:1 call through the web app with
 * media proven to flow and the media timeline running on both sides.
 */

/** A small picture at 20 fps: frame gaps are measured at 100 ms, cheaply. */
export const FAULT_VIDEO = '320x180@20';

/** The session secret the fault specs give every server they (re)start. */
export const FAULT_SESSION_SECRET = 'e2e-fault-specs-session-secret-0123456789abcdef';

export interface CallPair {
  readonly alice: ChromiumParticipant;
  readonly bob: ChromiumParticipant;
  readonly ids: Record<string, string>;
  readonly aliceId: string;
  readonly bobId: string;
}

export async function callPair(
  openChromium: (name: string) => Promise<ChromiumParticipant>,
  baseUrl: string,
  room: string,
): Promise<CallPair> {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const ids = await joinAll(baseUrl, room, [alice, bob], { video: FAULT_VIDEO });
  await establishCall(alice, bob, ids);
  const aliceId = peerId(ids, 'Alice');
  const bobId = peerId(ids, 'Bob');
  await expectMediaFlowing(alice.ui, bobId);
  await expectMediaFlowing(bob.ui, aliceId);
  await startTimeline(alice.ui);
  await startTimeline(bob.ui);
  return { alice, bob, ids, aliceId, bobId };
}

/** `viewer` lists `name` once, as connected, and shows no reconnecting banner; the call is active. */
export async function backInRoomAndCall(
  viewer: ChromiumParticipant,
  name: string,
  timeoutMs: number,
): Promise<void> {
  await viewer.ui.waitFor(
    `${participantSelector(name)}[data-connection="connected"]`,
    'visible',
    timeoutMs,
  );
  await viewer.ui.waitFor(byTestId('connection-banner'), 'detached', timeoutMs);
  await waitForCallState(viewer.ui, 'active', timeoutMs);
}

export async function participantCount(viewer: ChromiumParticipant): Promise<number> {
  return viewer.ui.count(byTestId('participant'));
}

export { roomUrl };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
