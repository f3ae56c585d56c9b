import {
  ErrorCode,
  Limits,
  type MediaState,
  type PeerId,
  type PeerInfo,
  type RoomId,
  type RoomOptions,
  type RoomStatus,
} from '@parley/protocol';
import { CallRegistry } from '../calls/CallRegistry.js';
import { ChatLog } from '../chat/ChatLog.js';
import { AppError } from '../errors.js';
import { peerInfo, type Participant } from './Participant.js';

export interface RoomSettings {
  /** MAX_ROOM_SIZE. */
  readonly capacity: number;
  /** MESH_MAX_PARTICIPANTS: seats in the room's call. */
  readonly meshMax: number;
  /** Fixed by the join that created the room. */
  readonly options: RoomOptions;
}

/**
 * One room: its participants, its call and its chat history. The room is
 * the unit of consistency: the state store applies each change to a room
 * atomically, so "is there a free seat" and "is the callee busy" can never
 * race. Methods check first and mutate last, so a thrown AppError leaves
 * the room unchanged. Chat history lives here, so it dies with the room.
 */
export class Room {
  readonly calls: CallRegistry;
  readonly chat = new ChatLog(Limits.CHAT_HISTORY_MAX);
  readonly capacity: number;
  readonly options: RoomOptions;
  private readonly members = new Map<PeerId, Participant>();

  constructor(
    readonly id: RoomId,
    settings: RoomSettings,
  ) {
    this.capacity = settings.capacity;
    this.options = { ...settings.options };
    this.calls = new CallRegistry({
      maxMembers: settings.meshMax,
      joinOnEntry: settings.options.joinCallOnEntry,
    });
  }

  get size(): number {
    return this.members.size;
  }

  isEmpty(): boolean {
    return this.members.size === 0;
  }

  isFull(): boolean {
    return this.members.size >= this.capacity;
  }

  get(id: PeerId): Participant | undefined {
    return this.members.get(id);
  }

  has(id: PeerId): boolean {
    return this.members.has(id);
  }

  add(participant: Participant): void {
    if (this.members.has(participant.id)) {
      throw new AppError(ErrorCode.ALREADY_IN_ROOM, 'participant is already in this room');
    }
    if (this.isFull()) {
      throw new AppError(
        ErrorCode.ROOM_FULL,
        `room is full (${this.capacity} participants max)`,
        true,
      );
    }
    this.members.set(participant.id, participant);
  }

  remove(id: PeerId): Participant | undefined {
    const p = this.members.get(id);
    this.members.delete(id);
    return p;
  }

  setMedia(id: PeerId, media: MediaState): Participant {
    const p = this.members.get(id);
    if (!p) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in this room');
    p.media = { audio: media.audio, video: media.video, screen: media.screen };
    return p;
  }

  /** Everyone except `exceptId`, in join order. */
  peers(exceptId?: PeerId): PeerInfo[] {
    const out: PeerInfo[] = [];
    for (const p of this.members.values()) if (p.id !== exceptId) out.push(peerInfo(p));
    return out;
  }

  /** Socket ids of the given participants that are still here. */
  addresses(ids: Iterable<PeerId>): string[] {
    const out: string[] = [];
    for (const id of ids) {
      const p = this.members.get(id);
      if (p) out.push(p.socketId);
    }
    return out;
  }

  status(): RoomStatus {
    return {
      room: this.id,
      exists: this.size > 0,
      participants: this.size,
      capacity: this.capacity,
      full: this.isFull(),
      options: { ...this.options },
    };
  }

  /** The status of a room that does not exist (yet). */
  static absent(id: RoomId, capacity: number): RoomStatus {
    return { room: id, exists: false, participants: 0, capacity, full: false, options: null };
  }
}
