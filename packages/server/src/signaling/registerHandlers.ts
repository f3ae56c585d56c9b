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
import { shareEmptyHandshake } from './leanConnections.js';
import { logsAt, socketContexts } from './socketContext.js';
import type { HandlerMap, ParleyServer, ParleySocket, SignalingContext } from './types.js';

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

  // One listener of each kind for every socket, finding the socket's
  // Connection by `this` (Socket.IO calls them on the socket): a closure
  // per socket and event is ~100 bytes a member that idles for hours.
  const connections = new WeakMap<ParleySocket, Connection>();
  const contextOf = socketContexts(ctx);

  function onInbound(this: ParleySocket, event: unknown, ...args: unknown[]): void {
    const conn = connections.get(this);
    if (!conn) return;
    try {
      handleInbound(conn, handlers, event, args);
    } catch (err) {
      // Last line of defence: nothing a client sends may escape into the process.
      conn.ctx.log.error({ err }, 'inbound dispatch failed');
    }
  }

  function onError(this: ParleySocket, err: unknown): void {
    connections
      .get(this)
      ?.ctx.log.debug({ err: err instanceof Error ? err.message : 'error event' }, 'socket error');
  }

  // A drop (transport closed, heartbeat lost, server shutting down) is not
  // a leave: the member keeps seat and call for the grace period. A client
  // that closes its socket on purpose has left.
  function onDisconnect(this: ParleySocket, reason: string): void {
    const conn = connections.get(this);
    if (!conn) return;
    if (logsAt(ctx, 'debug')) conn.ctx.log.debug({ reason }, 'socket disconnected');
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
  }

  io.on('connection', (socket) => {
    socket.data = {
      peerId: null,
      roomId: null,
      joinClaims: claimsOf.get(socket) ?? null,
      waitingIn: null,
    };
    const conn = new Connection(contextOf(socket));
    connections.set(socket, conn);
    if (logsAt(ctx, 'debug')) {
      conn.ctx.log.debug({ transport: socket.conn.transport.name }, 'socket connected');
    }
    shareEmptyHandshake(socket);
    socket.onAny(onInbound);
    // An 'error' emitted on the socket (e.g. a client sending an event named
    // "error") cannot throw: Socket.IO (>= 4.8, see package.json) listens
    // for it itself. Parley's listener only logs, so it is added only when
    // its lines are written (one array less per socket otherwise).
    if (logsAt(ctx, 'debug')) socket.on('error', onError);
    socket.on('disconnect', onDisconnect);
  });
}
