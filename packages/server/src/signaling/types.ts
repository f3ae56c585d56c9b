import type {
  ClientEventName,
  ClientToServerEvents,
  PeerId,
  RoomId,
  ServerToClientEvents,
  AckData,
  ParsedClientMessage,
} from '@parley/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Server, Socket } from 'socket.io';
import type { CallService } from '../calls/CallService.js';
import type { RingTimers } from '../calls/RingTimers.js';
import type { ChatService } from '../chat/ChatService.js';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics/Metrics.js';
import type { PasswordAttempts } from '../rooms/PasswordAttempts.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { OutboxStore } from '../session/Outbox.js';
import type { ResumeTokens } from '../session/ResumeTokens.js';
import type { JoinClaims } from '../session/joinTokens.js';
import type { SessionTimers } from '../session/SessionTimers.js';
import type { MemberIndex } from '../cluster/NodeRegistry.js';
import type { SocketOp } from './socketOps.js';

/**
 * Per-socket identity. Kept plain (no class instances, no promises) because a
 * multi-node adapter serialises `socket.data` for fetchSockets().
 */
export interface SocketData {
  peerId: PeerId | null;
  roomId: RoomId | null;
  /** The verified claims of the join token sent in the handshake, if any. */
  joinClaims: JoinClaims | null;
  /** In this room's waiting room (not a member: it receives nothing of the room). */
  waitingIn: RoomId | null;
}

/** Between the nodes of a multi-node deployment (Socket.IO's serverSideEmit). */
interface InterServerEvents {
  /** Run an operation on a socket that another node holds (see socketOps.ts). */
  'parley:socket-op': (op: SocketOp, ack: (handled: boolean) => void) => void;
}

export type ParleyServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ParleySocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/** Everything a handler may use; built once per app. */
export interface SignalingContext {
  readonly io: ParleyServer;
  readonly config: Config;
  readonly rooms: RoomRegistry;
  readonly calls: CallService;
  readonly chat: ChatService;
  readonly ringTimers: RingTimers;
  /** The signaling logger; a connection's handlers get its child with `socketId`. */
  readonly log: FastifyBaseLogger;
  /** Prometheus metrics of this app (GET /metrics). */
  readonly metrics: Metrics;
  /** Resume tokens (signed with SESSION_SECRET). */
  readonly tokens: ResumeTokens;
  /** Grace timers of members whose connection dropped. */
  readonly graceTimers: SessionTimers;
  /** Relayed signals waiting for a reconnecting member. */
  readonly outbox: OutboxStore;
  readonly lifecycle: Lifecycle;
  /** Which members this node is responsible for (multi-node: adopted by another node if it dies). */
  readonly members: MemberIndex;
  /** Wrong-password tries per client address and room. */
  readonly passwordAttempts: PasswordAttempts;
}

/** Whether the server still takes new sessions, and how much work is in flight. */
export interface Lifecycle {
  /** SIGTERM: no new joins or resumes (UNAVAILABLE); clients were told to reconnect. */
  draining: boolean;
  /** Inbound messages queued or being handled, over all connections. */
  inFlight: number;
}

/** The context of one inbound message. */
export interface RequestContext extends SignalingContext {
  readonly socket: ParleySocket;
}

/** What the wrapper knows of one inbound message besides its payload. */
export interface Inbound {
  /** performance.now() on arrival, before the message waited in its socket's queue. */
  readonly receivedAt: number;
}

/**
 * A handler gets the validated payload and returns the ack data: a
 * promise, or the data itself when it needed to wait for nothing (the
 * relay on a single node).
 */
export type Handler<E extends ClientEventName> = (
  ctx: RequestContext,
  payload: ParsedClientMessage<E>,
  inbound: Inbound,
) => AckData<E> | Promise<AckData<E>>;

export type HandlerMap = { readonly [E in ClientEventName]: Handler<E> };
