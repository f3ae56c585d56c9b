import {
  ErrorCode,
  type CallEndReason,
  type CallId,
  type CallInfo,
  type CallState,
  type PeerId,
  type RoomId,
} from '@parley/protocol';
import { AppError } from '../errors.js';

/**
 * A call between members of one room (a full-mesh group call), and its
 * state machine.
 *
 * Members are in one of two sets: `participants` (started, accepted or
 * joined the call) and `invited` (ringing). Both count toward the size
 * bound (MESH_MAX_PARTICIPANTS): a ringing invitee holds a seat, so an
 * answer can never overfill the call. States:
 *
 *   ringing --accept | join--> active
 *   ringing --decline | cancel | expire | depart--> (over)
 *   active  --ring--> active (one more invitee)
 *   active  --hangup | depart | decline | expire--> (over when fewer than 2
 *           remain and nobody rings)
 *
 * Every change returns a CallOutcome: the call after the change, whether it
 * is over (the caller must then remove it) and who must be told what.
 */

export type CallAction = 'accept' | 'decline' | 'cancel' | 'hangup';
type Role = 'initiator' | 'participant' | 'invited';

/** Who may do what, in which state. Anything else is INVALID_STATE. */
const RULES: Record<CallAction, { roles: readonly Role[]; states: readonly CallState[] }> = {
  accept: { roles: ['invited'], states: ['ringing', 'active'] },
  decline: { roles: ['invited'], states: ['ringing', 'active'] },
  cancel: { roles: ['initiator'], states: ['ringing'] },
  hangup: { roles: ['initiator', 'participant'], states: ['active'] },
};

/** A notification the outcome asks to deliver. */
export type CallNotice =
  | { readonly kind: 'incoming'; readonly to: readonly PeerId[]; readonly from: PeerId }
  | { readonly kind: 'updated'; readonly to: readonly PeerId[] }
  | {
      readonly kind: 'ended';
      readonly to: readonly PeerId[];
      readonly reason: CallEndReason;
      readonly by?: PeerId;
    };

export interface CallOutcome {
  /** The call after the change. */
  readonly call: CallInfo;
  /** The call is over and must be removed from its registry. */
  readonly over: boolean;
  readonly notices: readonly CallNotice[];
  /**
   * This change made a ringing call active: its setup succeeded (metrics:
   * call setups by outcome). Set here, where the state before the change
   * is still known.
   */
  readonly answered?: true;
}

/** A call as a shared store keeps it (JSON). */
export interface CallSnapshot {
  readonly id: CallId;
  readonly room: RoomId;
  readonly initiator: PeerId;
  readonly createdAt: number;
  readonly state: CallState;
  readonly participants: readonly PeerId[];
  readonly invited: readonly PeerId[];
}

export class Call {
  private state: CallState = 'ringing';
  private readonly participants = new Set<PeerId>();
  private readonly invited = new Set<PeerId>();

  /**
   * A call that starts with everyone already in it (a joinCallOnEntry room):
   * active at once, nobody rings.
   */
  static started(
    id: CallId,
    room: RoomId,
    participants: readonly PeerId[],
    createdAt: number,
  ): Call {
    const [first, ...rest] = participants;
    if (first === undefined || rest.length === 0) {
      throw new Error('a started call needs at least two participants');
    }
    const call = new Call(id, room, first, rest, createdAt);
    for (const p of rest) call.accept(p);
    return call;
  }

  /**
   * A call rebuilt from resume tokens after a server restart: active, with
   * `participants` (the returning member and those it shared the call with).
   */
  static restored(
    id: CallId,
    room: RoomId,
    initiator: PeerId,
    participants: readonly PeerId[],
    createdAt: number,
  ): Call {
    const others = participants.filter((p) => p !== initiator);
    if (new Set(participants).size < 2 || others.length === 0) {
      throw new Error('a restored call needs at least two participants');
    }
    const call = new Call(id, room, initiator, others, createdAt);
    // The initiator may have left: it still starts the rebuilt call, then drops out.
    for (const p of others) call.accept(p);
    if (!participants.includes(initiator)) call.participants.delete(initiator);
    return call;
  }

  /**
   * A participant of the lost call came back after the call was rebuilt
   * without it: its seat is given back (it held one, so no CALL_FULL).
   */
  restoreParticipant(p: PeerId): CallOutcome {
    this.invited.delete(p);
    this.participants.add(p);
    return {
      call: this.info(),
      over: false,
      notices: [{ kind: 'updated', to: this.othersThan(p) }],
    };
  }

  constructor(
    readonly id: CallId,
    readonly room: RoomId,
    readonly initiator: PeerId,
    invitees: readonly PeerId[],
    readonly createdAt: number,
  ) {
    if (invitees.length === 0) throw new Error('a call needs at least one invitee');
    if (invitees.includes(initiator)) throw new Error('the initiator cannot invite itself');
    this.participants.add(initiator);
    for (const p of invitees) this.invited.add(p);
  }

  snapshot(): CallSnapshot {
    return {
      id: this.id,
      room: this.room,
      initiator: this.initiator,
      createdAt: this.createdAt,
      state: this.state,
      participants: [...this.participants],
      invited: [...this.invited],
    };
  }

  /** The call exactly as `snapshot()` recorded it (no checks: the store wrote it). */
  static fromSnapshot(s: CallSnapshot): Call {
    const call = Object.create(Call.prototype) as Call;
    const fields = call as unknown as {
      id: CallId;
      room: RoomId;
      initiator: PeerId;
      createdAt: number;
      state: CallState;
      participants: Set<PeerId>;
      invited: Set<PeerId>;
    };
    fields.id = s.id;
    fields.room = s.room;
    fields.initiator = s.initiator;
    fields.createdAt = s.createdAt;
    fields.state = s.state;
    fields.participants = new Set(s.participants);
    fields.invited = new Set(s.invited);
    return call;
  }

  get currentState(): CallState {
    return this.state;
  }

  isMember(p: PeerId): boolean {
    return this.participants.has(p) || this.invited.has(p);
  }

  isParticipant(p: PeerId): boolean {
    return this.participants.has(p);
  }

  isInvited(p: PeerId): boolean {
    return this.invited.has(p);
  }

  /** Participants and invited, participants first. */
  members(): PeerId[] {
    return [...this.participants, ...this.invited];
  }

  /** Seats taken: participants plus those still ringing. */
  get size(): number {
    return this.participants.size + this.invited.size;
  }

  info(): CallInfo {
    return {
      id: this.id,
      room: this.room,
      initiator: this.initiator,
      state: this.state,
      participants: [...this.participants],
      invited: [...this.invited],
      createdAt: this.createdAt,
    };
  }

  /** Throws CALL_NOT_FOUND for a stranger, INVALID_STATE for a member who may not do this now. */
  assertAllowed(action: CallAction, p: PeerId): void {
    if (!this.isMember(p)) {
      throw new AppError(ErrorCode.CALL_NOT_FOUND, 'no such call');
    }
    const rule = RULES[action];
    const roles = this.rolesOf(p);
    if (!rule.roles.some((r) => roles.includes(r))) {
      throw new AppError(
        ErrorCode.INVALID_STATE,
        `cannot ${action}: only ${rule.roles.join(' or ')} members may`,
      );
    }
    if (!rule.states.includes(this.state)) {
      throw new AppError(ErrorCode.INVALID_STATE, `cannot ${action} a call that is ${this.state}`);
    }
  }

  accept(p: PeerId): CallOutcome {
    this.assertAllowed('accept', p);
    const answered = this.state === 'ringing';
    this.invited.delete(p);
    this.participants.add(p);
    this.state = 'active';
    return {
      call: this.info(),
      over: false,
      notices: [{ kind: 'updated', to: this.othersThan(p) }],
      ...(answered ? { answered: true } : {}),
    };
  }

  /**
   * Participant `by` rings `to` into this call. `to` holds a seat while it
   * rings, so CALL_FULL when that would take more than `maxMembers`.
   */
  ring(by: PeerId, to: PeerId, maxMembers: number): CallOutcome {
    if (!this.participants.has(by)) {
      throw new AppError(ErrorCode.INVALID_STATE, 'only participants may ring others in');
    }
    if (by === to) throw new AppError(ErrorCode.PEER_NOT_FOUND, 'cannot call yourself');
    if (this.invited.has(to)) {
      throw new AppError(ErrorCode.INVALID_STATE, 'that participant is already being rung');
    }
    if (this.participants.has(to)) {
      throw new AppError(ErrorCode.INVALID_STATE, 'that participant is already in this call');
    }
    this.assertSeat(maxMembers);
    this.invited.add(to);
    return {
      call: this.info(),
      over: false,
      notices: [
        { kind: 'incoming', to: [to], from: by },
        { kind: 'updated', to: this.othersThan(by) },
      ],
    };
  }

  /**
   * `p`, a member of the room, joins without being rung. For an invitee
   * this is the same as accepting (its seat is already held).
   */
  join(p: PeerId, maxMembers: number): CallOutcome {
    if (this.invited.has(p)) return this.accept(p);
    if (this.participants.has(p)) {
      throw new AppError(ErrorCode.INVALID_STATE, 'already in this call');
    }
    this.assertSeat(maxMembers);
    const wasRinging = this.state === 'ringing';
    this.participants.add(p);
    if (this.participants.size >= 2) this.state = 'active';
    return {
      call: this.info(),
      over: false,
      notices: [{ kind: 'updated', to: this.othersThan(p) }],
      ...(wasRinging && this.state === 'active' ? { answered: true } : {}),
    };
  }

  decline(p: PeerId): CallOutcome {
    this.assertAllowed('decline', p);
    this.invited.delete(p);
    return this.settle('declined', p);
  }

  cancel(p: PeerId): CallOutcome {
    this.assertAllowed('cancel', p);
    // Cancelling ends the call for everyone who is still ringing.
    const notify = this.members().filter((m) => m !== p);
    this.invited.clear();
    this.participants.clear();
    return {
      call: this.info(),
      over: true,
      notices: [{ kind: 'ended', to: notify, reason: 'cancelled', by: p }],
    };
  }

  hangup(p: PeerId): CallOutcome {
    this.assertAllowed('hangup', p);
    this.participants.delete(p);
    return this.settle('hung-up', p);
  }

  /** A member left the room or lost its connection; null if `p` is not a member. */
  depart(p: PeerId, reason: 'left' | 'disconnected'): CallOutcome | null {
    if (!this.isMember(p)) return null;
    this.participants.delete(p);
    this.invited.delete(p);
    return this.settle(reason, p);
  }

  /**
   * Nobody answered in time: the given invitees (default: all) stop ringing.
   * Each invitee has its own ring timer, so one rung late still gets the
   * full ring time.
   */
  expire(who: readonly PeerId[] = [...this.invited]): CallOutcome {
    const missed = who.filter((p) => this.invited.has(p));
    for (const p of missed) this.invited.delete(p);
    if (this.isOver()) {
      const notify = [...this.participants, ...missed];
      this.participants.clear();
      return {
        call: this.info(),
        over: true,
        notices: [{ kind: 'ended', to: notify, reason: 'missed' }],
      };
    }
    // A group call that is already active goes on; only the unanswered invitees drop out.
    return {
      call: this.info(),
      over: false,
      notices: [
        { kind: 'ended', to: missed, reason: 'missed' },
        { kind: 'updated', to: [...this.participants] },
      ],
    };
  }

  /**
   * After `by` dropped out: the call is over when nobody who started or
   * accepted it remains, or when fewer than two remain and nobody rings.
   */
  private settle(reason: CallEndReason, by: PeerId): CallOutcome {
    if (this.isOver()) {
      const notify = this.members();
      this.participants.clear();
      this.invited.clear();
      return {
        call: this.info(),
        over: true,
        notices: [{ kind: 'ended', to: notify, reason, by }],
      };
    }
    return {
      call: this.info(),
      over: false,
      notices: [{ kind: 'updated', to: [...this.participants] }],
    };
  }

  private assertSeat(maxMembers: number): void {
    if (this.size + 1 > maxMembers) {
      throw new AppError(
        ErrorCode.CALL_FULL,
        `the call is full (${maxMembers} participants max, ringing invitees included)`,
        true,
      );
    }
  }

  private othersThan(p: PeerId): PeerId[] {
    return [...this.participants].filter((m) => m !== p);
  }

  private isOver(): boolean {
    return this.participants.size === 0 || (this.participants.size < 2 && this.invited.size === 0);
  }

  private rolesOf(p: PeerId): Role[] {
    if (this.invited.has(p)) return ['invited'];
    if (!this.participants.has(p)) return [];
    return p === this.initiator ? ['initiator', 'participant'] : ['participant'];
  }
}
