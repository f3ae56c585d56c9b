import {
  ErrorCode,
  PROTOCOL_VERSION,
  type ConnectErrorData,
  type HandshakeAuth,
} from '@parley/protocol';
import { Connection } from './Connection.js';
import { handleInbound } from './handle.js';
import { callHandlers } from './handlers/call.js';
import { chatHandlers } from './handlers/chat.js';
import { iceHandlers } from './handlers/ice.js';
import { mediaHandlers } from './handlers/media.js';
import { relayHandlers } from './handlers/relay.js';
import { leaveRoom, roomHandlers } from './handlers/room.js';
import type { HandlerMap, ParleyServer, SignalingContext } from './types.js';

/** Every client event has exactly one handler (checked by the type). */
export const handlers: HandlerMap = {
  ...roomHandlers,
  ...mediaHandlers,
  ...iceHandlers,
  ...callHandlers,
  ...relayHandlers,
  ...chatHandlers,
};

/** Refuse a client that speaks another protocol version before it can send anything. */
function checkProtocolVersion(auth: unknown): ConnectErrorData | null {
  const version = (auth as Partial<HandshakeAuth> | null | undefined)?.protocolVersion;
  if (version === PROTOCOL_VERSION) return null;
  return {
    code: ErrorCode.PROTOCOL_VERSION_MISMATCH,
    message: `this server speaks protocol version ${PROTOCOL_VERSION}, the client sent ${
      typeof version === 'number' ? version : 'none'
    }: reload the page or update the client`,
  };
}

export function registerHandlers(io: ParleyServer, ctx: SignalingContext): void {
  io.use((socket, next) => {
    const refusal = checkProtocolVersion(socket.handshake.auth);
    if (!refusal) {
      next();
      return;
    }
    const err = new Error(refusal.message) as Error & { data: ConnectErrorData };
    err.data = refusal;
    next(err);
  });

  io.on('connection', (socket) => {
    socket.data = { peerId: null, roomId: null };
    const conn = new Connection(ctx, socket);

    socket.onAny((event: string, ...args: unknown[]) => {
      handleInbound(conn, handlers, event, args);
    });

    // Without a listener, an 'error' emitted on the socket (e.g. a client
    // sending an event named "error") would throw and crash the process.
    socket.on('error', (err) => {
      conn.ctx.log.debug(
        { err: err instanceof Error ? err.message : 'error event' },
        'socket error',
      );
    });

    socket.on('disconnect', () => {
      conn.enqueue(async () => {
        try {
          await leaveRoom(conn.ctx, 'disconnected');
        } catch (err) {
          conn.ctx.log.error({ err }, 'clean-up after disconnect failed');
        }
      });
    });
  });
}
