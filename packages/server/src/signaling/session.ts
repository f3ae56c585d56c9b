import { ErrorCode, type PeerId, type RoomId } from '@parley/protocol';
import { AppError } from '../errors.js';
import type { ParleySocket } from './types.js';

/** Socket.IO room that carries a Parley room's presence fan-out. */
export function roomChannel(room: RoomId): string {
  // Prefixed so a room id can never collide with a socket id (also a Socket.IO room).
  return `parley-room:${room}`;
}

export interface Membership {
  readonly peerId: PeerId;
  readonly roomId: RoomId;
}

export function membershipOf(socket: ParleySocket): Membership | null {
  const { peerId, roomId } = socket.data;
  return peerId !== null && roomId !== null ? { peerId, roomId } : null;
}

export function requireJoined(socket: ParleySocket): Membership {
  const m = membershipOf(socket);
  if (!m) throw new AppError(ErrorCode.NOT_IN_ROOM, 'join a room first');
  return m;
}
