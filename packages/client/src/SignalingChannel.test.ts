import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_VERSION } from '@parley/protocol';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ParleyError } from './errors.js';
import type { ConnectionState } from './events.js';
import { SignalingChannel } from './SignalingChannel.js';

/** A real Socket.IO server on 127.0.0.1, scripted per test. */
async function startServer(setup: (io: Server) => void) {
  const http = createServer();
  const io = new Server(http);
  setup(io);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    io,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

/** Resolve with the next emission of `event` that passes `filter`; reject after `ms`. */
function next<T extends unknown[]>(
  on: (listener: (...args: T) => void) => () => void,
  filter: (...args: T) => boolean = () => true,
  ms = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for an event'));
    }, ms);
    const off = on((...args) => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args);
    });
  });
}

function nextState(channel: SignalingChannel, state: ConnectionState) {
  return next<[ConnectionState, ConnectionState]>(
    (l) => {
      channel.on('stateChanged', l);
      return () => channel.off('stateChanged', l);
    },
    (s) => s === state,
  );
}

const ROOM_STATUS = {
  room: 'team-42',
  exists: true,
  participants: 1,
  capacity: 6,
  full: false,
  options: { joinCallOnEntry: false },
  access: { passwordRequired: false, locked: false, waitingRoom: false },
};

describe('SignalingChannel against a real Socket.IO server', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let channel: SignalingChannel;
  let serverSocket: Promise<ServerSocket>;
  const received: { event: string; payload: unknown }[] = [];

  beforeEach(async () => {
    received.length = 0;
    let gotSocket!: (s: ServerSocket) => void;
    serverSocket = new Promise((r) => (gotSocket = r));
    server = await startServer((io) => {
      io.on('connection', (socket) => {
        gotSocket(socket);
        socket.onAny((event: string, payload: unknown, ack?: (res: unknown) => void) => {
          received.push({ event, payload });
          if (typeof ack !== 'function') return;
          if (event === 'room:check') ack({ ok: true, data: ROOM_STATUS });
          if (event === 'room:leave')
            ack({ ok: false, error: { code: 'NOT_IN_ROOM', message: 'join first' } });
          if (event === 'media:update')
            ack({ ok: false, error: { code: 'FUTURE_CODE', message: 'new' } });
          if (event === 'ice:refresh') ack({ ok: true, data: { iceServers: 'nope' } });
          if (event === 'call:hangup') ack('not an envelope');
          // 'call:cancel' is never answered (timeout test).
        });
      });
    });
    channel = new SignalingChannel({
      url: server.url,
      requestTimeoutMs: 2000,
      connectTimeoutMs: 2000,
    });
  });

  afterEach(async () => {
    channel.disconnect();
    await server.close();
    vi.restoreAllMocks();
  });

  it('connects (websocket first) with the protocol version and reports its states', async () => {
    const states: ConnectionState[] = [];
    channel.on('stateChanged', (s) => states.push(s));
    await channel.connect();
    const socket = await serverSocket;
    expect(socket.handshake.auth).toEqual({ protocolVersion: PROTOCOL_VERSION });
    expect(socket.conn.transport.name).toBe('websocket');
    expect(channel.connected).toBe(true);
    expect(states).toEqual(['connecting', 'connected']);
  });

  it('a request resolves with the validated ack data', async () => {
    await channel.connect();
    await expect(channel.request('room:check', { room: 'team-42' })).resolves.toEqual(ROOM_STATUS);
    expect(received).toContainEqual({ event: 'room:check', payload: { room: 'team-42' } });
  });

  it('an error ack becomes a ParleyError with the wire code (unknown codes: INTERNAL)', async () => {
    await channel.connect();
    await expect(channel.request('room:leave', {})).rejects.toMatchObject({
      name: 'ParleyError',
      code: 'NOT_IN_ROOM',
      message: 'join first',
    });
    await expect(
      channel.request('media:update', { audio: true, video: true }),
    ).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });

  it('a malformed ack is refused with INVALID_MESSAGE, not trusted', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await channel.connect();
    await expect(channel.request('ice:refresh', {})).rejects.toMatchObject({
      code: 'INVALID_MESSAGE',
    });
    await expect(channel.request('call:hangup', { callId: 'c1' as never })).rejects.toMatchObject({
      code: 'INVALID_MESSAGE',
    });
  });

  it('no ack within the timeout is SIGNALING_TIMEOUT', async () => {
    await channel.connect();
    await expect(
      channel.request('call:cancel', { callId: 'c1' as never }, 200),
    ).rejects.toMatchObject({ code: 'SIGNALING_TIMEOUT' });
  });

  it('an invalid or oversized payload is refused locally and never sent', async () => {
    await channel.connect();
    await expect(channel.request('room:check', { room: 'bad room!' })).rejects.toMatchObject({
      code: 'INVALID_MESSAGE',
    });
    await expect(
      channel.request('signal:description', {
        callId: 'c1' as never,
        to: 'p2' as never,
        description: { type: 'offer', sdp: 'x'.repeat(70 * 1024) },
      }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(received).toEqual([]);
  });

  it('a request while not connected is NOT_CONNECTED', async () => {
    await expect(channel.request('room:check', { room: 'team-42' })).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
    });
  });

  it('delivers validated server messages; drops and reports malformed ones', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await channel.connect();
    const socket = await serverSocket;
    const joined: unknown[] = [];
    const errors: ParleyError[] = [];
    channel.on('peer:joined', (p) => joined.push(p));
    channel.on('error', (e) => errors.push(e));
    const peer = {
      id: 'p2',
      name: '  Bob  ',
      media: { audio: true, video: false },
      joinedAt: 5,
      connection: 'connected',
    };
    const left = next<[unknown]>((l) => {
      channel.on('peer:left', l);
      return () => channel.off('peer:left', l);
    });
    socket.emit('peer:joined', { id: 'p3', name: 'x' }); // malformed: no media
    socket.emit('peer:joined', peer);
    socket.emit('peer:left', { id: 'p2', reason: 'left' });
    await left;
    // Schema output: name normalised, the optional screen id defaulted.
    expect(joined).toEqual([{ ...peer, name: 'Bob', media: { ...peer.media, screen: null } }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('INVALID_MESSAGE');
    expect(errors[0]?.message).toContain('peer:joined');
  });

  it('a dropped transport reconnects by itself', async () => {
    await channel.connect();
    const socket = await serverSocket;
    const reconnecting = nextState(channel, 'reconnecting');
    socket.conn.close(); // abrupt transport close, not a deliberate disconnect
    await reconnecting;
    await nextState(channel, 'connected');
    expect(channel.connected).toBe(true);
  });

  it('disconnect() closes for good', async () => {
    await channel.connect();
    const disconnected = nextState(channel, 'disconnected');
    channel.disconnect();
    await disconnected;
    expect(channel.state).toBe('disconnected');
    expect(channel.connected).toBe(false);
  });
});

describe('SignalingChannel handshake failures', () => {
  it('a refused handshake rejects with the server code and does not retry', async () => {
    const server = await startServer((io) => {
      io.use((_socket, nextFn) => {
        const err = new Error('version') as Error & { data?: unknown };
        err.data = { code: 'PROTOCOL_VERSION_MISMATCH', message: 'server speaks 2' };
        nextFn(err);
      });
    });
    const channel = new SignalingChannel({
      url: server.url,
      requestTimeoutMs: 1000,
      connectTimeoutMs: 2000,
    });
    try {
      const err = await channel.connect().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ParleyError);
      expect(err).toMatchObject({ code: 'PROTOCOL_VERSION_MISMATCH', message: 'server speaks 2' });
      expect(channel.state).toBe('disconnected');
    } finally {
      channel.disconnect();
      await server.close();
    }
  });

  it('an unreachable server is SIGNALING_UNAVAILABLE', async () => {
    // Bind then close, so nothing listens on that loopback port.
    const server = await startServer(() => undefined);
    const url = server.url;
    await server.close();
    const channel = new SignalingChannel({ url, requestTimeoutMs: 1000, connectTimeoutMs: 2000 });
    try {
      await expect(channel.connect()).rejects.toMatchObject({ code: 'SIGNALING_UNAVAILABLE' });
      expect(channel.state).toBe('disconnected');
    } finally {
      channel.disconnect();
    }
  });
});
