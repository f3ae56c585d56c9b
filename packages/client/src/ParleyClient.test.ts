import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallInfo, PeerInfo } from '@parley/protocol';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Call } from './Call.js';
import { ParleyError } from './errors.js';
import { ClientEvent, CallEvent, type ClientEvents } from './events.js';
import { ParleyClient } from './ParleyClient.js';

/*
 * ParleyClient against a scripted Socket.IO server on 127.0.0.1: rooms,
 * presence, incoming calls and the reconnect/rejoin path. Media and peer
 * connections need a browser; the e2e suite covers them.
 */

const BOB = {
  id: 'bob',
  name: 'Bob',
  media: { audio: true, video: true, screen: null },
  joinedAt: 1,
  connection: 'connected',
} as PeerInfo;
const CAROL = {
  id: 'carol',
  name: 'Carol',
  media: { audio: true, video: false, screen: null },
  joinedAt: 2,
  connection: 'connected',
} as PeerInfo;

function ringing(id = 'call1'): CallInfo {
  return {
    id,
    room: 'team-42',
    initiator: 'bob',
    state: 'ringing',
    participants: ['bob'],
    invited: ['self1'],
    createdAt: 3,
  } as CallInfo;
}

interface Received {
  event: string;
  payload: Record<string, unknown>;
}

async function startFakeServer() {
  const http = createServer();
  const io = new Server(http);
  const received: Received[] = [];
  const sockets: ServerSocket[] = [];
  let joins = 0;
  let resumes = 0;
  /** Tokens handed out by room:join, by peer id. */
  const tokens = new Map<string, string>();
  const grant = (peer: string) => {
    const token = `token-${peer}-${tokens.size + resumes}`;
    tokens.set(peer, token);
    return { token, expiresAt: Date.now() + 3_600_000, graceMs: 15_000 };
  };
  /** Runs inside room:join before the ack (to send events that overtake it). */
  const hooks: {
    beforeJoinAck?: (socket: ServerSocket) => void;
    /** Extra ack answers by event name (default: `{}`). */
    answers?: Record<string, (payload: Record<string, unknown>) => unknown>;
    joinCall?: CallInfo;
    joinChat?: unknown[];
    /** What session:resume answers (default: the room as joined, not restored). */
    resume?: (payload: Record<string, unknown>) => unknown;
  } = {};
  const handshakes: unknown[] = [];
  io.on('connection', (socket) => {
    sockets.push(socket);
    handshakes.push(socket.handshake.auth);
    socket.onAny((event: string, payload: Record<string, unknown>, ack: (r: unknown) => void) => {
      received.push({ event, payload });
      const roomState = (selfId: string, name: unknown, media: unknown) => ({
        room: payload['room'],
        self: {
          id: selfId,
          name,
          media: media ?? { audio: false, video: false },
          joinedAt: 10,
          connection: 'connected',
        },
        peers: [BOB],
        capacity: 6,
        ice: { iceServers: [{ urls: ['stun:127.0.0.1:3478'] }], expiresAt: null },
        options: { joinCallOnEntry: payload['options'] !== undefined },
        access: {
          passwordRequired: payload['password'] !== undefined,
          locked: false,
          waitingRoom: false,
        },
        role: 'guest',
        call: hooks.joinCall ?? null,
        chat: hooks.joinChat ?? [],
        session: grant(selfId),
      });
      switch (event) {
        case 'room:join': {
          joins += 1;
          hooks.beforeJoinAck?.(socket);
          ack({ ok: true, data: roomState(`self${joins}`, payload['name'], payload['media']) });
          break;
        }
        case 'session:resume': {
          resumes += 1;
          const peer = String(payload['peer']);
          if (hooks.resume) {
            ack(hooks.resume(payload));
          } else if (tokens.get(peer) !== payload['token']) {
            ack({ ok: false, error: { code: 'RESUME_TOKEN_INVALID', message: 'bad token' } });
          } else {
            ack({
              ok: true,
              data: { ...roomState(peer, 'Alice', payload['media']), restored: false },
            });
          }
          break;
        }
        case 'room:check':
          ack({
            ok: true,
            data: {
              room: payload['room'],
              exists: true,
              participants: 1,
              capacity: 6,
              full: false,
              options: null,
              access: null,
            },
          });
          break;
        case 'ice:refresh':
          ack({ ok: true, data: { iceServers: [], expiresAt: null } });
          break;
        default: {
          const answer = hooks.answers?.[event];
          ack(answer ? answer(payload) : { ok: true, data: {} });
        }
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    hooks,
    socket: () => {
      const s = sockets.at(-1);
      if (!s) throw new Error('no client connected');
      return s;
    },
    joins: () => joins,
    resumes: () => resumes,
    handshakes,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

/** The next ClientEvent `event` whose arguments pass `filter`. */
function nextEvent<E extends keyof ClientEvents>(
  client: ParleyClient,
  event: E,
  filter: (...args: Parameters<ClientEvents[E]>) => boolean = () => true,
  ms = 5000,
): Promise<Parameters<ClientEvents[E]>> {
  return new Promise((resolve, reject) => {
    const listener = ((...args: Parameters<ClientEvents[E]>) => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    }) as ClientEvents[E];
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, ms);
    client.on(event, listener);
  });
}

describe('ParleyClient (scripted signaling server)', () => {
  let server: Awaited<ReturnType<typeof startFakeServer>>;
  let client: ParleyClient;

  beforeEach(async () => {
    server = await startFakeServer();
    client = new ParleyClient({
      url: server.url,
      requestTimeoutMs: 2000,
      ringTimeoutMs: undefined,
    });
    await client.connect();
  });

  afterEach(async () => {
    client.disconnect();
    await server.close();
    vi.restoreAllMocks();
  });

  it('joins: self, room, participants and ICE servers come from the ack', async () => {
    const changed = nextEvent(client, ClientEvent.RoomChanged);
    const result = await client.join('team-42', ' Alice ');
    expect(result.self.id).toBe('self1');
    expect(client.self?.name).toBe('Alice');
    expect(client.room).toBe('team-42');
    expect([...client.participants.keys()]).toEqual(['bob']);
    expect(client.iceConfig?.iceServers).toEqual([{ urls: ['stun:127.0.0.1:3478'] }]);
    expect(await changed).toEqual(['team-42', result.self]);
    // The join carries our media state (nothing captured yet).
    expect(server.received.find((r) => r.event === 'room:join')?.payload).toEqual({
      room: 'team-42',
      name: 'Alice',
      media: { audio: false, video: false, screen: null },
    });
  });

  it('presence that overtakes the join ack is applied after it', async () => {
    server.hooks.beforeJoinAck = (socket) => socket.emit('peer:joined', CAROL);
    const order: string[] = [];
    client.on(ClientEvent.RoomChanged, () => order.push('room'));
    client.on(ClientEvent.PeerJoined, (p) => order.push(`joined:${p.id}`));
    await client.join('team-42', 'Alice');
    expect(order).toEqual(['room', 'joined:carol']);
    expect([...client.participants.keys()].sort()).toEqual(['bob', 'carol']);
  });

  it('tracks peers joining, updating and leaving', async () => {
    await client.join('team-42', 'Alice');
    const socket = server.socket();
    const joined = nextEvent(client, ClientEvent.PeerJoined);
    socket.emit('peer:joined', CAROL);
    expect((await joined)[0]).toEqual(CAROL);

    const updated = nextEvent(client, ClientEvent.PeerUpdated);
    socket.emit('peer:updated', { ...BOB, media: { audio: false, video: true } });
    expect((await updated)[0].media).toEqual({ audio: false, video: true, screen: null });
    expect(client.participants.get('bob' as never)?.media.audio).toBe(false);

    const left = nextEvent(client, ClientEvent.PeerLeft);
    socket.emit('peer:left', { id: 'carol', reason: 'disconnected' });
    expect(await left).toEqual([CAROL, 'disconnected']);
    expect(client.participants.has('carol' as never)).toBe(false);
  });

  it('refuses a second join and calls outside a room, locally', async () => {
    await expect(client.invite('bob' as never)).rejects.toMatchObject({ code: 'NOT_IN_ROOM' });
    await expect(client.runNetworkTest()).rejects.toMatchObject({ code: 'NOT_IN_ROOM' });
    await client.join('team-42', 'Alice');
    await expect(client.join('other', 'Alice')).rejects.toMatchObject({ code: 'ALREADY_IN_ROOM' });
    await expect(client.invite('nobody' as never)).rejects.toMatchObject({
      code: 'PEER_NOT_FOUND',
    });
    await expect(client.checkRoom('no spaces allowed')).rejects.toMatchObject({
      code: 'INVALID_MESSAGE',
    });
  });

  it('an incoming call rings; decline ends it and tells the server', async () => {
    await client.join('team-42', 'Alice');
    const incoming = nextEvent(client, ClientEvent.IncomingCall);
    server.socket().emit('call:incoming', { call: ringing(), from: BOB });
    const [call] = await incoming;
    expect(client.call).toBe(call);
    expect(call.state).toBe('ringing-in');
    expect(call.direction).toBe('incoming');
    expect(call.remotePeer).toEqual(BOB);

    const ended = new Promise((resolve) => call.once(CallEvent.Ended, resolve));
    const cleared = nextEvent(client, ClientEvent.CallChanged, (c) => c === null);
    await call.decline();
    expect(await ended).toBe('declined');
    await cleared;
    expect(call.state).toBe('ended');
    expect(call.endReason).toBe('declined');
    expect(client.call).toBeNull();
    expect(server.received).toContainEqual({ event: 'call:decline', payload: { callId: 'call1' } });
  });

  it('the server ending the call ends it with its reason; other calls are ignored', async () => {
    await client.join('team-42', 'Alice');
    const socket = server.socket();
    const incoming = nextEvent(client, ClientEvent.IncomingCall);
    socket.emit('call:incoming', { call: ringing(), from: BOB });
    const [call] = await incoming;
    const states: string[] = [];
    call.on(CallEvent.StateChanged, (nextState, prev) => states.push(`${prev}->${nextState}`));
    const ended = new Promise((resolve) => call.once(CallEvent.Ended, resolve));
    socket.emit('call:ended', { callId: 'other', reason: 'hung-up' });
    socket.emit('call:ended', { callId: 'call1', reason: 'cancelled', by: 'bob' });
    expect(await ended).toBe('cancelled');
    expect(states).toEqual(['ringing-in->ended']);
    expect(client.call).toBeNull();
  });

  it('accept needs local media: without it, the server is not told and the call keeps ringing', async () => {
    await client.join('team-42', 'Alice');
    const incoming = nextEvent(client, ClientEvent.IncomingCall);
    server.socket().emit('call:incoming', { call: ringing(), from: BOB });
    const [call] = await incoming;
    // Node has no getUserMedia: the typed media error surfaces from accept().
    const err = await call.accept().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ParleyError);
    expect((err as ParleyError).code).toMatch(/^MEDIA_/);
    expect(call.state).toBe('ringing-in');
    expect(server.received.some((r) => r.event === 'call:accept')).toBe(false);
    await expect(call.cancel()).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('a dropped connection keeps room and call, then resumes as the same participant', async () => {
    const first = await client.join('team-42', 'Alice');
    server.hooks.joinCall = ringing();
    const incoming = nextEvent(client, ClientEvent.IncomingCall);
    server.socket().emit('call:incoming', { call: ringing(), from: BOB });
    const [call] = await incoming;
    const roomChanges: unknown[] = [];
    client.on(ClientEvent.RoomChanged, (room) => roomChanges.push(room));
    const left: unknown[] = [];
    client.on(ClientEvent.PeerLeft, (peer) => left.push(peer));

    const sessionStates: string[] = [];
    client.on(ClientEvent.SessionStateChanged, (state) => sessionStates.push(state));
    const reconnecting = nextEvent(
      client,
      ClientEvent.ConnectionStateChanged,
      (s) => s === 'reconnecting',
    );
    const resumed = nextEvent(client, ClientEvent.SessionStateChanged, (s) => s === 'joined');
    server.socket().conn.close();

    await reconnecting;
    expect(client.sessionState).toBe('reconnecting');
    expect(client.room).toBe('team-42');
    expect(client.call).toBe(call);
    await resumed;
    expect(sessionStates).toEqual(['reconnecting', 'joined']);
    expect(server.joins()).toBe(1);
    expect(server.resumes()).toBe(1);
    const resume = server.received.find((r) => r.event === 'session:resume');
    expect(resume?.payload).toMatchObject({ room: 'team-42', peer: first.self.id });
    expect(client.self?.id).toBe(first.self.id);
    expect(call.ended).toBe(false);
    expect(call.state).toBe('ringing-in');
    expect(roomChanges).toEqual([]);
    expect(left).toEqual([]);
    expect([...client.participants.keys()]).toEqual(['bob']);
  });

  it('a join token goes in the handshake auth until joined, not on the reconnects after', async () => {
    client.disconnect();
    let asked = 0;
    client = new ParleyClient({
      url: server.url,
      requestTimeoutMs: 2000,
      joinToken: () => `jwt-${++asked}`,
    });
    await client.connect();
    expect(server.handshakes.at(-1)).toMatchObject({ protocolVersion: 2, joinToken: 'jwt-1' });
    await client.join('team-42', 'Alice');
    const resumed = nextEvent(client, ClientEvent.SessionStateChanged, (s) => s === 'joined');
    server.socket().conn.close();
    await resumed;
    const last = server.handshakes.at(-1) as Record<string, unknown>;
    expect(last['protocolVersion']).toBe(2);
    expect(last['joinToken']).toBeUndefined();
    expect(server.received.some((r) => JSON.stringify(r.payload).includes('jwt-'))).toBe(false);
  });

  it('when the session cannot be resumed, the call ends and the room is joined afresh', async () => {
    const first = await client.join('team-42', 'Alice');
    server.hooks.resume = () => ({
      ok: false,
      error: { code: 'SESSION_NOT_FOUND', message: 'gone' },
    });
    const rejoined = nextEvent(
      client,
      ClientEvent.RoomChanged,
      (room, self) => room !== null && self?.id !== first.self.id,
    );
    server.socket().conn.close();
    const joinedAgain = nextEvent(client, ClientEvent.SessionStateChanged, (s) => s === 'joined');
    const [room, self] = await rejoined;
    expect(room).toBe('team-42');
    expect(self?.name).toBe('Alice');
    expect(server.joins()).toBe(2);
    await joinedAgain;
    expect(client.sessionState).toBe('joined');
  });

  it('a chat line sent while the connection is down is sent once the session resumed', async () => {
    await client.join('team-42', 'Alice');
    server.hooks.answers = {
      'chat:send': (p) => ({
        ok: true,
        data: {
          message: {
            id: `m-${String(p['nonce'])}`,
            from: 'self1',
            name: 'Alice',
            text: p['text'],
            sentAt: 1,
          },
        },
      }),
    };
    const reconnecting = nextEvent(
      client,
      ClientEvent.ConnectionStateChanged,
      (s) => s === 'reconnecting',
    );
    server.socket().conn.close();
    await reconnecting;
    const sent = client.sendChat('still there?');
    const message = await sent;
    expect(message.text).toBe('still there?');
    const sends = server.received.filter((r) => r.event === 'chat:send');
    expect(sends).toHaveLength(1);
    expect(sends[0]?.payload['nonce']).toMatch(/^[0-9a-f]{24}$/);
    const resumeAt = server.received.findIndex((r) => r.event === 'session:resume');
    expect(server.received.findIndex((r) => r.event === 'chat:send')).toBeGreaterThan(resumeAt);
    expect(client.chat.filter((m) => m.text === 'still there?')).toHaveLength(1);
  });

  it('after leave(), a reconnect does not rejoin', async () => {
    await client.join('team-42', 'Alice');
    const left = nextEvent(client, ClientEvent.RoomChanged, (room) => room === null);
    await client.leave();
    await left;
    expect(client.room).toBeNull();
    expect(client.participants.size).toBe(0);
    expect(server.received.some((r) => r.event === 'room:leave')).toBe(true);

    const back = nextEvent(client, ClientEvent.ConnectionStateChanged, (s) => s === 'connected');
    server.socket().conn.close();
    await back;
    // Give a (wrong) rejoin the chance to be sent: a check request is answered after it would be.
    await client.checkRoom('team-42');
    expect(server.joins()).toBe(1);
    expect(client.room).toBeNull();
  });

  it('malformed server messages and server errors surface as Error events', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await client.join('team-42', 'Alice');
    const socket = server.socket();
    const malformed = nextEvent(client, ClientEvent.Error, (e) => e.code === 'INVALID_MESSAGE');
    socket.emit('peer:joined', { id: 'x' });
    await malformed;
    expect(client.participants.size).toBe(1);

    const serverError = nextEvent(client, ClientEvent.Error, (e) => e.code === 'RATE_LIMITED');
    socket.emit('server:error', { code: 'RATE_LIMITED', message: 'slow down' });
    expect((await serverError)[0].message).toBe('slow down');
  });

  it('a throwing app listener does not break the client state', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    client.on(ClientEvent.RoomChanged, () => {
      throw new Error('app bug');
    });
    await client.join('team-42', 'Alice');
    expect(client.room).toBe('team-42');
    const incoming = nextEvent(client, ClientEvent.IncomingCall);
    client.on(ClientEvent.IncomingCall, () => {
      throw new Error('app bug');
    });
    server.socket().emit('call:incoming', { call: ringing(), from: BOB });
    const [call] = await incoming;
    expect((client.call as Call | null)?.id).toBe(call.id);
  });

  it('room call: from the join ack and room:call, with RoomCallChanged; roomOptions and join options', async () => {
    const existing = {
      ...ringing('call9'),
      state: 'active',
      participants: ['bob', 'carol'],
      invited: [],
    } as CallInfo;
    server.hooks.joinCall = existing;
    const seen: (CallInfo | null)[] = [];
    client.on(ClientEvent.RoomCallChanged, (c) => seen.push(c));
    await client.join('team-42', 'Alice', { joinCallOnEntry: true });
    expect(server.received.find((r) => r.event === 'room:join')?.payload['options']).toEqual({
      joinCallOnEntry: true,
    });
    expect(client.roomOptions).toEqual({ joinCallOnEntry: true });
    expect(client.roomCall?.id).toBe('call9');
    // Not a participant: no Call object, but the call is visible.
    expect(client.call).toBeNull();
    const ended = nextEvent(client, ClientEvent.RoomCallChanged, (c) => c === null);
    server.socket().emit('room:call', { call: null });
    await ended;
    expect(client.roomCall).toBeNull();
    expect(seen.map((c) => c?.id ?? null)).toEqual(['call9', null]);
    await client.leave();
    expect(client.roomOptions).toBeNull();
  });

  it('joinCall without a room call is CALL_NOT_FOUND; without media it fails before asking', async () => {
    await client.join('team-42', 'Alice');
    await expect(client.joinCall()).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    const changed = nextEvent(client, ClientEvent.RoomCallChanged);
    server.socket().emit('room:call', {
      call: { ...ringing('call7'), state: 'active', participants: ['bob', 'carol'], invited: [] },
    });
    await changed;
    const err = await client.joinCall().then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as ParleyError).code).toMatch(/^MEDIA_/);
    expect(server.received.some((r) => r.event === 'call:join')).toBe(false);
  });

  it('chat: history from the join, own message after the ack exactly once, others via chat:message', async () => {
    const history = [{ id: 'm1', from: 'bob', name: 'Bob', text: 'hi', sentAt: 1 }];
    server.hooks.joinChat = history;
    server.hooks.answers = {
      'chat:send': (payload) => ({
        ok: true,
        data: {
          message: { id: 'm2', from: 'self1', name: 'Alice', text: payload['text'], sentAt: 2 },
        },
      }),
    };
    await client.join('team-42', 'Alice');
    expect(client.chat).toEqual(history);
    const got: string[] = [];
    client.on(ClientEvent.ChatMessage, (m) => got.push(`${m.name}:${m.text}`));
    const sent = await client.sendChat('  <b>hello</b>  ');
    expect(sent.text).toBe('<b>hello</b>'); // trimmed before sending, plain text
    expect(server.received.find((r) => r.event === 'chat:send')?.payload).toMatchObject({
      text: '<b>hello</b>',
    });
    // A duplicate (same id) is not a second message.
    const bobSays = nextEvent(client, ClientEvent.ChatMessage, (m) => m.id === 'm3');
    server.socket().emit('chat:message', { ...sent });
    server
      .socket()
      .emit('chat:message', { id: 'm3', from: 'bob', name: 'Bob', text: 'yo', sentAt: 3 });
    await bobSays;
    expect(got).toEqual(['Alice:<b>hello</b>', 'Bob:yo']);
    expect(client.chat.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
  });

  it('chat: a line the server cannot store yet (UNAVAILABLE) is sent again with the same nonce', async () => {
    let tries = 0;
    server.hooks.answers = {
      'chat:send': (payload) =>
        ++tries < 3
          ? {
              ok: false,
              error: { code: 'UNAVAILABLE', message: 'store away', retryable: true },
            }
          : {
              ok: true,
              data: {
                message: {
                  id: 'm9',
                  from: 'self1',
                  name: 'Alice',
                  text: payload['text'],
                  sentAt: 9,
                },
              },
            },
    };
    await client.join('team-42', 'Alice');
    const sent = await client.sendChat('held');
    expect(sent.id).toBe('m9');
    const sends = server.received.filter((r) => r.event === 'chat:send');
    expect(sends).toHaveLength(3);
    const nonces = new Set(sends.map((r) => (r.payload as { nonce: string }).nonce));
    expect(nonces.size).toBe(1);
    expect(client.chat.map((m) => m.id)).toEqual(['m9']);
  });

  it('chat is validated locally and bounded to the last 100 messages', async () => {
    await client.join('team-42', 'Alice');
    await expect(client.sendChat('   ')).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    await expect(client.sendChat('x'.repeat(2001))).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(server.received.some((r) => r.event === 'chat:send')).toBe(false);
    const last = nextEvent(client, ClientEvent.ChatMessage, (m) => m.id === 'n119');
    for (let i = 0; i < 120; i++) {
      server
        .socket()
        .emit('chat:message', { id: `n${i}`, from: 'bob', name: 'Bob', text: `${i}`, sentAt: i });
    }
    await last;
    expect(client.chat).toHaveLength(100);
    expect(client.chat[0]?.id).toBe('n20');
    await client.leave();
    expect(client.chat).toHaveLength(0);
    await expect(client.sendChat('hi')).rejects.toMatchObject({ code: 'NOT_IN_ROOM' });
  });
});
