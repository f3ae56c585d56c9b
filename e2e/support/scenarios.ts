import {
  accept,
  byTestId,
  callParticipant,
  enterRoom,
  waitForActiveCall,
  waitForCallState,
  waitForIncomingCall,
  waitForOutgoingCall,
  waitForParticipant,
  type RoomLinkOptions,
} from './app.js';
import type { UiDriver } from './driver.js';
import type { Participant } from './fixtures.js';

/**
 * Everyone joins `room` through the lobby, then waits until they see every
 * other participant listed. Returns each participant's peer id, checked to be
 * the same in every other participant's list.
 */
export async function joinAll(
  baseUrl: string,
  room: string,
  participants: readonly Participant[],
  options: Omit<RoomLinkOptions, 'name'> = {},
): Promise<Record<string, string>> {
  for (const p of participants) await enterRoom(p.ui, baseUrl, room, p.name, options);
  const ids: Record<string, string> = {};
  for (const observer of participants) {
    for (const other of participants) {
      if (other === observer) continue;
      const id = await waitForParticipant(observer.ui, other.name);
      const known = ids[other.name];
      if (known !== undefined && known !== id) {
        throw new Error(`${other.name} has peer id ${known} for one and ${id} for another`);
      }
      ids[other.name] = id;
    }
  }
  return ids;
}

export function peerId(ids: Record<string, string>, name: string): string {
  const id = ids[name];
  if (id === undefined) throw new Error(`no peer id for ${name}`);
  return id;
}

/** Caller rings callee through the UI; the callee sees the incoming call (not yet accepted). */
export async function ring(caller: Participant, callee: Participant): Promise<void> {
  await callParticipant(caller.ui, callee.name);
  await waitForOutgoingCall(caller.ui);
  await waitForCallState(caller.ui, 'ringing-out');
  await waitForIncomingCall(callee.ui, caller.name);
  await waitForCallState(callee.ui, 'ringing-in');
}

/** Ring, accept, and wait until both sides show the active call with the other's video element. */
export async function establishCall(
  caller: Participant,
  callee: Participant,
  ids: Record<string, string>,
): Promise<void> {
  await ring(caller, callee);
  await accept(callee.ui);
  await waitForActiveCall(caller.ui, peerId(ids, callee.name));
  await waitForActiveCall(callee.ui, peerId(ids, caller.name));
}

/**
 * The remote-video element of `peerId` (or the <video> inside it) has a
 * decoded picture and is playing: what the user actually sees.
 */
export async function waitForRemoteVideoPlaying(
  ui: UiDriver,
  remotePeerId: string,
  timeoutMs = 20_000,
): Promise<{ width: number; height: number }> {
  const selector = `${byTestId('remote-video')}[data-peer-id=${JSON.stringify(remotePeerId)}]`;
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    last = await ui.evaluate((sel) => {
      const host = document.querySelector(sel);
      const video = host instanceof HTMLVideoElement ? host : host?.querySelector('video');
      if (!video) return null;
      return {
        width: video.videoWidth,
        height: video.videoHeight,
        paused: video.paused,
        readyState: video.readyState,
      };
    }, selector);
    const v = last as { width: number; height: number; paused: boolean; readyState: number } | null;
    if (v && v.width > 0 && v.height > 0 && !v.paused && v.readyState >= 2) {
      return { width: v.width, height: v.height };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${ui.label}: remote video not playing (${JSON.stringify(last)})`);
}
