import type { MediaState, PeerId, PeerInfo } from '@parley/protocol';

/**
 * A member of a room. `socketId` is the delivery address for messages meant
 * for this participant only (relays, call notifications); it is a plain
 * string, so the domain stays free of Socket.IO.
 */
export interface Participant {
  readonly id: PeerId;
  readonly name: string;
  media: MediaState;
  readonly joinedAt: number;
  readonly socketId: string;
}

/** The public view of a participant (never includes the socket id). */
export function peerInfo(p: Participant): PeerInfo {
  return { id: p.id, name: p.name, media: { ...p.media }, joinedAt: p.joinedAt };
}
