import { ErrorCode, type CallId, type PeerId, type RoomId } from '@parley/protocol';
import { AppError } from '../errors.js';
import { Call, type CallOutcome, type CallSnapshot } from './Call.js';

export interface InviteResult {
  readonly outcome: CallOutcome;
  /**
   * 'created': a new ringing call; 'rung': the callee was rung into the
   * room's ongoing call; 'glare': the callee was already ringing us, so the
   * invite answered that call.
   */
  readonly kind: 'created' | 'rung' | 'glare';
}

export interface CallRegistryOptions {
  /** MESH_MAX_PARTICIPANTS: participants plus ringing invitees. */
  readonly maxMembers: number;
  /** The room's joinCallOnEntry option (a meeting link: no ringing). */
  readonly joinOnEntry: boolean;
}

/**
 * The call of one room: a room has at most one call at a time, which every
 * member can see and join; a member is thus in at most one call. Pure: ids
 * and time come from the caller.
 *
 * In a joinCallOnEntry room, members who want to be in the call while none
 * exists (the first to enter, or the one left alone when the call ended
 * under them) wait in `waiting`; the next member to enter starts the call
 * with them. Hanging up is a choice to leave the call, so whoever hangs up
 * does not wait (they can `call:join` the next call, or ring someone).
 */
/** A room's call state as a shared store keeps it (JSON). */
export interface CallRegistrySnapshot {
  readonly call: CallSnapshot | null;
  readonly waiting: readonly PeerId[];
  readonly maxMembers: number;
  readonly joinOnEntry: boolean;
}

export class CallRegistry {
  private call: Call | undefined;
  /** Made when someone first waits (an empty Set is ~150 bytes, one per room). */
  private waiting: Set<PeerId> | null = null;
  readonly maxMembers: number;
  private joinOnEntry: boolean;

  constructor(options: CallRegistryOptions) {
    this.maxMembers = options.maxMembers;
    this.joinOnEntry = options.joinOnEntry;
  }

  snapshot(): CallRegistrySnapshot {
    return {
      call: this.call?.snapshot() ?? null,
      waiting: this.waitingMembers(),
      maxMembers: this.maxMembers,
      joinOnEntry: this.joinOnEntry,
    };
  }

  static fromSnapshot(s: CallRegistrySnapshot): CallRegistry {
    const registry = new CallRegistry({ maxMembers: s.maxMembers, joinOnEntry: s.joinOnEntry });
    if (s.call) registry.call = Call.fromSnapshot(s.call);
    for (const p of s.waiting) registry.wait(p);
    return registry;
  }

  /** The room's settings were restored from a resume token (see Room.adoptClaim). */
  setJoinOnEntry(joinOnEntry: boolean): void {
    this.joinOnEntry = joinOnEntry;
  }

  /**
   * Put back a call the server lost (restart), as its members' resume tokens
   * describe it: active, with the given participants. Only when the room
   * has no call (a room has at most one).
   */
  restore(call: Call): boolean {
    if (this.call) return false;
    this.call = call;
    this.waiting = null;
    return true;
  }

  get size(): number {
    return this.call ? 1 : 0;
  }

  /** The room's call, if any. */
  current(): Call | undefined {
    return this.call;
  }

  get(id: CallId): Call | undefined {
    return this.call?.id === id ? this.call : undefined;
  }

  /** The call `p` takes part in or is rung for, if any. */
  callOf(p: PeerId): Call | undefined {
    return this.call?.isMember(p) ? this.call : undefined;
  }

  /** Members waiting for the meeting's call to start (joinCallOnEntry rooms). */
  waitingMembers(): PeerId[] {
    return [...(this.waiting ?? [])];
  }

  private wait(p: PeerId): void {
    (this.waiting ??= new Set()).add(p);
  }

  /**
   * `from` calls `to` (both already checked to be members of this room).
   * - A participant of the room's call rings `to` into it.
   * - Glare: `from` is being rung and calls a participant: that answers the call.
   * - Someone outside the room's call: BUSY when `to` is in it, INVALID_STATE
   *   otherwise (one call per room: join that one instead).
   * - No call: a new ringing call.
   */
  invite(room: RoomId, from: PeerId, to: PeerId, newId: () => CallId, now: number): InviteResult {
    if (from === to) throw new AppError(ErrorCode.PEER_NOT_FOUND, 'cannot call yourself');
    const call = this.call;
    if (call) {
      if (call.isInvited(from) && call.isParticipant(to)) {
        return { outcome: this.settle(call, call.accept(from), []), kind: 'glare' };
      }
      if (call.isParticipant(from)) {
        return { outcome: call.ring(from, to, this.maxMembers), kind: 'rung' };
      }
      if (call.isMember(to)) {
        throw new AppError(ErrorCode.BUSY, 'the other participant is in another call', true);
      }
      throw new AppError(
        ErrorCode.INVALID_STATE,
        call.isInvited(from)
          ? 'you are being rung: answer or decline first'
          : 'this room already has a call: join it instead',
      );
    }
    const created = new Call(newId(), room, from, [to], now);
    this.call = created;
    this.waiting = null;
    return {
      outcome: {
        call: created.info(),
        over: false,
        notices: [{ kind: 'incoming', to: [to], from }],
      },
      kind: 'created',
    };
  }

  /** Room member `p` joins call `id` without being rung (CALL_FULL past the bound). */
  join(id: CallId, p: PeerId): CallOutcome {
    const call = this.get(id);
    if (!call) throw new AppError(ErrorCode.CALL_NOT_FOUND, 'no such call');
    return call.join(p, this.maxMembers);
  }

  /**
   * A member entered the room. In a joinCallOnEntry room it is put in the
   * call: the ongoing one if it has a free seat (if not, it stays out and
   * may `call:join` once a seat frees), or a new active call with whoever
   * waits. Null when nothing changed.
   */
  enter(room: RoomId, p: PeerId, newId: () => CallId, now: number): CallOutcome | null {
    if (!this.joinOnEntry) return null;
    const call = this.call;
    if (call) {
      if (call.size >= this.maxMembers) return null;
      return call.join(p, this.maxMembers);
    }
    if (!this.waiting?.size) {
      this.wait(p);
      return null;
    }
    // At most one member ever waits (see settle), so two always fit.
    const members = [...this.waiting, p];
    this.waiting = null;
    const started = Call.started(newId(), room, members, now);
    this.call = started;
    return {
      call: started.info(),
      over: false,
      notices: [{ kind: 'updated', to: members.filter((m) => m !== p) }],
    };
  }

  /**
   * Apply `change` to the call `id` as seen by member `p`: a stranger gets
   * CALL_NOT_FOUND, exactly as for a call that does not exist. Removes the
   * call when over.
   */
  apply(id: CallId, p: PeerId, change: (call: Call) => CallOutcome): CallOutcome {
    const call = this.get(id);
    if (!call?.isMember(p)) throw new AppError(ErrorCode.CALL_NOT_FOUND, 'no such call');
    const before = call.info().participants;
    return this.settle(
      call,
      change(call),
      before.filter((m) => m !== p),
    );
  }

  /** Ring timeout of `peer` in call `id`; null if the call is gone or `peer` no longer rings. */
  expire(id: CallId, peer: PeerId): CallOutcome | null {
    const call = this.get(id);
    if (!call?.isInvited(peer)) return null;
    const before = call.info().participants;
    return this.settle(call, call.expire([peer]), before);
  }

  /** `p` left the room or disconnected: its part of the call ends. */
  depart(p: PeerId, reason: 'left' | 'disconnected'): CallOutcome | null {
    this.waiting?.delete(p);
    const call = this.call;
    if (!call) return null;
    const before = call.info().participants;
    const outcome = call.depart(p, reason);
    return outcome
      ? this.settle(
          call,
          outcome,
          before.filter((m) => m !== p),
        )
      : null;
  }

  /**
   * Remove the call when over. In a joinCallOnEntry room, the participants
   * whose call ended under them (`stayers`: not the one who hung up or
   * left) wait for the next member, who starts the next call with them.
   */
  private settle(call: Call, outcome: CallOutcome, stayers: readonly PeerId[]): CallOutcome {
    if (!outcome.over) return outcome;
    this.call = undefined;
    if (this.joinOnEntry) for (const m of stayers) this.wait(m);
    return outcome;
  }
}
