import { ErrorCode, type PeerLeftReason } from '@parley/protocol';
import { AppError } from '../../errors.js';
import { buildIceConfig } from '../../turn/credentials.js';
import { publishCallEffect } from '../publishCallEffect.js';
import { membershipOf, requireJoined, roomChannel } from '../session.js';
import type { HandlerMap, RequestContext } from '../types.js';

/** Media state of a participant who joined without saying: not sending anything yet. */
const NO_MEDIA = { audio: false, video: false, screen: null } as const;

/**
 * Remove the socket's participant from its room (explicit leave or
 * disconnect). Its part of the room's call ends first, then the room hears
 * `peer:left`, so a client sees the call change before the person
 * disappears.
 * Returns false if the socket had not joined.
 */
export async function leaveRoom(ctx: RequestContext, reason: PeerLeftReason): Promise<boolean> {
  const m = membershipOf(ctx.socket);
  if (!m) return false;
  ctx.socket.data.peerId = null;
  ctx.socket.data.roomId = null;
  const channel = roomChannel(m.roomId);
  const out = await ctx.rooms.leave(m.roomId, m.peerId, reason);
  if (ctx.socket.connected) await ctx.socket.leave(channel);
  if (out.call) publishCallEffect(ctx, m.roomId, out.call);
  ctx.io.to(channel).except(ctx.socket.id).emit('peer:left', { id: m.peerId, reason });
  return true;
}

export const roomHandlers = {
  'room:check': (ctx, p) => ctx.rooms.check(p.room),

  'room:join': async (ctx, p) => {
    const current = membershipOf(ctx.socket);
    if (current) {
      throw new AppError(
        ErrorCode.ALREADY_IN_ROOM,
        `already in room "${current.roomId}": leave it first`,
      );
    }
    const joined = await ctx.rooms.join(p.room, {
      name: p.name,
      media: p.media ?? NO_MEDIA,
      socketId: ctx.socket.id,
      options: p.options,
    });
    ctx.socket.data.peerId = joined.self.id;
    ctx.socket.data.roomId = p.room;
    const channel = roomChannel(p.room);
    // A socket that dropped while we waited is cleaned up by its queued
    // disconnect task; joining the channel now would leak adapter state.
    if (ctx.socket.connected) await ctx.socket.join(channel);
    ctx.socket.to(channel).emit('peer:joined', joined.self);
    // joinCallOnEntry: the others hear about the call only after the newcomer.
    if (joined.callEffect) {
      publishCallEffect(ctx, p.room, joined.callEffect, { except: ctx.socket.id });
    }
    return {
      room: p.room,
      self: joined.self,
      peers: joined.peers,
      capacity: joined.capacity,
      ice: buildIceConfig(ctx.config.turn, joined.self.id, Date.now()),
      options: joined.options,
      call: joined.call,
      chat: joined.chat,
    };
  },

  'room:leave': async (ctx) => {
    requireJoined(ctx.socket);
    await leaveRoom(ctx, 'left');
    return {};
  },
} satisfies Partial<HandlerMap>;
