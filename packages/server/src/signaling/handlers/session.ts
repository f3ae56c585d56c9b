import { ErrorCode } from '@parley/protocol';
import { AppError } from '../../errors.js';
import { buildIceConfig } from '../../turn/credentials.js';
import { publishCallEffect } from '../publishCallEffect.js';
import { membershipOf, requireJoined, roomChannel } from '../session.js';
import type { HandlerMap } from '../types.js';
import { dropConnection, refuseWhileDraining } from './room.js';

export const sessionHandlers = {
  /**
   * Come back as the same participant (same id, seat, call and media state)
   * after the connection dropped, also on a server that restarted. Nobody
   * sees a leave or a join: the others see the member 'connected' again
   * (or, after a restart, join the rebuilt room); signals that waited for
   * it are delivered right after this answer.
   */
  'session:resume': async (ctx, p) => {
    const current = membershipOf(ctx.socket);
    if (current) {
      throw new AppError(
        ErrorCode.ALREADY_IN_ROOM,
        `already in room "${current.roomId}": leave it first`,
      );
    }
    refuseWhileDraining(ctx);
    const claims = ctx.tokens.verify(p.token);
    if (claims.room !== p.room || claims.peer !== p.peer) {
      throw new AppError(
        ErrorCode.RESUME_TOKEN_MISMATCH,
        'that resume token is for another room or participant',
      );
    }
    const out = await ctx.rooms.resume(p.room, {
      claims,
      socketId: ctx.socket.id,
      media: p.media,
    });
    const { io, socket } = ctx;
    ctx.graceTimers.cancel(p.room, p.peer);
    socket.data.peerId = p.peer;
    socket.data.roomId = p.room;
    const channel = roomChannel(p.room);
    if (!socket.connected) {
      // Gone again before the answer: back to reconnecting (its grace runs).
      await dropConnection(ctx);
      throw new AppError(ErrorCode.NOT_IN_ROOM, 'disconnected during the resume');
    }
    await socket.join(channel);
    ctx.members.connected(p.room, p.peer, socket.id);
    if (out.replacedSocket !== null) {
      // The same session on two connections (a duplicated tab, or a socket
      // the server had not yet seen die): the newest wins.
      io.to(out.replacedSocket).emit('server:error', {
        code: ErrorCode.SESSION_REPLACED,
        message: 'this session was resumed from another connection',
      });
      io.in(out.replacedSocket).disconnectSockets(true);
    }
    for (const gone of out.evicted) {
      // Joined the room while its members were away, without its password.
      socket.to(channel).emit('peer:left', { id: gone.id, reason: 'left' });
      if (gone.socketId !== null) {
        io.to(gone.socketId).emit('server:error', {
          code: ErrorCode.PASSWORD_REQUIRED,
          message: 'this room needs a password',
        });
        io.in(gone.socketId).disconnectSockets(true);
      }
    }
    if (out.kind === 'returned') {
      socket.to(channel).emit('peer:joined', out.self);
    } else {
      socket
        .to(channel)
        .emit(
          'peer:connection',
          p.reloaded === true
            ? { id: p.peer, connection: 'connected', reloaded: true }
            : { id: p.peer, connection: 'connected' },
        );
      if (out.mediaChanged) socket.to(channel).emit('peer:updated', out.self);
    }
    for (const placeholder of out.placeholders) {
      ctx.graceTimers.arm(p.room, placeholder, ctx.config.session.resumeGraceMs);
      ctx.members.dropped(p.room, placeholder);
    }
    if (out.callEffect) publishCallEffect(ctx, p.room, out.callEffect, { except: socket.id });
    if (out.role === 'host' && out.waiting.length > 0) {
      const list = out.waiting;
      setImmediate(() => socket.emit('waiting:updated', { waiting: list }));
    }
    // After the ack (sent when this handler resolves): what waited for us.
    const waiting = await ctx.outbox.take(p.room, p.peer);
    if (waiting.length > 0) {
      setImmediate(() => {
        for (const m of waiting) {
          if (m.event === 'signal:description') socket.emit('signal:description', m.payload);
          else socket.emit('signal:candidate', m.payload);
        }
      });
    }
    ctx.log.info(
      { room: p.room, peer: p.peer, kind: out.kind, restored: out.restored },
      'session resumed',
    );
    return {
      room: p.room,
      self: out.self,
      peers: out.peers,
      capacity: out.capacity,
      ice: buildIceConfig(ctx.config.turn, out.self.id, Date.now()),
      options: out.options,
      access: out.access,
      role: out.role,
      call: out.call,
      chat: out.chat,
      session: ctx.tokens.issue(out.session, ctx.rooms.epoch),
      instantAnswer: ctx.config.instantAnswer,
      restored: out.restored,
    };
  },

  'session:renew': async (ctx) => {
    const m = requireJoined(ctx.socket);
    return ctx.tokens.issue(await ctx.rooms.session(m.roomId, m.peerId), ctx.rooms.epoch);
  },

  'session:closing': async (ctx) => {
    const m = requireJoined(ctx.socket);
    await ctx.rooms.setClosing(m.roomId, m.peerId);
    return {};
  },
} satisfies Partial<HandlerMap>;
