import {
  PROTOCOL_VERSION,
  type AckData,
  type AckResponse,
  type ClientEventName,
  type ClientMessage,
  type ClientToServerEvents,
  type ConnectErrorData,
  type JoinResult,
  type ServerEventName,
  type ServerMessage,
  type ServerToClientEvents,
} from '@parley/protocol';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const DEFAULT_TIMEOUT_MS = 3000;
const open: TestSocket[] = [];

/** A typed client (websocket only, current protocol version), not yet connected. */
export function createClient(
  url: string,
  opts: Partial<ManagerOptions & SocketOptions> = {},
): TestSocket {
  const socket: TestSocket = io(url, {
    transports: ['websocket'],
    auth: { protocolVersion: PROTOCOL_VERSION },
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    ...opts,
  });
  open.push(socket);
  return socket;
}

/** Connect and resolve once the server accepted the handshake. */
export function connect(socket: TestSocket, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.connect();
  });
}

export function connectClient(
  url: string,
  opts: Partial<ManagerOptions & SocketOptions> = {},
): Promise<TestSocket> {
  return connect(createClient(url, opts));
}

/** The error a refused handshake produces (`connect_error`), with its data. */
export function connectRefusal(
  socket: TestSocket,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Error & { data?: ConnectErrorData }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connect_error')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      reject(new Error('connected, but a refusal was expected'));
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve(err as Error & { data?: ConnectErrorData });
    });
    socket.connect();
  });
}

/** Disconnect every client created by these helpers (afterEach). */
export function closeAllClients(): void {
  for (const socket of open.splice(0)) socket.disconnect();
}

/** Resolve with the next `event` payload, or reject after `timeoutMs`. */
export function waitFor<E extends ServerEventName>(
  socket: TestSocket,
  event: E,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<ServerMessage<E>> {
  return new Promise((resolve, reject) => {
    const listener = ((payload: ServerMessage<E>) => {
      clearTimeout(timer);
      resolve(payload);
    }) as ServerToClientEvents[E];
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    socket.once(event, listener as never);
  });
}

/** Send a request and resolve with its ack. */
export async function request<E extends ClientEventName>(
  socket: TestSocket,
  event: E,
  payload: ClientMessage<E>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<AckResponse<AckData<E>>> {
  return rawRequest(socket, event, [payload], timeoutMs) as Promise<AckResponse<AckData<E>>>;
}

/** Like request, but untyped: for payloads a well-behaved client would never send. */
export async function rawRequest(
  socket: TestSocket,
  event: string,
  args: readonly unknown[],
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<unknown> {
  const untyped = socket as unknown as Socket;
  return untyped.timeout(timeoutMs).emitWithAck(event, ...args);
}

/** Emit without an ack (fire-and-forget), untyped. */
export function rawEmit(socket: TestSocket, event: string, ...args: unknown[]): void {
  (socket as unknown as Socket).emit(event, ...args);
}

/** Unwrap a successful ack or fail with the error it carried. */
export function okData<T>(res: AckResponse<T>): T {
  if (!res.ok) throw new Error(`expected ok, got ${res.error.code}: ${res.error.message}`);
  return res.data;
}

/** Connect a client and join `room` as `name`. */
export async function joinedClient(
  url: string,
  room: string,
  name: string,
): Promise<{ socket: TestSocket; join: JoinResult }> {
  const socket = await connectClient(url);
  const join = okData(await request(socket, 'room:join', { room, name }));
  return { socket, join };
}

/**
 * Assert `event` does not reach `socket`. A round trip on the same socket
 * first (messages to one socket arrive in order, so anything the server sent
 * earlier has arrived by the time the answer does), then a short grace
 * window for good measure.
 */
export async function expectNoEvent(
  socket: TestSocket,
  event: ServerEventName,
  ms = 100,
): Promise<void> {
  let received: unknown = undefined;
  let got = false;
  const listener = (payload: unknown) => {
    got = true;
    received = payload;
  };
  socket.on(event, listener as never);
  try {
    if (socket.connected) await rawRequest(socket, 'room:check', [{ room: 'barrier' }]);
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    socket.off(event, listener as never);
  }
  if (got) throw new Error(`unexpected ${event}: ${JSON.stringify(received)}`);
}
