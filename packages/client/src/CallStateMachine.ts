import { ErrorCode, type CallEndReason } from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { PeerSessionState } from './negotiation.js';

/**
 * Local life cycle of one call. A call object is born ringing (out for the
 * caller, in for the callee); 'connecting' once both sides accepted and the
 * peer connections exist; 'active' once media flows; 'reconnecting' while an
 * ICE restart runs; 'ended' (with a reason) is terminal.
 */
export type CallStatus =
  'ringing-out' | 'ringing-in' | 'connecting' | 'active' | 'reconnecting' | 'ended';

/**
 * Legal moves. 'connecting' -> 'reconnecting' covers an ICE restart during
 * the first connection attempt (the path failed before it ever worked).
 */
export const CALL_TRANSITIONS: Readonly<Record<CallStatus, readonly CallStatus[]>> = {
  'ringing-out': ['connecting', 'ended'],
  'ringing-in': ['connecting', 'ended'],
  connecting: ['active', 'reconnecting', 'ended'],
  active: ['reconnecting', 'ended'],
  reconnecting: ['active', 'ended'],
  ended: [],
};

export function canTransition(from: CallStatus, to: CallStatus): boolean {
  return CALL_TRANSITIONS[from].includes(to);
}

/**
 * Holds the state and decides what is legal; the Call owns the policy
 * (when to move) and the events.
 */
export class CallStateMachine {
  #state: CallStatus;
  #endReason: CallEndReason | null = null;

  /** 'connecting' for a call we joined without ringing (joinCall, join-on-entry rooms). */
  constructor(initial: 'ringing-out' | 'ringing-in' | 'connecting') {
    this.#state = initial;
  }

  get state(): CallStatus {
    return this.#state;
  }

  get endReason(): CallEndReason | null {
    return this.#endReason;
  }

  get ended(): boolean {
    return this.#state === 'ended';
  }

  can(to: CallStatus): boolean {
    return canTransition(this.#state, to);
  }

  /** Move to a non-terminal state; returns the previous state. Throws INVALID_STATE. */
  transition(to: Exclude<CallStatus, 'ended'>): CallStatus {
    return this.#move(to);
  }

  /** Move to 'ended' with a reason; returns the previous state. Throws INVALID_STATE. */
  end(reason: CallEndReason): CallStatus {
    const prev = this.#move('ended');
    this.#endReason = reason;
    return prev;
  }

  #move(to: CallStatus): CallStatus {
    const prev = this.#state;
    if (!canTransition(prev, to)) {
      throw new ParleyError(
        ErrorCode.INVALID_STATE,
        `Illegal call state transition: ${prev} -> ${to}`,
      );
    }
    this.#state = to;
    return prev;
  }
}

/**
 * The call state implied by its peer sessions once media setup started:
 * any session recovering -> 'reconnecting'; otherwise any connected ->
 * 'active'; otherwise unchanged. Ringing and ended calls are not affected.
 */
export function callStateFromSessions(
  current: CallStatus,
  sessions: readonly PeerSessionState[],
): CallStatus {
  if (current !== 'connecting' && current !== 'active' && current !== 'reconnecting') {
    return current;
  }
  const live = sessions.filter((s) => s !== 'closed' && s !== 'failed');
  if (live.includes('recovering')) return 'reconnecting';
  if (live.includes('connected')) return 'active';
  return current;
}
