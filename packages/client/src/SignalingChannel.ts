import {
  AckDataSchemas,
  ClientMessageSchemas,
  ErrorCode,
  ErrorCodeSchema,
  PROTOCOL_VERSION,
  ServerMessageSchemas,
  classifyValidationError,
  type AckData,
  type ClientEventName,
  type ClientMessage,
  type HandshakeAuth,
  type ServerEventName,
  type ServerMessage,
} from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import * as z from 'zod/mini';
import './cspSafeZod.js';
import { ClientErrorCode, ParleyError, type ParleyErrorCode } from './errors.js';
import type { ConnectionState } from './events.js';
import { DefaultReconnectPolicy, type ReconnectPolicy } from './ReconnectPolicy.js';
import { TypedEmitter } from './TypedEmitter.js';

/** One listener per server notification, with the already-validated payload. */
export type InboundEvents = { [E in ServerEventName]: (msg: ServerMessage<E>) => void };

export type SignalingEvents = InboundEvents & {
  stateChanged: (state: ConnectionState, prev: ConnectionState) => void;
  /** Asynchronous trouble: handshake refused on reconnect, malformed server message. */
  error: (err: ParleyError) => void;
  /** The reconnect policy gave up (state goes 'disconnected' right after). */
  reconnectFailed: () => void;
};

export interface SignalingOptions {
  url: string;
  /** How long a request waits for its ack. */
  requestTimeoutMs: number;
  /** How long one connection attempt may take (Socket.IO `timeout`). */
  connectTimeoutMs: number;
  /** When to retry after a drop, and when to give up (default DefaultReconnectPolicy). */
  reconnectPolicy?: ReconnectPolicy;
  /** Whether a call's media still flows (the policy does not give up then). */
  mediaConnected?: () => boolean;
  /** More handshake auth, asked for at every (re)connection (e.g. a join token). */
  handshakeAuth?: () => Promise<Partial<HandshakeAuth>> | Partial<HandshakeAuth>;
}

/** Ack envelope; the error code is checked separately so an unknown one is not "malformed". */
const AckEnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);

const ConnectErrorDataSchema = z.object({ code: ErrorCodeSchema, message: z.string() });

/** A wire code we know, or INTERNAL for one a newer server invented. */
export function wireErrorCode(code: string): ParleyErrorCode {
  const parsed = ErrorCodeSchema.safeParse(code);
  return parsed.success ? parsed.data : ErrorCode.INTERNAL;
}

/**
 * A `connect_error` as a ParleyError: the server's refusal (`err.data`,
 * e.g. PROTOCOL_VERSION_MISMATCH) when there is one, else SIGNALING_UNAVAILABLE.
 */
export function connectErrorToParley(err: unknown): ParleyError {
  const data =
    typeof err === 'object' && err !== null ? (err as { data?: unknown }).data : undefined;
  const refusal = ConnectErrorDataSchema.safeParse(data);
  if (refusal.success) {
    return new ParleyError(refusal.data.code, refusal.data.message, { cause: err });
  }
  const message = err instanceof Error ? err.message : 'connection failed';
  return new ParleyError(
    ClientErrorCode.SIGNALING_UNAVAILABLE,
    `Cannot reach the signaling server (${message})`,
    { cause: err },
  );
}

/**
 * The Socket.IO connection: the only module that imports socket.io-client.
 * Every inbound message and every ack is validated with the protocol's
 * schemas; a malformed one is dropped and reported, never trusted.
 */
export class SignalingChannel extends TypedEmitter<SignalingEvents> {
  readonly #options: SignalingOptions;
  readonly #policy: ReconnectPolicy;
  #socket: Socket | null = null;
  #state: ConnectionState = 'disconnected';
  #connecting: Promise<void> | null = null;
  /** The current outage: when it began and how many attempts were made. */
  #outage: { since: number; attempts: number } | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SignalingOptions) {
    super();
    this.#options = options;
    this.#policy = options.reconnectPolicy ?? new DefaultReconnectPolicy();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get connected(): boolean {
    return this.#socket?.connected === true;
  }

  /**
   * Open the connection (websocket first, long-polling if websocket fails).
   * Rejects with the server's refusal code or SIGNALING_UNAVAILABLE; after a
   * first success, drops are retried as the reconnect policy says
   * ('reconnecting'), until it gives up ('disconnected').
   */
  connect(): Promise<void> {
    if (this.#socket?.connected) return Promise.resolve();
    if (this.#connecting) return this.#connecting;
    if (this.#socket && this.#state === 'reconnecting') return this.#reconnected();
    const extra = this.#options.handshakeAuth;
    const socket = io(this.#options.url, {
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      // Evaluated at every (re)connection: what to present can change (a join token only until joined).
      auth: (cb: (data: object) => void) => {
        const base: HandshakeAuth = { protocolVersion: PROTOCOL_VERSION };
        if (!extra) {
          cb(base);
          return;
        }
        Promise.resolve()
          .then(extra)
          .then(
            (more) => cb({ ...more, ...base }),
            () => cb(base),
          );
      },
      autoConnect: false,
      forceNew: true,
      // Retries follow our ReconnectPolicy (#scheduleRetry), not Socket.IO's own.
      reconnection: false,
      timeout: this.#options.connectTimeoutMs,
    });
    this.#socket = socket;
    this.#attach(socket);
    this.#setState('connecting');

    const attempt = new Promise<void>((resolve, reject) => {
      const cleanup = () => {
        socket.off('connect', onConnect);
        socket.off('connect_error', onError);
      };
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onError = (err: unknown) => {
        cleanup();
        // The first attempt failed: stop here rather than retry in the
        // background; the caller decides whether to try again.
        this.#teardown(socket);
        reject(connectErrorToParley(err));
      };
      socket.on('connect', onConnect);
      socket.on('connect_error', onError);
      socket.connect();
    });
    this.#connecting = attempt;
    const clear = () => {
      if (this.#connecting === attempt) this.#connecting = null;
    };
    attempt.then(clear, clear);
    return attempt;
  }

  /** Socket.IO is already reconnecting: wait for it (or for it to give up). */
  #reconnected(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onState = (state: ConnectionState) => {
        if (state === 'connected') {
          this.off('stateChanged', onState);
          resolve();
        } else if (state === 'disconnected') {
          this.off('stateChanged', onState);
          reject(
            new ParleyError(ClientErrorCode.SIGNALING_UNAVAILABLE, 'The connection was closed'),
          );
        }
      };
      this.on('stateChanged', onState);
    });
  }

  /** Close the connection for good (no reconnection). */
  disconnect(): void {
    const socket = this.#socket;
    if (socket) this.#teardown(socket);
    this.#connecting = null;
  }

  /**
   * Send without waiting for an answer, if connected (e.g. from a pagehide
   * handler, where nothing can be awaited). Returns whether it was sent.
   */
  notify<E extends ClientEventName>(event: E, payload: ClientMessage<E>): boolean {
    const socket = this.#socket;
    if (!socket?.connected || !ClientMessageSchemas[event].safeParse(payload).success) return false;
    socket.emit(event, payload);
    return true;
  }

  /** Drop the connection as a network failure would (tests and diagnostics). */
  simulateDrop(): void {
    this.#socket?.io.engine?.close();
  }

  /**
   * Send a request and wait for its ack. Resolves with the validated ack data;
   * rejects with the server's error code, INVALID_MESSAGE/PAYLOAD_TOO_LARGE
   * (refused locally, nothing sent), NOT_CONNECTED or SIGNALING_TIMEOUT.
   */
  async request<E extends ClientEventName>(
    event: E,
    payload: ClientMessage<E>,
    timeoutMs: number = this.#options.requestTimeoutMs,
  ): Promise<AckData<E>> {
    const outbound = ClientMessageSchemas[event].safeParse(payload);
    if (!outbound.success) {
      const { code, message } = classifyValidationError(outbound.error);
      throw new ParleyError(code, message);
    }
    const socket = this.#socket;
    if (!socket?.connected) {
      throw new ParleyError(ClientErrorCode.NOT_CONNECTED, 'Not connected to the signaling server');
    }
    let raw: unknown;
    try {
      raw = await socket.timeout(timeoutMs).emitWithAck(event, outbound.data);
    } catch (err) {
      if (!socket.connected) {
        throw new ParleyError(ClientErrorCode.NOT_CONNECTED, `Connection lost during "${event}"`, {
          cause: err,
        });
      }
      throw new ParleyError(
        ClientErrorCode.SIGNALING_TIMEOUT,
        `No answer to "${event}" within ${timeoutMs} ms`,
        { cause: err },
      );
    }
    const envelope = AckEnvelopeSchema.safeParse(raw);
    if (!envelope.success) throw this.#malformed(`ack of "${event}"`, envelope.error);
    if (!envelope.data.ok) {
      const { code, message } = envelope.data.error;
      throw new ParleyError(wireErrorCode(code), message);
    }
    const data = AckDataSchemas[event].safeParse(envelope.data.data);
    if (!data.success) throw this.#malformed(`ack of "${event}"`, data.error);
    return data.data as AckData<E>;
  }

  #attach(socket: Socket): void {
    socket.on('connect', () => {
      this.#outage = null;
      this.#setState('connected');
    });
    socket.on('disconnect', (reason) => {
      if (socket !== this.#socket) return;
      if (reason === 'io server disconnect') {
        // The server closed this session on purpose (e.g. resumed elsewhere): no retry.
        this.#teardown(socket);
        return;
      }
      this.#outage = { since: Date.now(), attempts: 0 };
      this.#setState('reconnecting');
      this.#scheduleRetry(socket);
    });
    socket.on('connect_error', (err: unknown) => {
      if (socket !== this.#socket || this.#connecting) return; // first attempt: connect() reports it
      const refusal = connectErrorToParley(err);
      if (refusal.code !== ClientErrorCode.SIGNALING_UNAVAILABLE) {
        // The server refused the handshake (middleware error): no retry.
        this.safeEmit('error', refusal);
        this.#teardown(socket);
        return;
      }
      this.#scheduleRetry(socket);
    });
    for (const event of Object.keys(ServerMessageSchemas) as ServerEventName[]) {
      socket.on(event, (raw: unknown) => this.#inbound(event, raw));
    }
  }

  #inbound<E extends ServerEventName>(event: E, raw: unknown): void {
    const parsed = ServerMessageSchemas[event].safeParse(raw);
    if (!parsed.success) {
      this.safeEmit('error', this.#malformed(`"${event}"`, parsed.error));
      return;
    }
    const emit = this.safeEmit.bind(this) as (e: E, msg: ServerMessage<E>) => boolean;
    emit(event, parsed.data as ServerMessage<E>);
  }

  #malformed(what: string, error: z.core.$ZodError): ParleyError {
    const { message } = classifyValidationError(error);
    console.warn(`[parley] dropped a malformed ${what} from the server: ${message}`);
    return new ParleyError(
      ErrorCode.INVALID_MESSAGE,
      `The server sent a malformed ${what} (${message})`,
    );
  }

  /** The next reconnect attempt as the policy says, or give up. */
  #scheduleRetry(socket: Socket): void {
    const outage = this.#outage;
    if (!outage || socket !== this.#socket) return;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    const delay = this.#policy.nextRetryDelayMs({
      attempt: outage.attempts,
      elapsedMs: Date.now() - outage.since,
      mediaConnected: this.#options.mediaConnected?.() ?? false,
    });
    if (delay === null) {
      this.safeEmit('reconnectFailed');
      this.#teardown(socket);
      return;
    }
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (socket !== this.#socket || socket.connected) return;
      outage.attempts += 1;
      socket.connect();
    }, delay);
  }

  #teardown(socket: Socket): void {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#outage = null;
    socket.removeAllListeners();
    socket.io.removeAllListeners();
    socket.disconnect();
    if (this.#socket === socket) {
      this.#socket = null;
      this.#setState('disconnected');
    }
  }

  #setState(next: ConnectionState): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    this.safeEmit('stateChanged', next, prev);
  }
}
