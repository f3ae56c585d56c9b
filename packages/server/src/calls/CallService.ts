import { ErrorCode, type CallId, type PeerId, type RoomId } from '@parley/protocol';
import { AppError } from '../errors.js';
import { newCallId } from '../ids.js';
import type { Room } from '../rooms/Room.js';
import type { StateStore } from '../state/StateStore.js';
import type { Call, CallOutcome } from './Call.js';
import { resolveCallEffect, type CallEffect } from './CallEffect.js';

export interface CallServiceOptions {
  readonly now?: () => number;
  readonly newId?: () => CallId;
}

export interface InviteEffect extends CallEffect {
  readonly kind: 'created' | 'rung' | 'glare';
}

/**
 * Call operations on a room in the store. The caller (a signaling handler)
 * has already established that `peer` joined room `roomId`; a room that is
 * gone or a peer no longer in it is NOT_IN_ROOM.
 */
export class CallService {
  private readonly now: () => number;
  private readonly newId: () => CallId;

  constructor(
    private readonly store: StateStore,
    options: CallServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? newCallId;
  }

  invite(roomId: RoomId, from: PeerId, to: PeerId): Promise<InviteEffect> {
    return this.store.update(roomId, (room) => {
      const r = memberRoom(room, from);
      if (to === from || !r.has(to)) {
        throw new AppError(ErrorCode.PEER_NOT_FOUND, 'no such participant in this room');
      }
      const { outcome, kind } = r.calls.invite(roomId, from, to, this.newId, this.now());
      return { room: r, result: { ...resolveCallEffect(r, outcome), kind } };
    });
  }

  /**
   * Join the room's call `callId` without being rung. In rooms with hosts
   * (`hostsDecide`: the server takes join tokens, or the room has a waiting
   * room) a guest needs an invitation (being rung) or the host's consent
   * (a meeting-link room, entered with admission): NOT_HOST otherwise, so
   * nobody gets a call's SDP uninvited.
   */
  join(roomId: RoomId, callId: CallId, peer: PeerId, hostsDecide = false): Promise<CallEffect> {
    return this.store.update(roomId, (room) => {
      const r = memberRoom(room, peer);
      const invited = r.calls.get(callId)?.isInvited(peer) ?? false;
      if (
        (hostsDecide || r.waitingRoom) &&
        !r.isHost(peer) &&
        !invited &&
        !r.options.joinCallOnEntry
      ) {
        throw new AppError(ErrorCode.NOT_HOST, 'ask a host to ring you into this call');
      }
      const outcome = r.calls.join(callId, peer);
      return { room: r, result: resolveCallEffect(r, outcome) };
    });
  }

  accept(roomId: RoomId, callId: CallId, peer: PeerId): Promise<CallEffect> {
    return this.change(roomId, callId, peer, (call) => call.accept(peer));
  }

  decline(roomId: RoomId, callId: CallId, peer: PeerId): Promise<CallEffect> {
    return this.change(roomId, callId, peer, (call) => call.decline(peer));
  }

  cancel(roomId: RoomId, callId: CallId, peer: PeerId): Promise<CallEffect> {
    return this.change(roomId, callId, peer, (call) => call.cancel(peer));
  }

  hangup(roomId: RoomId, callId: CallId, peer: PeerId): Promise<CallEffect> {
    return this.change(roomId, callId, peer, (call) => call.hangup(peer));
  }

  /** `peer`'s ring timer fired; null if it answered, declined or left meanwhile. */
  expire(roomId: RoomId, callId: CallId, peer: PeerId): Promise<CallEffect | null> {
    return this.store.update(roomId, (room) => {
      if (!room) return { room: null, result: null };
      const outcome = room.calls.expire(callId, peer);
      return { room, result: outcome && resolveCallEffect(room, outcome) };
    });
  }

  /**
   * Where a signal from `from` to `to` goes (null: `to` is reconnecting).
   * Between participants of the call; with `preconnect` (instant answer)
   * also between a participant and someone the call rings, so they connect
   * while it rings. Never between two people who are only rung.
   */
  relayTarget(
    roomId: RoomId,
    callId: CallId,
    from: PeerId,
    to: PeerId,
    preconnect = false,
  ): Promise<string | null> {
    return this.store.read(roomId, (room) => relayTargetIn(room, callId, from, to, preconnect));
  }

  /**
   * relayTarget answered at once (it throws what relayTarget rejects with),
   * or undefined when the store cannot answer without waiting (Redis).
   */
  relayTargetNow(
    roomId: RoomId,
    callId: CallId,
    from: PeerId,
    to: PeerId,
    preconnect = false,
  ): string | null | undefined {
    if (!this.store.readNow) return undefined;
    return this.store.readNow(roomId, (room) => relayTargetIn(room, callId, from, to, preconnect));
  }

  private change(
    roomId: RoomId,
    callId: CallId,
    peer: PeerId,
    change: (call: Call) => CallOutcome,
  ): Promise<CallEffect> {
    return this.store.update(roomId, (room) => {
      const r = memberRoom(room, peer);
      const outcome = r.calls.apply(callId, peer, change);
      return { room: r, result: resolveCallEffect(r, outcome) };
    });
  }
}

/**
 * The relay rule: both sender and target must be participants (accepted or
 * joined) of call `callId` in the sender's room; a member who is only being
 * rung neither sends nor receives SDP, except with `preconnect`. Returns the
 * target's socket id (null while it reconnects: the signal waits in its
 * outbox); anything else is refused, so the signal reaches nobody.
 */
function relayTargetIn(
  room: Room | undefined,
  callId: CallId,
  from: PeerId,
  to: PeerId,
  preconnect: boolean,
): string | null {
  const r = memberRoom(room, from);
  const call = r.calls.get(callId);
  if (!call || !call.isMember(from)) throw new AppError(ErrorCode.CALL_NOT_FOUND, 'no such call');
  const fromIn = call.isParticipant(from);
  if (!fromIn && !preconnect) {
    throw new AppError(ErrorCode.INVALID_STATE, 'accept the call before sending signals');
  }
  const allowed = fromIn
    ? call.isParticipant(to) || (preconnect && call.isInvited(to))
    : call.isParticipant(to);
  const target = to === from || !allowed ? undefined : r.get(to);
  if (!target) throw new AppError(ErrorCode.PEER_NOT_FOUND, 'that participant is not in this call');
  return target.socketId;
}

function memberRoom(room: Room | undefined, peer: PeerId): Room {
  if (!room?.has(peer)) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
  return room;
}
