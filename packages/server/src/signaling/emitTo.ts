import type { ServerToClientEvents } from '@parley/protocol';
import type { SignalingContext } from './types.js';

/** What the server can send to one socket. */
export interface SocketEmitter {
  emit<E extends keyof ServerToClientEvents>(
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): boolean;
}

/**
 * The way to one socket by its id: the socket object itself when this node
 * holds it (no room lookup, no broadcast: the hot path of relayed signals),
 * else through the adapter (another node of the deployment holds it).
 */
export function toSocket(ctx: SignalingContext, socketId: string): SocketEmitter {
  // Both emit the same events the same way; the cast joins their overloads.
  return (ctx.io.sockets.sockets.get(socketId) ?? ctx.io.to(socketId)) as unknown as SocketEmitter;
}
