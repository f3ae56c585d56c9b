import type { UiDriver } from './driver.js';

/**
 * Page object for the Parley web app. It drives the UI only through the
 * `data-testid`s and URL parameters of the README contract, as a user would
 * click; it never calls the SDK to change state.
 */

export const CALL_STATES = [
  'idle',
  'ringing-out',
  'ringing-in',
  'connecting',
  'active',
  'reconnecting',
  'ended',
] as const;
export type CallUiState = (typeof CALL_STATES)[number];

export type EndReason =
  'declined' | 'busy' | 'missed' | 'cancelled' | 'hung-up' | 'left' | 'disconnected' | 'failed';

export const byTestId = (id: string) => `[data-testid="${id}"]`;

/** Attribute values in selectors: names and ids here are plain, but quote defensively. */
const quote = (value: string) => JSON.stringify(value);

export const participantSelector = (name: string) =>
  `${byTestId('participant')}[data-name=${quote(name)}]`;

export interface RoomLinkOptions {
  readonly name?: string;
  readonly lang?: string;
  readonly relay?: boolean;
  /** `?video=WxH@fps`: a small camera picture so that multi-party specs fit on two cores. */
  readonly video?: string;
}

export function roomUrl(baseUrl: string, room: string, options: RoomLinkOptions = {}): string {
  const url = new URL(`/r/${encodeURIComponent(room)}`, baseUrl);
  if (options.name !== undefined) url.searchParams.set('name', options.name);
  if (options.lang !== undefined) url.searchParams.set('lang', options.lang);
  if (options.relay === true) url.searchParams.set('relay', '1');
  if (options.video !== undefined) url.searchParams.set('video', options.video);
  return url.toString();
}

/** Open the room's lobby from a share link. */
export async function openLobby(
  ui: UiDriver,
  baseUrl: string,
  room: string,
  options: RoomLinkOptions = {},
): Promise<void> {
  await ui.goto(roomUrl(baseUrl, room, options));
  await ui.waitFor(byTestId('join-button'), 'visible');
}

/** Click join and wait until the room view is shown. */
export async function join(ui: UiDriver): Promise<void> {
  await ui.click(byTestId('join-button'));
  await ui.waitFor(byTestId('leave-button'), 'visible');
  await ui.waitFor(byTestId('call-state'), 'attached');
}

export async function enterRoom(
  ui: UiDriver,
  baseUrl: string,
  room: string,
  name: string,
  options: Omit<RoomLinkOptions, 'name'> = {},
): Promise<void> {
  await openLobby(ui, baseUrl, room, { ...options, name });
  await join(ui);
}

/** Wait until `name` is listed among the participants; returns its peer id. */
export async function waitForParticipant(ui: UiDriver, name: string): Promise<string> {
  await ui.waitFor(participantSelector(name), 'visible');
  const peerId = await ui.attribute(participantSelector(name), 'data-peer-id');
  if (peerId === null || peerId === '') {
    throw new Error(`${ui.label}: participant ${name} has no data-peer-id`);
  }
  return peerId;
}

export async function waitForParticipantGone(
  ui: UiDriver,
  name: string,
  timeoutMs?: number,
): Promise<void> {
  await ui.waitFor(participantSelector(name), 'detached', timeoutMs);
}

export async function callParticipant(ui: UiDriver, name: string): Promise<void> {
  await ui.click(`${participantSelector(name)} ${byTestId('call-button')}`);
}

export async function waitForOutgoingCall(ui: UiDriver): Promise<void> {
  await ui.waitFor(byTestId('outgoing-call'), 'visible');
}

export async function waitForIncomingCall(ui: UiDriver, callerName: string): Promise<void> {
  await ui.waitFor(`${byTestId('incoming-call')}[data-caller=${quote(callerName)}]`, 'visible');
}

export const accept = (ui: UiDriver) => ui.click(byTestId('accept-button'));
export const decline = (ui: UiDriver) => ui.click(byTestId('decline-button'));
export const cancel = (ui: UiDriver) => ui.click(byTestId('cancel-button'));
export const hangUp = (ui: UiDriver) => ui.click(byTestId('hangup-button'));

export const callStateSelector = (state: CallUiState) =>
  `${byTestId('call-state')}[data-state=${quote(state)}]`;

export async function waitForCallState(
  ui: UiDriver,
  state: CallUiState,
  timeoutMs?: number,
): Promise<void> {
  await ui.waitFor(callStateSelector(state), 'attached', timeoutMs);
}

/**
 * Wait for the last call to have ended for `reason` (or one of `reason`s).
 * The UI may go back to `idle` right after `ended`; `data-reason` keeps the
 * last end reason, so both states count as "ended for this reason".
 */
export async function waitForEndReason(
  ui: UiDriver,
  reason: EndReason | readonly EndReason[],
  timeoutMs?: number,
): Promise<EndReason> {
  const reasons: readonly EndReason[] = typeof reason === 'string' ? [reason] : reason;
  const anyReason = reasons.map((r) => `[data-reason=${quote(r)}]`).join(',');
  const selector = `${byTestId('call-state')}:is(${anyReason}):is([data-state="ended"],[data-state="idle"])`;
  await ui.waitFor(selector, 'attached', timeoutMs);
  const seen = await ui.attribute(byTestId('call-state'), 'data-reason');
  const match = reasons.find((r) => r === seen);
  if (match === undefined) throw new Error(`${ui.label}: end reason changed to ${seen} meanwhile`);
  return match;
}

export async function callUiState(
  ui: UiDriver,
): Promise<{ state: string | null; reason: string | null }> {
  return {
    state: await ui.attribute(byTestId('call-state'), 'data-state'),
    reason: await ui.attribute(byTestId('call-state'), 'data-reason'),
  };
}

/** Both sides of an accepted call: in-call view, state active, remote video element for the peer. */
export async function waitForActiveCall(ui: UiDriver, remotePeerId: string): Promise<void> {
  await waitForCallState(ui, 'active');
  await ui.waitFor(byTestId('in-call'), 'visible');
  await ui.waitFor(`${byTestId('remote-video')}[data-peer-id=${quote(remotePeerId)}]`, 'attached');
}
