import { requireJoined, roomChannel } from '../session.js';
import { runSocketOp } from '../socketOps.js';
import type { HandlerMap, RequestContext } from '../types.js';
import { announceDeparture, notifyHosts, publishAccess } from './room.js';

/**
 * The waiting room and host controls. Someone waiting is not a member: its
 * socket is in no room channel and holds no membership, so nothing of the
 * room (members, chat, calls, SDP, candidates, TURN credentials) reaches it
 * until a host admits it.
 */

/** The socket leaves the waiting room it is in (its own leave, or it went). Returns whether it waited. */
export async function leaveWaitingRoom(ctx: RequestContext): Promise<boolean> {
  const room = ctx.socket.data.waitingIn;
  if (room === null) return false;
  ctx.socket.data.waitingIn = null;
  const change = await ctx.rooms.dropWaiting(room, ctx.socket.id);
  if (change) notifyHosts(ctx, change.hosts, change.waiting);
  return true;
}

export const waitingHandlers = {
  /** A host lets a waiting guest in: the guest gets `waiting:admitted` with the join result. */
  'waiting:admit': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const out = await ctx.rooms.admit(m.roomId, m.peerId, p.id);
    notifyHosts(ctx, out.hosts, out.waiting);
    const admitted = await runSocketOp(ctx, {
      kind: 'admit',
      socketId: out.socketId,
      room: m.roomId,
      outcome: out,
    });
    if (!admitted) {
      // Gone meanwhile: the seat is given up again.
      const left = await ctx.rooms.leave(m.roomId, out.self.id, 'disconnected');
      announceDeparture(ctx, m.roomId, out.self.id, left, 'disconnected');
    }
    return {};
  },

  /** A host turns a waiting guest away: it is told so and is out. */
  'waiting:deny': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const out = await ctx.rooms.deny(m.roomId, m.peerId, p.id);
    notifyHosts(ctx, out.hosts, out.waiting);
    await runSocketOp(ctx, { kind: 'deny', socketId: out.socketId, room: m.roomId });
    return {};
  },

  /** A host switches the waiting room on or off. */
  'room:waiting': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const change = await ctx.rooms.setWaitingRoom(m.roomId, m.peerId, p.enabled);
    publishAccess(ctx, m.roomId, change);
    return change.access;
  },

  /**
   * A host sends a participant out: the room sees it leave ('removed'), the
   * removed person is told why and disconnected; its session cannot be
   * resumed, and the waiting room is now on (it needs admission to return).
   */
  'room:remove': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const out = await ctx.rooms.remove(m.roomId, m.peerId, p.peer);
    if (out.socketId !== null) {
      await runSocketOp(ctx, { kind: 'remove', socketId: out.socketId, room: m.roomId });
    }
    announceDeparture(ctx, m.roomId, p.peer, out, 'removed');
    ctx.io.to(roomChannel(m.roomId)).emit('room:access', out.access);
    return {};
  },
} satisfies Partial<HandlerMap>;
