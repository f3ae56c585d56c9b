import {
  type ChatMessage,
  ErrorCode,
  Limits,
  type MediaState,
  type PeerId,
  type PeerInfo,
  type RoomAccess,
  type RoomId,
  type RoomOptions,
  type RoomRole,
  type WaitingGuest,
  type RoomStatus,
} from '@parley/protocol';
import { CallRegistry, type CallRegistrySnapshot } from '../calls/CallRegistry.js';
import { ChatLog } from '../chat/ChatLog.js';
import { AppError } from '../errors.js';
import type { CallClaim, RoomClaim, SessionRecord } from '../session/ResumeTokens.js';
import { peerInfo, type Participant } from './Participant.js';
import { nextParticipantState } from './participantState.js';

export interface RoomSettings {
  /** MAX_ROOM_SIZE. */
  readonly capacity: number;
  /** MESH_MAX_PARTICIPANTS: seats in the room's call. */
  readonly meshMax: number;
  /** Fixed by the join that created the room. */
  readonly options: RoomOptions;
  /** Who created the room, and when (the room's owner: see RoomClaim). */
  readonly createdBy: PeerId;
  readonly createdAt: number;
  /** scrypt record of the password (see passwords.ts); null = none. */
  readonly passwordHash?: string | null;
  readonly locked?: boolean;
  readonly waitingRoom?: boolean;
  readonly removed?: readonly PeerId[];
}

/** Someone waiting for a host to let them in: not a member, sees nothing of the room. */
export interface WaitingEntry {
  readonly id: PeerId;
  readonly name: string;
  readonly media: MediaState;
  readonly since: number;
  readonly socketId: string;
  readonly role: RoomRole;
}

/** A room as a shared store keeps it (JSON): everything, so any node can rebuild it. */
export interface RoomSnapshot {
  readonly id: RoomId;
  readonly settings: RoomSettings;
  readonly members: readonly Participant[];
  readonly waiting: readonly WaitingEntry[];
  readonly calls: CallRegistrySnapshot;
  readonly chat: readonly ChatMessage[];
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
  #options: RoomOptions;
  #createdBy: PeerId;
  #createdAt: number;
  #passwordHash: string | null;
  #locked: boolean;
  #waitingRoom: boolean;
  // Both made on first use: most rooms never have a guest waiting or a
  // member sent out, and an empty Map or Set is ~180 bytes (one per room).
  #waiting: Map<PeerId, WaitingEntry> | null = null;
  #removed: Set<PeerId> | null = null;
  private readonly members = new Map<PeerId, Participant>();

  constructor(
    readonly id: RoomId,
    settings: RoomSettings,
    /** The room's call state when rebuilt from a snapshot; a new room has none. */
    calls?: CallRegistry,
  ) {
    this.capacity = settings.capacity;
    this.#options = { ...settings.options };
    this.#createdBy = settings.createdBy;
    this.#createdAt = settings.createdAt;
    this.#passwordHash = settings.passwordHash ?? null;
    this.#locked = settings.locked ?? false;
    this.#waitingRoom = settings.waitingRoom ?? false;
    if (settings.removed?.length) this.#removed = new Set(settings.removed);
    this.calls =
      calls ??
      new CallRegistry({
        maxMembers: settings.meshMax,
        joinOnEntry: settings.options.joinCallOnEntry,
      });
  }

  snapshot(): RoomSnapshot {
    return {
      id: this.id,
      settings: {
        capacity: this.capacity,
        meshMax: this.calls.maxMembers,
        options: { ...this.#options },
        createdBy: this.#createdBy,
        createdAt: this.#createdAt,
        passwordHash: this.#passwordHash,
        locked: this.#locked,
        waitingRoom: this.#waitingRoom,
        removed: [...(this.#removed ?? [])],
      },
      members: [...this.members.values()].map((p) => ({ ...p, media: { ...p.media } })),
      waiting: [...(this.#waiting?.values() ?? [])],
      calls: this.calls.snapshot(),
      chat: this.chat.list(),
    };
  }

  /** The room exactly as `snapshot()` recorded it. */
  static fromSnapshot(s: RoomSnapshot): Room {
    const room = new Room(s.id, s.settings, CallRegistry.fromSnapshot(s.calls));
    for (const p of s.members) room.members.set(p.id, { ...p, media: { ...p.media } });
    for (const w of s.waiting) room.waitingMap().set(w.id, { ...w });
    for (const m of s.chat) room.chat.add(m);
    return room;
  }

  get options(): RoomOptions {
    return this.#options;
  }

  get createdBy(): PeerId {
    return this.#createdBy;
  }

  get passwordHash(): string | null {
    return this.#passwordHash;
  }

  get locked(): boolean {
    return this.#locked;
  }

  access(): RoomAccess {
    return {
      passwordRequired: this.#passwordHash !== null,
      locked: this.#locked,
      waitingRoom: this.#waitingRoom,
    };
  }

  get waitingRoom(): boolean {
    return this.#waitingRoom;
  }

  setWaitingRoom(enabled: boolean): void {
    this.#waitingRoom = enabled;
  }

  /** Put a newcomer in the waiting room (it holds no seat and sees nothing). */
  addWaiting(entry: WaitingEntry): void {
    const waiting = this.waitingMap();
    if (waiting.size >= 100) {
      throw new AppError(ErrorCode.ROOM_FULL, 'too many people are waiting', true);
    }
    waiting.set(entry.id, entry);
  }

  private waitingMap(): Map<PeerId, WaitingEntry> {
    return (this.#waiting ??= new Map());
  }

  takeWaiting(id: PeerId): WaitingEntry | undefined {
    const entry = this.#waiting?.get(id);
    this.#waiting?.delete(id);
    return entry;
  }

  /** The waiting entry of a socket that went away, removed. */
  dropWaitingSocket(socketId: string): WaitingEntry | undefined {
    if (!this.#waiting) return undefined;
    for (const entry of this.#waiting.values()) {
      if (entry.socketId === socketId) {
        this.#waiting.delete(entry.id);
        return entry;
      }
    }
    return undefined;
  }

  waitingList(): WaitingGuest[] {
    return [...(this.#waiting?.values() ?? [])].map((e) => ({
      id: e.id,
      name: e.name,
      since: e.since,
    }));
  }

  /** Sockets of the hosts that are connected (they see the waiting room). */
  hostAddresses(): string[] {
    const out: string[] = [];
    for (const p of this.members.values())
      if (p.role === 'host' && p.socketId) out.push(p.socketId);
    return out;
  }

  isHost(id: PeerId): boolean {
    return this.members.get(id)?.role === 'host';
  }

  /** A host sent `id` out: it leaves, and its resume token is no good any more. */
  markRemoved(id: PeerId): void {
    (this.#removed ??= new Set()).add(id);
  }

  isRemoved(id: PeerId): boolean {
    return this.#removed?.has(id) ?? false;
  }

  setPasswordHash(hash: string | null): void {
    this.#passwordHash = hash;
  }

  setLocked(locked: boolean): void {
    this.#locked = locked;
  }

  /**
   * Whether a newcomer may enter: not when locked; with a password only if
   * it was verified against the room's current hash (`verifiedHash`).
   */
  assertEntry(verifiedHash: string | null, admitted = false): void {
    if (this.#locked) throw new AppError(ErrorCode.ROOM_LOCKED, 'this room is locked');
    // A join token's holder was let in by the embedding app: no password asked.
    if (!admitted && this.#passwordHash !== null && verifiedHash !== this.#passwordHash) {
      throw new AppError(ErrorCode.PASSWORD_REQUIRED, 'this room needs a password');
    }
  }

  /** The room as its creator set it up (and its access now), for resume tokens. */
  claim(): RoomClaim {
    return {
      createdAt: this.#createdAt,
      createdBy: this.#createdBy,
      options: { ...this.#options },
      passwordHash: this.#passwordHash,
      locked: this.#locked,
      waitingRoom: this.#waitingRoom,
      removed: [...(this.#removed ?? [])].slice(-64),
    };
  }

  /**
   * A member of a room the server lost (restart) came back with the room's
   * original settings. If this room was created later (someone joined the
   * room id while its members were away), the original wins: whoever raced
   * in first neither owns it nor keeps the settings they chose.
   */
  adoptClaim(claim: RoomClaim): Participant[] {
    if (claim.createdAt >= this.#createdAt) return [];
    this.#createdAt = claim.createdAt;
    this.#createdBy = claim.createdBy;
    this.#options = { ...claim.options };
    this.calls.setJoinOnEntry(claim.options.joinCallOnEntry);
    const protectedNow = claim.passwordHash !== null && claim.passwordHash !== this.#passwordHash;
    this.#passwordHash = claim.passwordHash;
    this.#locked = claim.locked;
    this.#waitingRoom = claim.waitingRoom;
    for (const id of claim.removed) this.markRemoved(id);
    if (!protectedNow && !claim.locked) return [];
    // Who joined while the members were away never gave the room's password
    // (or came into a room that was locked): they are sent out.
    const out = [...this.members.values()].filter((p) => !p.viaToken);
    for (const p of out) {
      this.calls.depart(p.id, 'left');
      this.members.delete(p.id);
    }
    return out;
  }

  get size(): number {
    return this.members.size;
  }

  /** No members and nobody waiting: the room can go. */
  isEmpty(): boolean {
    return this.members.size === 0 && (this.#waiting?.size ?? 0) === 0;
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

  /**
   * Put back a member who held a seat before the server lost the room: it
   * never gets ROOM_FULL for its own seat (a newcomer who took one meanwhile
   * may leave the room over capacity until someone leaves).
   */
  restore(participant: Participant): void {
    if (this.members.has(participant.id)) {
      throw new AppError(ErrorCode.ALREADY_IN_ROOM, 'participant is already in this room');
    }
    this.members.set(participant.id, participant);
  }

  /** The member's socket dropped: seat and call place held. Null if `socketId` is not its socket. */
  markReconnecting(id: PeerId, socketId: string): Participant | null {
    const p = this.members.get(id);
    if (!p || p.socketId !== socketId) return null;
    if (nextParticipantState(p.connection, 'drop') === null) return null;
    p.socketId = null;
    p.connection = 'reconnecting';
    return p;
  }

  /** The member is back on `socketId`; returns the socket it had if that one still counted as live. */
  reconnect(id: PeerId, socketId: string, media: MediaState | undefined): string | null {
    const p = this.members.get(id);
    if (!p || nextParticipantState(p.connection, 'resume') === null) {
      throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in this room');
    }
    const previous = p.socketId !== null && p.socketId !== socketId ? p.socketId : null;
    p.socketId = socketId;
    p.connection = 'connected';
    p.closing = false;
    if (media) p.media = { audio: media.audio, video: media.video, screen: media.screen };
    return previous;
  }

  /** What this member's resume token records (its call: one it takes part in). */
  sessionRecord(id: PeerId): SessionRecord {
    const p = this.members.get(id);
    if (!p) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in this room');
    return {
      room: this.id,
      peer: p.id,
      name: p.name,
      joinedAt: p.joinedAt,
      role: p.role,
      roomClaim: this.claim(),
      call: this.callClaim(id),
    };
  }

  /**
   * Members whose resume token names another call (or other call members)
   * than they now have, marked as up to date: each needs a fresh token.
   */
  takeStaleSessions(): { peer: PeerId; socketId: string }[] {
    const out: { peer: PeerId; socketId: string }[] = [];
    for (const p of this.members.values()) {
      const key = callKey(this.callClaim(p.id));
      if (key === p.tokenCallKey) continue;
      p.tokenCallKey = key;
      if (p.socketId !== null) out.push({ peer: p.id, socketId: p.socketId });
    }
    return out;
  }

  /** Note that `id` was just issued a token for its current call. */
  markSessionIssued(id: PeerId): void {
    const p = this.members.get(id);
    if (p) p.tokenCallKey = callKey(this.callClaim(id));
  }

  private callClaim(id: PeerId): CallClaim | null {
    const call = this.calls.current();
    if (!call?.isParticipant(id)) return null;
    const members = call.info().participants.map((m) => {
      const p = this.members.get(m);
      return { id: m, name: p?.name ?? '?', joinedAt: p?.joinedAt ?? 0 };
    });
    return { id: call.id, initiator: call.initiator, createdAt: call.createdAt, members };
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

  /** Socket ids of the given participants that are still here and connected. */
  addresses(ids: Iterable<PeerId>): string[] {
    const out: string[] = [];
    for (const id of ids) {
      const p = this.members.get(id);
      if (p?.socketId) out.push(p.socketId);
    }
    return out;
  }

  /** Members, in join order. */
  participants(): Participant[] {
    return [...this.members.values()];
  }

  /** A fresh token record for every connected member (the room's access changed). */
  allSessions(): { socketId: string; record: SessionRecord }[] {
    const out: { socketId: string; record: SessionRecord }[] = [];
    for (const p of this.members.values()) {
      if (p.socketId !== null) out.push({ socketId: p.socketId, record: this.sessionRecord(p.id) });
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
      options: { ...this.#options },
      access: this.access(),
    };
  }

  /** The status of a room that does not exist (yet). */
  static absent(id: RoomId, capacity: number): RoomStatus {
    return {
      room: id,
      exists: false,
      participants: 0,
      capacity,
      full: false,
      options: null,
      access: null,
    };
  }
}

/** Call id and members of a claim, to compare the call two tokens name. */
export function callKey(call: CallClaim | null): string {
  return call === null ? '' : `${call.id}:${call.members.map((m) => m.id).join(',')}`;
}
