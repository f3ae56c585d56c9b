import { buildIceConfig } from '../../turn/credentials.js';
import { requireJoined } from '../session.js';
import type { HandlerMap } from '../types.js';

export const iceHandlers = {
  /**
   * Fresh ICE servers (TURN credentials expire). Only for joined sockets:
   * relay credentials are a resource, not something to hand to anyone who
   * opens a socket. Minted for this participant's id.
   */
  'ice:refresh': (ctx) => {
    const m = requireJoined(ctx.socket);
    return Promise.resolve(buildIceConfig(ctx.config.turn, m.peerId, Date.now()));
  },
} satisfies Partial<HandlerMap>;
