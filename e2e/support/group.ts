import {
  accept,
  byTestId,
  join,
  openLobby,
  participantSelector,
  waitForCallState,
  waitForIncomingCall,
  type RoomLinkOptions,
} from './app.js';
import type { UiDriver } from './driver.js';
import type { ChromiumParticipant } from './fixtures.js';

/**
 * Page object for group calls, screen share and chat (issue 5 test ids of
 * the README contract). Like app.ts it only clicks and reads what a user
 * would; the SDK is read (never driven) for stats and cross-checks.
 */

/** Small camera picture and frame rate: five pages of the mesh share two cores. */
export const SMALL_VIDEO = '160x120@10';

/** Fake capture devices at 10 fps (cameras and the fake screen alike). */
export const GROUP_CHROMIUM_OPTIONS = { fakeFps: 10 } as const;

const quote = (value: string) => JSON.stringify(value);

export const tileSelector = (peerId: string) =>
  `${byTestId('tile')}[data-peer-id=${quote(peerId)}]`;

export const screenVideoSelector = (peerId: string) =>
  `${byTestId('screen-video')}[data-peer-id=${quote(peerId)}]`;

/** Enter through the lobby, ticking "join the call on entry" first (a meeting room). */
export async function enterMeetingRoom(
  ui: UiDriver,
  page: ChromiumParticipant['page'],
  baseUrl: string,
  room: string,
  name: string,
  options: Omit<RoomLinkOptions, 'name'> = {},
): Promise<void> {
  await openLobby(ui, baseUrl, room, { ...options, name });
  await page.getByTestId('join-on-entry').check();
  await join(ui);
}

/**
 * Ring `name` into the call we are in: the participant row's invite button
 * (the README allows the plain call button to double as it).
 */
export async function inviteIntoCall(p: ChromiumParticipant, name: string): Promise<void> {
  const row = p.page.locator(participantSelector(name));
  const invite = row.getByTestId('invite-button');
  if ((await invite.count()) > 0) await invite.click();
  else await row.getByTestId('call-button').click();
}

/** `callee` sees `caller` ringing, accepts, and gets to the active call. */
export async function acceptFrom(callee: ChromiumParticipant, callerName: string): Promise<void> {
  await waitForIncomingCall(callee.ui, callerName);
  await accept(callee.ui);
  await waitForCallState(callee.ui, 'active');
}

/** Join the room's ongoing call with the join-call button (no ringing). */
export async function joinRoomCall(p: ChromiumParticipant): Promise<void> {
  await p.page.getByTestId('join-call-button').click();
  await waitForCallState(p.ui, 'active');
}

/** Every peer in `present` has a tile, and every peer in `absent` has none. */
export async function expectTiles(
  p: ChromiumParticipant,
  present: readonly string[],
  absent: readonly string[] = [],
  timeoutMs = 20_000,
): Promise<void> {
  for (const id of present) await p.ui.waitFor(tileSelector(id), 'visible', timeoutMs);
  for (const id of absent) await p.ui.waitFor(tileSelector(id), 'detached', timeoutMs);
}

/** The SDK's list of other participants of our call, sorted. */
export function callParticipants(ui: UiDriver): Promise<string[] | null> {
  return ui.evaluate(() => {
    const call = window.__parley?.call;
    return call ? [...call.participants].sort() : null;
  }, undefined);
}

/**
 * Emulate the browser's own "Stop sharing" bar: the capture ends, which
 * stops the track and fires `ended` on it (track.stop() alone fires nothing).
 */
export function endScreenCaptureLikeBrowser(ui: UiDriver): Promise<boolean> {
  return ui.evaluate(() => {
    const stream = window.__parley?.media.screenStream ?? null;
    if (!stream) return false;
    for (const track of stream.getTracks()) {
      track.stop();
      track.dispatchEvent(new Event('ended'));
    }
    return true;
  }, undefined);
}

export async function sendChat(p: ChromiumParticipant, text: string): Promise<void> {
  await p.page.getByTestId('chat-input').fill(text);
  await p.page.getByTestId('chat-send').click();
}

/** Open the chat panel (if closed) with the chat toggle. */
export async function openChat(p: ChromiumParticipant): Promise<void> {
  if (await p.page.getByTestId('chat-panel').isVisible()) return;
  await p.page.getByTestId('chat-toggle').click();
  await p.page.getByTestId('chat-panel').waitFor({ state: 'visible' });
}

export interface ShownMessage {
  readonly from: string | null;
  readonly author: string;
  readonly text: string;
}

/** The messages in the chat panel, in display order. */
export async function shownMessages(p: ChromiumParticipant): Promise<ShownMessage[]> {
  return p.page.getByTestId('chat-message').evaluateAll((els) =>
    els.map((el) => ({
      from: el.getAttribute('data-from'),
      author: el.querySelector('[data-testid="chat-author"]')?.textContent?.trim() ?? '',
      text: el.querySelector('[data-testid="chat-text"]')?.textContent ?? '',
    })),
  );
}
