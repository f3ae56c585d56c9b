import { ErrorCode, type RoomId } from '@parley/protocol';
import type { AdmitOutcome } from '../rooms/RoomRegistry.js';
import { completeEntry } from './handlers/room.js';
import { roomChannel } from './session.js';
import type { ParleySocket, SignalingContext } from './types.js';

/**
 * What a host does to another person's socket (let in, turn away, send
 * out). The socket may be held by another node of the deployment: the
 * operation then runs there (Socket.IO's serverSideEmit through the Redis
 * adapter), since only the holding node can change a socket's membership.
 */
export type SocketOp =
  | {
      readonly kind: 'admit';
      readonly socketId: string;
      readonly room: RoomId;
      readonly outcome: AdmitOutcome;
    }
  | { readonly kind: 'deny'; readonly socketId: string; readonly room: RoomId }
  | { readonly kind: 'remove'; readonly socketId: string; readonly room: RoomId };

/**
 * Run `op` on the node that holds its socket. Resolves whether it was
 * applied (false: the socket is gone or no longer waits; the caller cleans up).
 */
export async function runSocketOp(ctx: SignalingContext, op: SocketOp): Promise<boolean> {
  const local = ctx.io.sockets.sockets.get(op.socketId);
  if (local) return applySocketOp(ctx, local, op);
  if (ctx.config.redis === null) return false;
  // The adapter answers once every live node replied, or after its own
  // timeout with the replies that did arrive (a node that just died never answers).
  return new Promise<boolean>((resolve) => {
    ctx.io.serverSideEmit('parley:socket-op', op, (err: Error | null, replies: boolean[]) => {
      if (err) ctx.log.debug({ op: op.kind }, 'a node did not answer a socket operation');
      resolve(replies.some((r) => r));
    });
  });
}

/** Answer the other nodes' operations on sockets this node holds. */
export function registerSocketOps(ctx: SignalingContext): void {
  ctx.io.on('parley:socket-op', (op, ack) => {
    const socket = ctx.io.sockets.sockets.get(op.socketId);
    if (!socket) {
      ack(false);
      return;
    }
    applySocketOp(ctx, socket, op).then(ack, (err: unknown) => {
      ctx.log.error({ err, op: op.kind }, 'socket operation failed');
      ack(false);
    });
  });
}

async function applySocketOp(
  ctx: SignalingContext,
  socket: ParleySocket,
  op: SocketOp,
): Promise<boolean> {
  switch (op.kind) {
    case 'admit': {
      if (!socket.connected || socket.data.waitingIn !== op.room) return false;
      socket.data.waitingIn = null;
      const result = await completeEntry(ctx, socket, op.room, op.outcome);
      socket.emit('waiting:admitted', result);
      return true;
    }
    case 'deny':
      socket.data.waitingIn = null;
      socket.emit('waiting:denied', { reason: 'denied' });
      return true;
    case 'remove':
      socket.data.peerId = null;
      socket.data.roomId = null;
      void socket.leave(roomChannel(op.room));
      socket.emit('room:removed', { reason: 'removed' });
      socket.emit('server:error', {
        code: ErrorCode.ENTRY_DENIED,
        message: 'a host removed you from the room',
      });
      socket.disconnect(true);
      return true;
  }
}
