import {
  ErrorCode,
  type MediaState,
  type PeerId,
  type PeerInfo,
  type PeerLeftReason,
  type RoomId,
  type RoomStatus,
} from '@parley/protocol';
import { resolveCallEffect, type CallEffect } from '../calls/CallEffect.js';
import { AppError } from '../errors.js';
import { newPeerId } from '../ids.js';
import type { StateCounts, StateStore } from '../state/StateStore.js';
import { peerInfo, type Participant } from './Participant.js';
import { Room } from './Room.js';

export interface JoinInput {
  readonly name: string;
  readonly media: MediaState;
  readonly socketId: string;
}

export interface JoinOutcome {
  readonly self: PeerInfo;
  /** Everyone else, in join order. */
  readonly peers: PeerInfo[];
  readonly capacity: number;
}

export interface LeaveOutcome {
  readonly self: PeerInfo;
  /** Calls the participant was in, ended or shrunk by its departure. */
  readonly calls: CallEffect[];
}

export interface RoomRegistryOptions {
  readonly capacity: number;
  readonly now?: () => number;
  readonly newId?: () => PeerId;
}

/**
 * Room membership: create on first join, delete when the last one leaves.
 * Every operation is one atomic store update, including the call clean-up
 * on leave, so a departing participant can never be invited in between.
 */
export class RoomRegistry {
  private readonly capacity: number;
  private readonly now: () => number;
  private readonly newId: () => PeerId;

  constructor(
    private readonly store: StateStore,
    options: RoomRegistryOptions,
  ) {
    this.capacity = options.capacity;
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? newPeerId;
  }

  check(id: RoomId): Promise<RoomStatus> {
    return this.store.read(id, (room) => room?.status() ?? Room.status(id, 0, this.capacity));
  }

  join(id: RoomId, input: JoinInput): Promise<JoinOutcome> {
    const participant: Participant = {
      id: this.newId(),
      name: input.name,
      media: { audio: input.media.audio, video: input.media.video },
      joinedAt: this.now(),
      socketId: input.socketId,
    };
    return this.store.update(id, (existing) => {
      const room = existing ?? new Room(id, this.capacity);
      room.add(participant);
      return {
        room,
        result: {
          self: peerInfo(participant),
          peers: room.peers(participant.id),
          capacity: room.capacity,
        },
      };
    });
  }

  /** Remove `peer`; its calls end (or shrink) with `reason`. */
  leave(id: RoomId, peer: PeerId, reason: PeerLeftReason): Promise<LeaveOutcome> {
    return this.store.update(id, (room) => {
      const participant = room?.get(peer);
      if (!room || !participant) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      const outcomes = room.calls.depart(peer, reason);
      room.remove(peer);
      const calls = outcomes.map((o) => resolveCallEffect(room, o));
      return { room: room.isEmpty() ? null : room, result: { self: peerInfo(participant), calls } };
    });
  }

  updateMedia(id: RoomId, peer: PeerId, media: MediaState): Promise<PeerInfo> {
    return this.store.update(id, (room) => {
      if (!room?.has(peer)) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      return { room, result: peerInfo(room.setMedia(peer, media)) };
    });
  }

  counts(): Promise<StateCounts> {
    return this.store.counts();
  }
}
