import {
  ErrorCode,
  PROTOCOL_VERSION,
  type ConnectErrorData,
  type HandshakeAuth,
} from '@parley/protocol';
import { AppError } from '../errors.js';
import { joinTokenKey, verifyJoinToken, type JoinClaims } from '../session/joinTokens.js';
import { Connection } from './Connection.js';
import { handleInbound } from './handle.js';
import { callHandlers } from './handlers/call.js';
import { chatHandlers } from './handlers/chat.js';
import { iceHandlers } from './handlers/ice.js';
import { mediaHandlers } from './handlers/media.js';
import { relayHandlers } from './handlers/relay.js';
import { dropConnection, leaveRoom, roomHandlers } from './handlers/room.js';
import { leaveWaitingRoom, waitingHandlers } from './handlers/waiting.js';
import { sessionHandlers } from './handlers/session.js';
import type { HandlerMap, ParleyServer, SignalingContext } from './types.js';

/** Every client event has exactly one handler (checked by the type). */
export const handlers: HandlerMap = {
  ...roomHandlers,
  ...sessionHandlers,
  ...waitingHandlers,
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

function refuse(next: (err?: Error) => void, refusal: ConnectErrorData): void {
  const err = new Error(refusal.message) as Error & { data: ConnectErrorData };
  err.data = refusal;
  next(err);
}

export function registerHandlers(io: ParleyServer, ctx: SignalingContext): void {
  const joinKey = ctx.config.joinTokens.secret ? joinTokenKey(ctx.config.joinTokens.secret) : null;
  const claimsOf = new WeakMap<object, JoinClaims>();
  io.use((socket, next) => {
    const refusal = checkProtocolVersion(socket.handshake.auth);
    if (refusal) {
      refuse(next, refusal);
      return;
    }
    // A join token (from an embedding app) travels in the handshake, never in a URL.
    const token = (socket.handshake.auth as { joinToken?: unknown } | null)?.joinToken;
    if (token === undefined) {
      next();
      return;
    }
    if (!joinKey) {
      refuse(next, { code: ErrorCode.UNAUTHORIZED, message: 'this server takes no join tokens' });
      return;
    }
    verifyJoinToken(token, joinKey).then(
      (claims) => {
        claimsOf.set(socket, claims);
        next();
      },
      (err: unknown) => {
        if (err instanceof AppError) refuse(next, { code: err.code, message: err.message });
        else refuse(next, { code: ErrorCode.INTERNAL, message: 'could not check the join token' });
      },
    );
  });

  io.on('connection', (socket) => {
    socket.data = {
      peerId: null,
      roomId: null,
      joinClaims: claimsOf.get(socket) ?? null,
      waitingIn: null,
    };
    const conn = new Connection(ctx, socket);
    conn.ctx.log.debug({ transport: socket.conn.transport.name }, 'socket connected');

    socket.onAny((event: unknown, ...args: unknown[]) => {
      try {
        handleInbound(conn, handlers, event, args);
      } catch (err) {
        // Last line of defence: nothing a client sends may escape into the process.
        conn.ctx.log.error({ err }, 'inbound dispatch failed');
      }
    });

    // Without a listener, an 'error' emitted on the socket (e.g. a client
    // sending an event named "error") would throw and crash the process.
    socket.on('error', (err) => {
      conn.ctx.log.debug(
        { err: err instanceof Error ? err.message : 'error event' },
        'socket error',
      );
    });

    // A drop (transport closed, heartbeat lost, server shutting down) is not
    // a leave: the member keeps seat and call for the grace period. A client
    // that closes its socket on purpose has left.
    socket.on('disconnect', (reason) => {
      conn.ctx.log.debug({ reason }, 'socket disconnected');
      const deliberate = reason === 'client namespace disconnect';
      conn.enqueue(async () => {
        try {
          await leaveWaitingRoom(conn.ctx);
          if (deliberate) await leaveRoom(conn.ctx, 'disconnected');
          else await dropConnection(conn.ctx);
        } catch (err) {
          conn.ctx.log.error({ err }, 'clean-up after disconnect failed');
        }
      });
    });
  });
}
