import {
  ErrorCode,
  type PeerId,
  type PeerLeftReason,
  type JoinResult,
  type RoomAccess,
  type RoomId,
  type WaitingGuest,
} from '@parley/protocol';
import type { JoinOutcome } from '../../rooms/RoomRegistry.js';
import type { JoinClaims } from '../../session/joinTokens.js';
import { leaveWaitingRoom } from './waiting.js';
import type { SessionRecord } from '../../session/ResumeTokens.js';
import { AppError } from '../../errors.js';
import { hashPassword, verifyPassword } from '../../rooms/passwords.js';
import type { LeaveOutcome } from '../../rooms/RoomRegistry.js';
import type { Orphan } from '../../cluster/NodeRegistry.js';
import { buildIceConfig } from '../../turn/credentials.js';
import { publishCallEffect } from '../publishCallEffect.js';
import { withSocket } from '../socketContext.js';
import { membershipOf, requireJoined, roomChannel } from '../session.js';
import type { HandlerMap, ParleySocket, RequestContext, SignalingContext } from '../types.js';

/** Media state of a participant who joined without saying: not sending anything yet. */
const NO_MEDIA = { audio: false, video: false, screen: null } as const;

/** New sessions are refused while the server drains (SIGTERM). */
export function refuseWhileDraining(ctx: SignalingContext): void {
  if (ctx.lifecycle.draining) {
    throw new AppError(ErrorCode.UNAVAILABLE, 'the server is shutting down: retry shortly', true);
  }
}

/**
 * Tell the room that `peer` is gone: its part of the room's call ended
 * first (so a client sees the call change before the person disappears),
 * then `peer:left`. Whatever waited for it is dropped.
 */
export function announceDeparture(
  ctx: SignalingContext,
  room: RoomId,
  peer: PeerId,
  out: LeaveOutcome,
  reason: PeerLeftReason,
  exceptSocket?: string,
): void {
  ctx.graceTimers.cancel(room, peer);
  ctx.outbox.discard(room, peer);
  ctx.members.released(room, peer);
  if (out.call) publishCallEffect(ctx, room, out.call);
  const channel = ctx.io.to(roomChannel(room));
  (exceptSocket === undefined ? channel : channel.except(exceptSocket)).emit('peer:left', {
    id: peer,
    reason,
  });
}

/**
 * Remove the socket's participant from its room at once (an explicit
 * leave). Returns false if the socket had not joined.
 */
export async function leaveRoom(ctx: RequestContext, reason: PeerLeftReason): Promise<boolean> {
  const m = membershipOf(ctx.socket);
  if (!m) return false;
  ctx.socket.data.peerId = null;
  ctx.socket.data.roomId = null;
  const out = await ctx.rooms.leave(m.roomId, m.peerId, reason);
  if (ctx.socket.connected) await ctx.socket.leave(roomChannel(m.roomId));
  announceDeparture(ctx, m.roomId, m.peerId, out, reason, ctx.socket.id);
  return true;
}

/**
 * The socket dropped without a leave: its participant keeps seat and call
 * as 'reconnecting' for the grace period (the short one when its page said
 * it was going away), then leaves unless it resumed.
 */
export async function dropConnection(ctx: RequestContext): Promise<void> {
  const m = membershipOf(ctx.socket);
  if (!m) return;
  ctx.socket.data.peerId = null;
  ctx.socket.data.roomId = null;
  const out = await ctx.rooms.drop(m.roomId, m.peerId, ctx.socket.id);
  if (!out) {
    ctx.members.released(m.roomId, m.peerId); // resumed on another socket meanwhile
    return;
  }
  const { resumeGraceMs, closedTabGraceMs } = ctx.config.session;
  ctx.graceTimers.arm(m.roomId, m.peerId, out.closing ? closedTabGraceMs : resumeGraceMs);
  ctx.members.dropped(m.roomId, m.peerId);
  ctx.io
    .to(roomChannel(m.roomId))
    .emit('peer:connection', { id: m.peerId, connection: 'reconnecting' });
}

/**
 * A member of a node that died (multi-node): it is dropped as if its
 * socket had gone here, and its grace runs on this node. If it resumed
 * elsewhere meanwhile, the grace expiry finds it connected and does nothing.
 */
export async function adoptOrphan(ctx: SignalingContext, orphan: Orphan): Promise<void> {
  const { room, peer, socketId } = orphan;
  if (socketId !== null) {
    const out = await ctx.rooms.drop(room, peer, socketId);
    if (out) {
      ctx.io
        .to(roomChannel(room))
        .emit('peer:connection', { id: peer, connection: 'reconnecting' });
    }
  }
  ctx.graceTimers.arm(room, peer, ctx.config.session.resumeGraceMs);
  ctx.members.dropped(room, peer);
}

/** A dropped member's grace ran out before it resumed: now it has left. */
export async function expireSession(
  ctx: SignalingContext,
  room: RoomId,
  peer: PeerId,
): Promise<void> {
  const out = await ctx.rooms.expire(room, peer);
  if (out) announceDeparture(ctx, room, peer, out, 'disconnected');
  else ctx.members.released(room, peer);
}

/**
 * Check a joiner's password against the room's, before the join itself:
 * null when the room needs none (or does not exist yet), else the hash it
 * was verified against (the join re-checks that it is still the room's).
 * Wrong tries are limited per client address and room.
 */
async function checkPassword(
  ctx: RequestContext,
  room: RoomId,
  password: string | undefined,
): Promise<string | null> {
  const access = await ctx.rooms.accessOf(room);
  if (!access) return null;
  if (access.locked) throw new AppError(ErrorCode.ROOM_LOCKED, 'this room is locked');
  if (access.passwordHash === null) return null;
  if (password === undefined) {
    throw new AppError(ErrorCode.PASSWORD_REQUIRED, 'this room needs a password');
  }
  const address = ctx.socket.handshake.address;
  const wait = ctx.passwordAttempts.retryAfterMs(address, room);
  if (wait > 0) {
    throw new AppError(ErrorCode.RATE_LIMITED, 'too many wrong passwords: wait', true, wait);
  }
  if (!(await verifyPassword(password, access.passwordHash))) {
    ctx.passwordAttempts.failed(address, room);
    throw new AppError(ErrorCode.WRONG_PASSWORD, 'wrong password');
  }
  ctx.passwordAttempts.succeeded(address, room);
  return access.passwordHash;
}

/**
 * A socket becomes a member: membership, the room channel, the others hear
 * `peer:joined`, a meeting-room call change is published; returns what the
 * member needs (the join result). Also used when a host admits a guest.
 */
export async function completeEntry(
  ctx: SignalingContext,
  socket: ParleySocket,
  room: RoomId,
  joined: JoinOutcome,
): Promise<JoinResult> {
  socket.data.peerId = joined.self.id;
  socket.data.roomId = room;
  const channel = roomChannel(room);
  if (!socket.connected) {
    // The socket went while we joined (its disconnect clean-up saw no
    // membership yet): no participant may outlive its connection.
    await leaveRoom(withSocket(ctx, socket), 'disconnected');
    throw new AppError(ErrorCode.NOT_IN_ROOM, 'disconnected during the join');
  }
  await socket.join(channel);
  ctx.members.connected(room, joined.self.id, socket.id);
  socket.to(channel).emit('peer:joined', joined.self);
  // joinCallOnEntry: the others hear about the call only after the newcomer.
  if (joined.callEffect) {
    publishCallEffect(ctx, room, joined.callEffect, { except: socket.id });
  }
  if (joined.role === 'host' && joined.waiting.length > 0) {
    setImmediate(() => socket.emit('waiting:updated', { waiting: joined.waiting }));
  }
  return {
    room,
    self: joined.self,
    peers: joined.peers,
    capacity: joined.capacity,
    ice: buildIceConfig(ctx.config.turn, joined.self.id, Date.now()),
    options: joined.options,
    access: joined.access,
    role: joined.role,
    call: joined.call,
    chat: joined.chat,
    session: ctx.tokens.issue(joined.session, ctx.rooms.epoch),
    instantAnswer: ctx.config.instantAnswer,
  };
}

/** Hosts see the waiting room as it is now. */
export function notifyHosts(
  ctx: SignalingContext,
  hosts: readonly string[],
  waiting: readonly WaitingGuest[],
): void {
  if (hosts.length > 0) ctx.io.to([...hosts]).emit('waiting:updated', { waiting: [...waiting] });
}

/** The room's access changed: every member hears it and gets a token that records it. */
export function publishAccess(
  ctx: SignalingContext,
  room: RoomId,
  change: { access: RoomAccess; sessions: readonly { socketId: string; record: SessionRecord }[] },
): void {
  ctx.io.to(roomChannel(room)).emit('room:access', change.access);
  for (const { socketId, record } of change.sessions) {
    ctx.io.to(socketId).emit('session:token', ctx.tokens.issue(record, ctx.rooms.epoch));
  }
}

/**
 * With REQUIRE_JOIN_TOKEN, a room is visible only to holders of a token for
 * it; any join token names the one room it is good for.
 */
function tokenFor(ctx: RequestContext, room: RoomId): JoinClaims | null {
  const claims = ctx.socket.data.joinClaims;
  if (claims === null) {
    if (ctx.config.joinTokens.required) {
      throw new AppError(ErrorCode.JOIN_TOKEN_REQUIRED, 'this server needs a join token');
    }
    return null;
  }
  if (claims.room !== room) {
    throw new AppError(ErrorCode.JOIN_TOKEN_WRONG_ROOM, 'the join token is for another room');
  }
  return claims;
}

export const roomHandlers = {
  'room:check': (ctx, p) => {
    tokenFor(ctx, p.room);
    return ctx.rooms.check(p.room);
  },

  'room:join': async (ctx, p) => {
    const current = membershipOf(ctx.socket);
    if (current) {
      throw new AppError(
        ErrorCode.ALREADY_IN_ROOM,
        `already in room "${current.roomId}": leave it first`,
      );
    }
    if (ctx.socket.data.waitingIn !== null) {
      throw new AppError(ErrorCode.ALREADY_IN_ROOM, 'already waiting to be let in');
    }
    refuseWhileDraining(ctx);
    const token = tokenFor(ctx, p.room);
    // A token's holder was let in by the embedding app: its name, its role, no password.
    const verifiedHash = token ? null : await checkPassword(ctx, p.room, p.password);
    // A room this join creates gets the given password (hashed; never kept in clear).
    const newPasswordHash =
      verifiedHash === null && p.password !== undefined ? await hashPassword(p.password) : null;
    const joined = await ctx.rooms.join(p.room, {
      ...(token ? { tokenRole: token.role } : {}),
      ...(token?.waitingRoom === true ? { tokenWaiting: true } : {}),
      ...(p.waitingRoom === true ? { waitingRoom: true } : {}),
      name: token?.name ?? p.name,
      media: p.media ?? NO_MEDIA,
      socketId: ctx.socket.id,
      options: p.options,
      verifiedHash,
      newPasswordHash,
    });
    if (joined.kind === 'waiting') {
      // In the waiting room: not a member, nothing of the room reaches this socket.
      ctx.socket.data.waitingIn = p.room;
      notifyHosts(ctx, joined.hosts, joined.waiting);
      if (!ctx.socket.connected) await leaveWaitingRoom(ctx);
      throw new AppError(ErrorCode.IN_WAITING_ROOM, 'waiting for a host to let you in', true);
    }
    return completeEntry(ctx, ctx.socket, p.room, joined);
  },

  'room:set-password': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const hash = p.password === null ? null : await hashPassword(p.password);
    const change = await ctx.rooms.setPassword(m.roomId, m.peerId, hash);
    publishAccess(ctx, m.roomId, change);
    return change.access;
  },

  'room:lock': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const change = await ctx.rooms.setLocked(m.roomId, m.peerId, p.locked);
    publishAccess(ctx, m.roomId, change);
    return change.access;
  },

  'room:leave': async (ctx) => {
    if (await leaveWaitingRoom(ctx)) return {};
    requireJoined(ctx.socket);
    await leaveRoom(ctx, 'left');
    return {};
  },
} satisfies Partial<HandlerMap>;
