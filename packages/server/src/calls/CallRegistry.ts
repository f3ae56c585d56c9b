import { ErrorCode, type CallId, type PeerId, type RoomId } from '@parley/protocol';
import { AppError } from '../errors.js';
import { Call, type CallOutcome } from './Call.js';

export interface InviteResult {
  readonly outcome: CallOutcome;
  /** 'created': a new ringing call; 'glare': the callee was already calling us, so we joined that call. */
  readonly kind: 'created' | 'glare';
}

/**
 * The calls of one room. A member is in at most one call at a time (as a
 * participant or as an invitee), which is what BUSY and INVALID_STATE
 * protect. Pure: ids and time come from the caller.
 */
export class CallRegistry {
  private readonly calls = new Map<CallId, Call>();

  get size(): number {
    return this.calls.size;
  }

  get(id: CallId): Call | undefined {
    return this.calls.get(id);
  }

  /** The call `p` takes part in or is rung for, if any. */
  callOf(p: PeerId): Call | undefined {
    for (const call of this.calls.values()) if (call.isMember(p)) return call;
    return undefined;
  }

  /**
   * `from` calls `to` (both already checked to be members of this room).
   * Glare: if `to` is already ringing `from`, the two invites meet in that
   * one call, which `from` thereby accepts.
   */
  invite(room: RoomId, from: PeerId, to: PeerId, newId: () => CallId, now: number): InviteResult {
    if (from === to) throw new AppError(ErrorCode.PEER_NOT_FOUND, 'cannot call yourself');
    const calleeCall = this.callOf(to);
    if (
      calleeCall &&
      calleeCall.currentState === 'ringing' &&
      calleeCall.initiator === to &&
      calleeCall.isInvited(from)
    ) {
      return { outcome: calleeCall.accept(from), kind: 'glare' };
    }
    if (this.callOf(from)) {
      throw new AppError(ErrorCode.INVALID_STATE, 'already in a call: hang up or answer it first');
    }
    if (calleeCall) {
      throw new AppError(ErrorCode.BUSY, 'the other participant is in another call', true);
    }
    const call = new Call(newId(), room, from, [to], now);
    this.calls.set(call.id, call);
    return {
      outcome: { call: call.info(), over: false, notices: [{ kind: 'incoming', to: [to], from }] },
      kind: 'created',
    };
  }

  /**
   * Apply `change` to the call `id` as seen by member `p`: a stranger gets
   * CALL_NOT_FOUND, exactly as for a call that does not exist, so call ids
   * of other people's calls cannot be probed. Removes the call when over.
   */
  apply(id: CallId, p: PeerId, change: (call: Call) => CallOutcome): CallOutcome {
    const call = this.calls.get(id);
    if (!call || !call.isMember(p)) throw new AppError(ErrorCode.CALL_NOT_FOUND, 'no such call');
    return this.settle(call, change(call));
  }

  /** Ring timeout of call `id`; null if it is gone or no longer ringing anyone. */
  expire(id: CallId): CallOutcome | null {
    const call = this.calls.get(id);
    if (!call || call.info().invited.length === 0) return null;
    return this.settle(call, call.expire());
  }

  /** `p` left the room or disconnected: end or shrink its call. */
  depart(p: PeerId, reason: 'left' | 'disconnected'): CallOutcome[] {
    const out: CallOutcome[] = [];
    for (const call of [...this.calls.values()]) {
      const outcome = call.depart(p, reason);
      if (outcome) out.push(this.settle(call, outcome));
    }
    return out;
  }

  private settle(call: Call, outcome: CallOutcome): CallOutcome {
    if (outcome.over) this.calls.delete(call.id);
    return outcome;
  }
}
