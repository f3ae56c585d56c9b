import { requireJoined, roomChannel } from '../session.js';
import type { HandlerMap } from '../types.js';

export const chatHandlers = {
  /**
   * Chat to the whole room. The stored, stamped message goes to every other
   * member and back to the sender in the ack (one copy each, no echo). A
   * retry with the same nonce gets the stored message and relays nothing.
   */
  'chat:send': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const { message, duplicate } = await ctx.chat.send(m.roomId, m.peerId, p.text, p.nonce);
    if (!duplicate) ctx.socket.to(roomChannel(m.roomId)).emit('chat:message', message);
    return { message };
  },
} satisfies Partial<HandlerMap>;
