import {
  ErrorCode,
  type MediaState,
  type PeerId,
  type PeerInfo,
  type RoomId,
  type RoomStatus,
} from '@parley/protocol';
import { CallRegistry } from '../calls/CallRegistry.js';
import { AppError } from '../errors.js';
import { peerInfo, type Participant } from './Participant.js';

/**
 * One room: its participants and the calls between them. The room is the
 * unit of consistency: the state store applies each change to a room
 * atomically, so "is there a free seat" and "is the callee busy" can never
 * race. Methods check first and mutate last, so a thrown AppError leaves
 * the room unchanged.
 */
export class Room {
  readonly calls = new CallRegistry();
  private readonly members = new Map<PeerId, Participant>();

  constructor(
    readonly id: RoomId,
    readonly capacity: number,
  ) {}

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
    p.media = { audio: media.audio, video: media.video };
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
    return Room.status(this.id, this.size, this.capacity);
  }

  static status(id: RoomId, participants: number, capacity: number): RoomStatus {
    return {
      room: id,
      exists: participants > 0,
      participants,
      capacity,
      full: participants >= capacity,
    };
  }
}
