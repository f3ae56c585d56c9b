import { requireJoined } from '../session.js';
import type { HandlerMap } from '../types.js';

/**
 * SDP and ICE relay. The server checks that sender and target are both
 * participants of the call in the sender's room, sends to the target's
 * socket only, and stamps `from` itself (the strict schema already refused a
 * client-supplied one). Payloads are never logged: SDP and candidates carry
 * IP addresses.
 */
export const relayHandlers = {
  'signal:description': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const target = await ctx.calls.relayTarget(m.roomId, p.callId, m.peerId, p.to);
    ctx.io.to(target).emit('signal:description', {
      callId: p.callId,
      from: m.peerId,
      description: p.description,
    });
    return {};
  },

  'signal:candidate': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const target = await ctx.calls.relayTarget(m.roomId, p.callId, m.peerId, p.to);
    ctx.io.to(target).emit('signal:candidate', {
      callId: p.callId,
      from: m.peerId,
      candidate: p.candidate,
    });
    return {};
  },
} satisfies Partial<HandlerMap>;
