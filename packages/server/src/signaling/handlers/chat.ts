import { requireJoined, roomChannel } from '../session.js';
import type { HandlerMap } from '../types.js';

export const chatHandlers = {
  /**
   * Chat to the whole room. The stored, stamped message goes to every other
   * member and back to the sender in the ack (one copy each, no echo).
   */
  'chat:send': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const message = await ctx.chat.send(m.roomId, m.peerId, p.text);
    ctx.socket.to(roomChannel(m.roomId)).emit('chat:message', message);
    return { message };
  },
} satisfies Partial<HandlerMap>;
