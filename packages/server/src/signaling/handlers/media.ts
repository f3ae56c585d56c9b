import { requireJoined, roomChannel } from '../session.js';
import type { HandlerMap } from '../types.js';

export const mediaHandlers = {
  /** Mute / camera state: stored, and everyone else in the room sees the full PeerInfo. */
  'media:update': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const info = await ctx.rooms.updateMedia(m.roomId, m.peerId, p);
    ctx.socket.to(roomChannel(m.roomId)).emit('peer:updated', info);
    return {};
  },
} satisfies Partial<HandlerMap>;
