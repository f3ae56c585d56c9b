import type { PeerConnection } from '@parley/protocol';

/**
 * A participant's life in a room, as the server sees it:
 *
 *   connected --drop--> reconnecting --resume--> connected
 *   connected --leave--> left
 *   reconnecting --leave | expire--> left
 *   connected --resume--> connected   (a new socket replaces one the server
 *                                      had not yet seen die)
 *
 * 'left' is terminal (the participant is removed from the room); anything
 * not in the table is refused, so e.g. a late grace timer can never remove
 * a member who came back.
 */
export type ParticipantState = PeerConnection | 'left';
export type ParticipantEvent = 'drop' | 'resume' | 'leave' | 'expire';

export const PARTICIPANT_TRANSITIONS: Readonly<
  Record<ParticipantState, Readonly<Partial<Record<ParticipantEvent, ParticipantState>>>>
> = {
  connected: { drop: 'reconnecting', resume: 'connected', leave: 'left' },
  reconnecting: { resume: 'connected', leave: 'left', expire: 'left' },
  left: {},
};

/** The next state, or null when `event` is not legal in `state`. */
export function nextParticipantState(
  state: ParticipantState,
  event: ParticipantEvent,
): ParticipantState | null {
  return PARTICIPANT_TRANSITIONS[state][event] ?? null;
}
