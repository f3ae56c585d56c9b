import { ErrorCode } from '@parley/protocol';
import { ParleyError } from './errors.js';

/**
 * The client's place in a room:
 *
 *   idle --join--> joining --joined--> joined
 *   joining --failed--> idle
 *   joining --waiting room--> waiting --admitted--> joined | --denied/left--> idle
 *   joined --drop--> reconnecting --resumed--> joined
 *   reconnecting --lost--> lost          (gave up, or the server ended the session)
 *   lost --join--> joining                (the user retries)
 *   joined | reconnecting | joining --leave--> idle
 *
 * While 'reconnecting' the room, its members and the call (its peer
 * connections, its media) are kept: only signaling is down.
 */
export type SessionState = 'idle' | 'joining' | 'waiting' | 'joined' | 'reconnecting' | 'lost';

export const SESSION_TRANSITIONS: Readonly<Record<SessionState, readonly SessionState[]>> = {
  idle: ['joining'],
  joining: ['joined', 'waiting', 'idle'],
  /** In the waiting room: a host admits us (joined) or not (idle). */
  waiting: ['joined', 'idle'],
  joined: ['reconnecting', 'idle'],
  reconnecting: ['joined', 'lost', 'idle'],
  lost: ['joining', 'idle'],
};

export class SessionStateMachine {
  #state: SessionState = 'idle';

  get state(): SessionState {
    return this.#state;
  }

  can(to: SessionState): boolean {
    return SESSION_TRANSITIONS[this.#state].includes(to);
  }

  /** Move to `to`; returns the previous state. Throws INVALID_STATE for an illegal move. */
  transition(to: SessionState): SessionState {
    const prev = this.#state;
    if (prev === to) return prev;
    if (!this.can(to)) {
      throw new ParleyError(
        ErrorCode.INVALID_STATE,
        `Illegal session transition: ${prev} -> ${to}`,
      );
    }
    this.#state = to;
    return prev;
  }
}
