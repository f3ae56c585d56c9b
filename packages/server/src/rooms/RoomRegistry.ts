import {
  ErrorCode,
  type CallId,
  type CallInfo,
  type ChatMessage,
  type MediaState,
  type PeerId,
  type PeerInfo,
  type PeerLeftReason,
  type RoomId,
  type RoomOptions,
  type RoomStatus,
} from '@parley/protocol';
import { resolveCallEffect, type CallEffect } from '../calls/CallEffect.js';
import { AppError } from '../errors.js';
import { newCallId, newPeerId } from '../ids.js';
import type { StateCounts, StateStore } from '../state/StateStore.js';
import { peerInfo, type Participant } from './Participant.js';
import { Room } from './Room.js';

export interface JoinInput {
  readonly name: string;
  readonly media: MediaState;
  readonly socketId: string;
  /** Applied only if this join creates the room. */
  readonly options?: { readonly joinCallOnEntry?: boolean | undefined } | undefined;
}

export interface JoinOutcome {
  readonly self: PeerInfo;
  /** Everyone else, in join order. */
  readonly peers: PeerInfo[];
  readonly capacity: number;
  readonly options: RoomOptions;
  /** The room's call after the join (joinCallOnEntry: the joiner is in it when it had a seat). */
  readonly call: CallInfo | null;
  /** Chat history, oldest first. */
  readonly chat: ChatMessage[];
  /** The call change this entry caused (joinCallOnEntry rooms), to publish. */
  readonly callEffect: CallEffect | null;
}

export interface LeaveOutcome {
  readonly self: PeerInfo;
  /** The room's call, ended or shrunk by the departure (null if not in it). */
  readonly call: CallEffect | null;
}

export interface RoomRegistryOptions {
  readonly capacity: number;
  /** MESH_MAX_PARTICIPANTS. */
  readonly meshMax: number;
  readonly now?: () => number;
  readonly newId?: () => PeerId;
  readonly newCallId?: () => CallId;
}

const DEFAULT_OPTIONS: RoomOptions = { joinCallOnEntry: false };

/**
 * Room membership: create on first join, delete when the last one leaves.
 * Every operation is one atomic store update, including the call clean-up
 * on leave, so a departing participant can never be invited in between.
 */
export class RoomRegistry {
  private readonly capacity: number;
  private readonly meshMax: number;
  private readonly now: () => number;
  private readonly newId: () => PeerId;
  private readonly newCallId: () => CallId;

  constructor(
    private readonly store: StateStore,
    options: RoomRegistryOptions,
  ) {
    this.capacity = options.capacity;
    this.meshMax = options.meshMax;
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? newPeerId;
    this.newCallId = options.newCallId ?? newCallId;
  }

  check(id: RoomId): Promise<RoomStatus> {
    return this.store.read(id, (room) => room?.status() ?? Room.absent(id, this.capacity));
  }

  /**
   * Enter room `id` (created with `input.options` if it does not exist). In
   * a joinCallOnEntry room the participant enters the room's call in the
   * same step (see CallRegistry.enter).
   */
  join(id: RoomId, input: JoinInput): Promise<JoinOutcome> {
    const participant: Participant = {
      id: this.newId(),
      name: input.name,
      media: { audio: input.media.audio, video: input.media.video, screen: input.media.screen },
      joinedAt: this.now(),
      socketId: input.socketId,
    };
    return this.store.update(id, (existing) => {
      const room =
        existing ??
        new Room(id, {
          capacity: this.capacity,
          meshMax: this.meshMax,
          options: {
            joinCallOnEntry: input.options?.joinCallOnEntry ?? DEFAULT_OPTIONS.joinCallOnEntry,
          },
        });
      room.add(participant);
      const entered = room.calls.enter(id, participant.id, this.newCallId, participant.joinedAt);
      return {
        room,
        result: {
          self: peerInfo(participant),
          peers: room.peers(participant.id),
          capacity: room.capacity,
          options: { ...room.options },
          call: room.calls.current()?.info() ?? null,
          chat: room.chat.list(),
          callEffect: entered && resolveCallEffect(room, entered),
        },
      };
    });
  }

  /** Remove `peer`; its part of the room's call ends with `reason`. */
  leave(id: RoomId, peer: PeerId, reason: PeerLeftReason): Promise<LeaveOutcome> {
    return this.store.update(id, (room) => {
      const participant = room?.get(peer);
      if (!room || !participant) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      const outcome = room.calls.depart(peer, reason);
      room.remove(peer);
      const call = outcome && resolveCallEffect(room, outcome);
      return { room: room.isEmpty() ? null : room, result: { self: peerInfo(participant), call } };
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
