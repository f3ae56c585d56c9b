import type { MediaState, PeerConnection, PeerId, PeerInfo, RoomRole } from '@parley/protocol';

/**
 * A member of a room. `socketId` is the delivery address for messages meant
 * for this participant only (relays, call notifications); it is a plain
 * string, so the domain stays free of Socket.IO. While `connection` is
 * 'reconnecting' the member's socket is gone (`socketId` is null): the
 * member keeps its seat and its place in the call until it resumes or its
 * grace period runs out.
 */
export interface Participant {
  readonly id: PeerId;
  readonly name: string;
  media: MediaState;
  readonly joinedAt: number;
  socketId: string | null;
  connection: PeerConnection;
  /** Said `session:closing` (page going away): a drop gets the short grace. */
  closing: boolean;
  /**
   * The call named in this member's latest resume token (a key of call id
   * and members), to know when a fresh token is due.
   */
  tokenCallKey: string;
  /**
   * After a server restart: the call this member's own token named when it
   * resumed, so a rebuilt call includes only members who were really in it.
   */
  claimedCall: string | null;
  /**
   * Came back with a resume token (a member of the room before a server
   * restart), as opposed to a fresh join: when a restored room's password is
   * adopted, fresh joiners who never gave it are sent out.
   */
  viaToken: boolean;
  /** From the join token, or 'host' for whoever created the room without tokens. */
  role: RoomRole;
}

/** The public view of a participant (never includes the socket id). */
export function peerInfo(p: Participant): PeerInfo {
  return {
    id: p.id,
    name: p.name,
    media: { ...p.media },
    joinedAt: p.joinedAt,
    connection: p.connection,
  };
}
