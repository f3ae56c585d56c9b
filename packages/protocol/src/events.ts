import type { ErrorPayload } from './errors.js';
import type {
  AckData,
  ClientEventName,
  ClientMessage,
  ServerEventName,
  ServerMessage,
} from './messages.js';

/** Every request is answered with one of these. */
export type AckResponse<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload };
export type Ack<T> = (res: AckResponse<T>) => void;

/**
 * Socket.IO event maps, derived from the schemas so that the types and the
 * runtime validation can never disagree. Use as
 * `new Server<ClientToServerEvents, ServerToClientEvents>()` and
 * `Socket<ServerToClientEvents, ClientToServerEvents>` (opposite order).
 *
 * The server must still treat every argument as `unknown` and parse it:
 * these types describe well-behaved clients only.
 */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientMessage<E>, ack: Ack<AckData<E>>) => void;
};

export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerMessage<E>) => void;
};

/** Sent by the client in the Socket.IO handshake (`io(url, { auth })`). */
export interface HandshakeAuth {
  protocolVersion: number;
  /**
   * A join token (JWT, HS256) from the embedding app: room, display name,
   * role. In the handshake, never in a URL (which ends up in logs).
   */
  joinToken?: string;
}

/**
 * Data attached to the Error passed to a Socket.IO `connect_error` listener
 * when the server refuses the handshake (`err.data`).
 */
export interface ConnectErrorData {
  code: ErrorPayload['code'];
  message: string;
}
