import {
  ErrorCode,
  type CallId,
  type CallInfo,
  type ChatMessage,
  type MediaState,
  type PeerId,
  type PeerInfo,
  type PeerLeftReason,
  type RoomAccess,
  type RoomId,
  type RoomOptions,
  type RoomRole,
  type RoomStatus,
  type WaitingGuest,
} from '@parley/protocol';
import { resolveCallEffect, type CallEffect } from '../calls/CallEffect.js';
import { AppError } from '../errors.js';
import { newCallId, newPeerId } from '../ids.js';
import { Call } from '../calls/Call.js';
import type { ResumeClaims, SessionRecord } from '../session/ResumeTokens.js';
import type { StateCounts, StateStore } from '../state/StateStore.js';
import { peerInfo, type Participant } from './Participant.js';
import { nextParticipantState } from './participantState.js';
import { callKey, Room } from './Room.js';

export interface JoinInput {
  readonly name: string;
  readonly media: MediaState;
  readonly socketId: string;
  /** Applied only if this join creates the room. */
  readonly options?: { readonly joinCallOnEntry?: boolean | undefined } | undefined;
  /** The password hash of a room this join creates (null/absent: none). */
  readonly newPasswordHash?: string | null;
  /** The room hash the joiner's password was verified against (null: none given/needed). */
  readonly verifiedHash?: string | null;
  /** A join token's role: its holder needs no password. Absent: host if creating, else guest. */
  readonly tokenRole?: RoomRole;
  /** The join token says: wait for a host. */
  readonly tokenWaiting?: boolean;
  /** Creating the room: guests wait for a host. */
  readonly waitingRoom?: boolean;
}

export interface WaitingOutcome {
  readonly kind: 'waiting';
  /** The waiting guest's id (it becomes its participant id when admitted). */
  readonly id: PeerId;
  readonly hosts: string[];
  readonly waiting: WaitingGuest[];
}

/** The waiting room changed: who to tell (hosts) and what. */
export interface WaitingChange {
  readonly socketId: string;
  readonly hosts: string[];
  readonly waiting: WaitingGuest[];
}

export interface AdmitOutcome extends JoinOutcome {
  readonly socketId: string;
  readonly hosts: string[];
}

export interface JoinOutcome {
  readonly kind: 'joined';
  readonly self: PeerInfo;
  /** Everyone else, in join order. */
  readonly peers: PeerInfo[];
  readonly capacity: number;
  readonly options: RoomOptions;
  readonly access: RoomAccess;
  readonly role: RoomRole;
  /** The room's call after the join (joinCallOnEntry: the joiner is in it when it had a seat). */
  readonly call: CallInfo | null;
  /** Chat history, oldest first. */
  readonly chat: ChatMessage[];
  /** Who waits for admission (hosts only; empty for guests). */
  readonly waiting: WaitingGuest[];
  /** The call change this entry caused (joinCallOnEntry rooms), to publish. */
  readonly callEffect: CallEffect | null;
  /** For the joiner's resume token. */
  readonly session: SessionRecord;
}

export interface ResumeInput {
  /** Verified claims of the member's resume token. */
  readonly claims: ResumeClaims;
  readonly socketId: string;
  readonly media?: MediaState | undefined;
}

export interface ResumeOutcome extends Omit<JoinOutcome, 'callEffect' | 'kind'> {
  /** The room (or this member) had been lost by the server and was rebuilt from the token. */
  readonly restored: boolean;
  /**
   * 'reconnected': the room knew the member (its socket had dropped);
   * 'returned': a restarted server did not, so the others see it join.
   */
  readonly kind: 'reconnected' | 'returned';
  /** The member's former socket if the server still counted it as live (replaced now). */
  readonly replacedSocket: string | null;
  /** Members held as placeholders for a rebuilt call: each must resume within the grace. */
  readonly placeholders: PeerId[];
  /** The call change the return caused (a rebuilt call, or a seat given back), to publish. */
  readonly callEffect: CallEffect | null;
  /** The media state before the resume, to tell whether the others need peer:updated. */
  readonly mediaChanged: boolean;
  /** Members sent out because the restored room is protected and they never gave its password. */
  readonly evicted: { readonly id: PeerId; readonly socketId: string | null }[];
}

/** A room's password and lock, as the join check needs them. */
export interface AccessCheck {
  readonly passwordHash: string | null;
  readonly locked: boolean;
}

export interface AccessChange {
  readonly access: RoomAccess;
  /** Every connected member, with a fresh token record (the room's claim changed). */
  readonly sessions: { readonly socketId: string; readonly record: SessionRecord }[];
}

export interface DropOutcome {
  readonly self: PeerInfo;
  /** Said session:closing before the drop (the short grace applies). */
  readonly closing: boolean;
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
/** Media state of a member who did not say: not sending anything yet. */
const NO_MEDIA: MediaState = { audio: false, video: false, screen: null };

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

  /** The store's epoch now (written into resume tokens; see StateStore.epoch). */
  get epoch(): string {
    return this.store.epoch;
  }

  check(id: RoomId): Promise<RoomStatus> {
    return this.store.read(id, (room) => room?.status() ?? Room.absent(id, this.capacity));
  }

  /**
   * Enter room `id` (created with `input.options` if it does not exist). In
   * a joinCallOnEntry room the participant enters the room's call in the
   * same step (see CallRegistry.enter).
   */
  join(id: RoomId, input: JoinInput): Promise<JoinOutcome | WaitingOutcome> {
    const participant = this.fresh(
      this.newId(),
      input.name,
      input.media,
      input.socketId,
      input.tokenRole ?? 'guest',
    );
    return this.store.update<JoinOutcome | WaitingOutcome>(id, (existing) => {
      existing?.assertEntry(input.verifiedHash ?? null, input.tokenRole !== undefined);
      // Without join tokens, whoever creates the room hosts it.
      if (!existing && input.tokenRole === undefined) participant.role = 'host';
      const room =
        existing ??
        new Room(id, {
          capacity: this.capacity,
          meshMax: this.meshMax,
          options: {
            joinCallOnEntry: input.options?.joinCallOnEntry ?? DEFAULT_OPTIONS.joinCallOnEntry,
          },
          createdBy: participant.id,
          createdAt: participant.joinedAt,
          passwordHash: input.newPasswordHash ?? null,
          waitingRoom: input.waitingRoom === true,
        });
      // Guests of a room with a waiting room (or whose token says so) wait for a
      // host, also when no host is there yet; hosts go straight in.
      if (participant.role !== 'host' && (room.waitingRoom || input.tokenWaiting === true)) {
        room.addWaiting({
          id: participant.id,
          name: participant.name,
          media: participant.media,
          since: participant.joinedAt,
          socketId: input.socketId,
          role: participant.role,
        });
        return {
          room,
          result: {
            kind: 'waiting',
            id: participant.id,
            hosts: room.hostAddresses(),
            waiting: room.waitingList(),
          },
        };
      }
      room.add(participant);
      const entered = room.calls.enter(id, participant.id, this.newCallId, participant.joinedAt);
      const callEffect = entered && resolveCallEffect(room, entered);
      room.markSessionIssued(participant.id);
      return {
        room,
        result: { kind: 'joined', ...this.joinedView(room, participant), callEffect },
      };
    });
  }

  /** What entering the room needs now (null: no such room, a join creates it). */
  accessOf(id: RoomId): Promise<AccessCheck | null> {
    return this.store.read(id, (room) =>
      room ? { passwordHash: room.passwordHash, locked: room.locked } : null,
    );
  }

  /** A member sets, changes or removes (null) the password; every member gets a fresh token. */
  setPassword(id: RoomId, peer: PeerId, hash: string | null): Promise<AccessChange> {
    return this.changeAccess(id, peer, (room) => room.setPasswordHash(hash));
  }

  /** A member locks the room or opens it again. */
  setLocked(id: RoomId, peer: PeerId, locked: boolean): Promise<AccessChange> {
    return this.changeAccess(id, peer, (room) => room.setLocked(locked));
  }

  private changeAccess(
    id: RoomId,
    peer: PeerId,
    change: (room: Room) => void,
  ): Promise<AccessChange> {
    return this.store.update(id, (room) => {
      if (!room?.has(peer)) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      change(room);
      return { room, result: { access: room.access(), sessions: room.allSessions() } };
    });
  }

  /**
   * A member's socket dropped without a leave: it keeps its seat and its
   * place in the call, as 'reconnecting'. Null when that socket no longer
   * counts for the member (it resumed on another one, or is gone).
   */
  drop(id: RoomId, peer: PeerId, socketId: string): Promise<DropOutcome | null> {
    return this.store.update(id, (room) => {
      const p = room?.markReconnecting(peer, socketId) ?? null;
      if (!room || !p) return { room: room ?? null, result: null };
      return { room, result: { self: peerInfo(p), closing: p.closing } };
    });
  }

  /** The member's page is going away (pagehide): a drop now gets the short grace. */
  setClosing(id: RoomId, peer: PeerId): Promise<void> {
    return this.store.update(id, (room) => {
      const p = room?.get(peer);
      if (!room || !p) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      p.closing = true;
      return { room, result: undefined };
    });
  }

  /**
   * The grace of a dropped member ran out: it leaves (reason
   * 'disconnected'). Null if it resumed meanwhile or is gone already.
   */
  expire(id: RoomId, peer: PeerId): Promise<LeaveOutcome | null> {
    return this.store.update(id, (room) => {
      const p = room?.get(peer);
      if (!room || !p || nextParticipantState(p.connection, 'expire') === null) {
        return { room: room ?? null, result: null };
      }
      const outcome = room.calls.depart(peer, 'disconnected');
      room.remove(peer);
      const call = outcome && resolveCallEffect(room, outcome);
      return { room: room.isEmpty() ? null : room, result: { self: peerInfo(p), call } };
    });
  }

  /** A fresh token's record for a member. */
  session(id: RoomId, peer: PeerId): Promise<SessionRecord> {
    return this.store.update(id, (room) => {
      if (!room?.has(peer)) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      room.markSessionIssued(peer);
      return { room, result: room.sessionRecord(peer) };
    });
  }

  /**
   * A member comes back with a verified resume token.
   *
   * - The room knows it (its socket dropped): it is bound to the new socket,
   *   keeps its seat and its call, and the others see it 'connected' again.
   * - The server lost the room or the member since the token was issued (the
   *   token's epoch is older than the store's: a restart of the in-memory
   *   store): the member is put back with its id and name, the room with the
   *   settings the token records (a room someone created meanwhile adopts
   *   them), and the call it was in, holding a seat for every other member
   *   of that call until they resume too (placeholders, within the grace).
   * - Otherwise the session ended (the member left, or its grace ran out):
   *   SESSION_NOT_FOUND, and the client joins afresh.
   */
  resume(id: RoomId, input: ResumeInput): Promise<ResumeOutcome> {
    const { claims } = input;
    const lostSince = claims.epoch !== this.store.epoch;
    return this.store.update(id, (existing) => {
      const gone = () =>
        new AppError(ErrorCode.SESSION_NOT_FOUND, 'that session has ended: join the room again');
      let room = existing;
      if (!room) {
        if (!lostSince) throw gone();
        room = new Room(id, {
          capacity: this.capacity,
          meshMax: this.meshMax,
          options: claims.roomClaim.options,
          createdBy: claims.roomClaim.createdBy,
          createdAt: claims.roomClaim.createdAt,
          passwordHash: claims.roomClaim.passwordHash,
          locked: claims.roomClaim.locked,
          waitingRoom: claims.roomClaim.waitingRoom,
          removed: claims.roomClaim.removed,
        });
      }
      const evicted = room !== existing || !lostSince ? [] : room.adoptClaim(claims.roomClaim);
      // Sent out by a host: its session is over, whatever the token says.
      if (room.isRemoved(claims.peer)) throw gone();
      let restored = existing === undefined;
      const known = room.get(claims.peer);
      const mediaBefore = known ? JSON.stringify(known.media) : '';
      let replacedSocket: string | null = null;
      let kind: ResumeOutcome['kind'] = 'reconnected';
      if (known) {
        replacedSocket = room.reconnect(claims.peer, input.socketId, input.media);
      } else {
        if (!lostSince) throw gone();
        room.restore(this.returning(claims, input.socketId, input.media ?? NO_MEDIA, 'connected'));
        restored = true;
        kind = 'returned';
      }
      const self = room.get(claims.peer);
      if (!self) throw gone();
      if (lostSince) self.claimedCall = claims.call?.id ?? null;
      const { effect, placeholders } = lostSince
        ? this.restoreCall(room, claims)
        : { effect: null, placeholders: [] };
      room.markSessionIssued(claims.peer);
      const callEffect = effect && resolveCallEffect(room, effect);
      return {
        room,
        result: {
          self: peerInfo(self),
          peers: room.peers(self.id),
          capacity: room.capacity,
          options: { ...room.options },
          access: room.access(),
          role: self.role,
          call: room.calls.current()?.info() ?? null,
          chat: room.chat.list(),
          session: room.sessionRecord(self.id),
          waiting: self.role === 'host' ? room.waitingList() : [],
          evicted: evicted.map((p) => ({ id: p.id, socketId: p.socketId })),
          restored,
          kind,
          replacedSocket,
          placeholders,
          callEffect,
          mediaChanged: known !== undefined && JSON.stringify(self.media) !== mediaBefore,
        },
      };
    });
  }

  /**
   * Rebuild (or rejoin) the call a returning member's token names. Members
   * of it the room does not have yet are held as placeholders; members the
   * room has are included only if their own token named the same call.
   */
  private restoreCall(
    room: Room,
    claims: ResumeClaims,
  ): { effect: ReturnType<Call['restoreParticipant']> | null; placeholders: PeerId[] } {
    const claim = claims.call;
    if (!claim) return { effect: null, placeholders: [] };
    const current = room.calls.current();
    if (current) {
      if (current.id !== claim.id || current.isParticipant(claims.peer)) {
        return { effect: null, placeholders: [] };
      }
      return { effect: current.restoreParticipant(claims.peer), placeholders: [] };
    }
    const placeholders: PeerId[] = [];
    const members: PeerId[] = [];
    for (const m of claim.members) {
      const present = room.get(m.id);
      if (!present) {
        if (members.length + 1 > this.meshMax) continue;
        room.restore(
          this.returning(
            { ...claims, peer: m.id, name: m.name, joinedAt: m.joinedAt },
            null,
            NO_MEDIA,
            'reconnecting',
          ),
        );
        placeholders.push(m.id);
        members.push(m.id);
      } else if (m.id === claims.peer || present.claimedCall === claim.id) {
        members.push(m.id);
      }
    }
    if (members.length < 2) {
      for (const p of placeholders) room.remove(p);
      return { effect: null, placeholders: [] };
    }
    const call = Call.restored(claim.id, room.id, claim.initiator, members, claim.createdAt);
    room.calls.restore(call);
    return {
      effect: {
        call: call.info(),
        over: false,
        notices: [{ kind: 'updated', to: members.filter((m) => m !== claims.peer) }],
      },
      placeholders,
    };
  }

  private returning(
    claims: Pick<ResumeClaims, 'peer' | 'name' | 'joinedAt' | 'call'> & { role?: RoomRole },
    socketId: string | null,
    media: MediaState,
    connection: Participant['connection'],
  ): Participant {
    return {
      id: claims.peer,
      name: claims.name,
      media: { audio: media.audio, video: media.video, screen: media.screen },
      joinedAt: claims.joinedAt,
      socketId,
      connection,
      closing: false,
      tokenCallKey: callKey(null),
      claimedCall: claims.call?.id ?? null,
      viaToken: true,
      role: claims.role ?? 'guest',
    };
  }

  /** Remove `peer`; its part of the room's call ends with `reason`. */
  leave(id: RoomId, peer: PeerId, reason: PeerLeftReason): Promise<LeaveOutcome> {
    return this.store.update(id, (room) => {
      const participant = room?.get(peer);
      if (!room || !participant) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      const outcome = room.calls.depart(peer, reason === 'disconnected' ? 'disconnected' : 'left');
      room.remove(peer);
      const call = outcome && resolveCallEffect(room, outcome);
      return { room: room.isEmpty() ? null : room, result: { self: peerInfo(participant), call } };
    });
  }

  /**
   * A host sends `peer` out: it leaves (reason 'removed'), its session can
   * never be resumed, and the room's waiting room is switched on so that
   * it cannot come back without a host admitting it.
   */
  remove(
    id: RoomId,
    host: PeerId,
    peer: PeerId,
  ): Promise<LeaveOutcome & { socketId: string | null; access: RoomAccess }> {
    return this.store.update(id, (room) => {
      if (!room?.has(host)) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      if (!room.isHost(host))
        throw new AppError(ErrorCode.NOT_HOST, 'only a host may remove someone');
      const target = room.get(peer);
      if (!target || peer === host) {
        throw new AppError(ErrorCode.PEER_NOT_FOUND, 'no such participant in this room');
      }
      const outcome = room.calls.depart(peer, 'left');
      room.remove(peer);
      room.markRemoved(peer);
      room.setWaitingRoom(true);
      const call = outcome && resolveCallEffect(room, outcome);
      return {
        room,
        result: { self: peerInfo(target), call, socketId: target.socketId, access: room.access() },
      };
    });
  }

  /** A host switches the waiting room on or off. */
  setWaitingRoom(id: RoomId, host: PeerId, enabled: boolean): Promise<AccessChange> {
    return this.changeAccess(id, host, (room) => {
      if (!room.isHost(host)) throw new AppError(ErrorCode.NOT_HOST, 'only a host may change this');
      room.setWaitingRoom(enabled);
    });
  }

  /**
   * A host lets `guest` in from the waiting room: it becomes a member with
   * a seat (ROOM_FULL if none is free; it keeps waiting then).
   */
  admit(id: RoomId, host: PeerId, guest: PeerId): Promise<AdmitOutcome> {
    return this.store.update<AdmitOutcome>(id, (room) => {
      if (!room?.has(host)) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      if (!room.isHost(host)) throw new AppError(ErrorCode.NOT_HOST, 'only a host may admit');
      const entry = room.takeWaiting(guest);
      if (!entry) throw new AppError(ErrorCode.PEER_NOT_FOUND, 'nobody waits under that id');
      const participant = this.fresh(entry.id, entry.name, entry.media, entry.socketId, entry.role);
      try {
        room.add(participant);
      } catch (err) {
        room.addWaiting(entry);
        throw err;
      }
      const entered = room.calls.enter(id, participant.id, this.newCallId, participant.joinedAt);
      const callEffect = entered && resolveCallEffect(room, entered);
      room.markSessionIssued(participant.id);
      return {
        room,
        result: {
          kind: 'joined',
          ...this.joinedView(room, participant),
          callEffect,
          socketId: entry.socketId,
          hosts: room.hostAddresses(),
          waiting: room.waitingList(),
        },
      };
    });
  }

  /** A host turns `guest` away (or the guest's socket went): out of the waiting room. */
  deny(id: RoomId, host: PeerId | null, guest: PeerId): Promise<WaitingChange> {
    return this.store.update(id, (room) => {
      if (!room) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      if (host !== null) {
        if (!room.has(host)) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
        if (!room.isHost(host)) throw new AppError(ErrorCode.NOT_HOST, 'only a host may deny');
      }
      const entry = room.takeWaiting(guest);
      if (!entry) throw new AppError(ErrorCode.PEER_NOT_FOUND, 'nobody waits under that id');
      return {
        room: room.isEmpty() ? null : room,
        result: {
          socketId: entry.socketId,
          hosts: room.hostAddresses(),
          waiting: room.waitingList(),
        },
      };
    });
  }

  /** A waiting guest's socket went away: it leaves the waiting room. */
  dropWaiting(id: RoomId, socketId: string): Promise<WaitingChange | null> {
    return this.store.update(id, (room) => {
      const entry = room?.dropWaitingSocket(socketId);
      if (!room || !entry) return { room: room ?? null, result: null };
      return {
        room: room.isEmpty() ? null : room,
        result: { socketId, hosts: room.hostAddresses(), waiting: room.waitingList() },
      };
    });
  }

  private fresh(
    id: PeerId,
    name: string,
    media: MediaState,
    socketId: string,
    role: RoomRole,
  ): Participant {
    return {
      id,
      name,
      media: { audio: media.audio, video: media.video, screen: media.screen },
      joinedAt: this.now(),
      socketId,
      connection: 'connected',
      closing: false,
      tokenCallKey: '',
      claimedCall: null,
      viaToken: false,
      role,
    };
  }

  /** What a member sees of the room when it enters. */
  private joinedView(room: Room, participant: Participant) {
    return {
      self: peerInfo(participant),
      peers: room.peers(participant.id),
      capacity: room.capacity,
      options: { ...room.options },
      access: room.access(),
      role: participant.role,
      call: room.calls.current()?.info() ?? null,
      chat: room.chat.list(),
      session: room.sessionRecord(participant.id),
      /** Hosts see who waits. */
      waiting: participant.role === 'host' ? room.waitingList() : [],
    };
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
