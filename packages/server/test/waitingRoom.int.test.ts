import { PROTOCOL_VERSION } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mintJoinToken } from '../src/session/joinTokens.js';
import {
  closeAllClients,
  connectClient,
  okData,
  request,
  waitFor,
  type TestSocket,
} from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

/** Waiting room and hosts, with join tokens, real server, real Socket.IO clients. */

const SECRET = 'waiting-room-join-secret-0123456789abcdef';

describe('waiting room and hosts', () => {
  let server: TestServer;
  let n = 0;
  const newRoom = () => `clinic-${++n}`;

  beforeAll(async () => {
    server = await startServer({ JOIN_TOKEN_SECRET: SECRET, REQUIRE_JOIN_TOKEN: '1' });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  async function person(room: string, name: string, role: 'host' | 'guest') {
    const joinToken = await mintJoinToken(SECRET, {
      room,
      name,
      role,
      ...(role === 'guest' ? { waitingRoom: true } : {}),
    });
    const socket = await connectClient(server.url, {
      auth: { protocolVersion: PROTOCOL_VERSION, joinToken },
    });
    const heard: string[] = [];
    socket.onAny((event: string) => heard.push(event));
    return { socket, heard };
  }

  const join = (socket: TestSocket, room: string) =>
    request(socket, 'room:join', { room, name: 'ignored' });

  it('a guest who arrives first waits and receives nothing of the room until a host admits it', async () => {
    const room = newRoom();
    const patient = await person(room, 'Patient', 'guest');
    expect(await join(patient.socket, room)).toMatchObject({
      ok: false,
      error: { code: 'IN_WAITING_ROOM', retryable: true },
    });

    const doctor = await person(room, 'Doctor', 'host');
    const listed = waitFor(doctor.socket, 'waiting:updated');
    const d = okData(await join(doctor.socket, room));
    expect(d.role).toBe('host');
    expect(d.peers).toEqual([]);
    expect((await listed).waiting).toEqual([
      { id: expect.any(String), name: 'Patient', since: expect.any(Number) },
    ]);

    // The room lives on meanwhile: a nurse, chat, a call with SDP and candidates.
    const nurse = await person(room, 'Nurse', 'host');
    const nurseJoin = okData(await join(nurse.socket, room));
    okData(await request(doctor.socket, 'chat:send', { text: 'private notes' }));
    const incoming = waitFor(nurse.socket, 'call:incoming');
    const call = okData(
      await request(doctor.socket, 'call:invite', { to: nurseJoin.self.id }),
    ).call;
    await incoming;
    okData(await request(nurse.socket, 'call:accept', { callId: call.id }));
    okData(
      await request(doctor.socket, 'signal:candidate', {
        callId: call.id,
        to: nurseJoin.self.id,
        candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
      }),
    );
    // Nothing of it reached the waiting patient, and it cannot ask for anything.
    for (const [event, payload] of [
      ['chat:send', { text: 'hello?' }],
      ['ice:refresh', {}],
      ['call:invite', { to: nurseJoin.self.id }],
      ['media:update', { audio: true, video: true }],
    ] as const) {
      expect(await request(patient.socket, event, payload as never)).toMatchObject({
        ok: false,
        error: { code: 'NOT_IN_ROOM' },
      });
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(patient.heard).toEqual([]);

    // A guest may not admit anyone.
    const admitted = waitFor(patient.socket, 'waiting:admitted');
    const joined = waitFor(nurse.socket, 'peer:joined');
    const waitingId = (await listed).waiting[0]?.id ?? '';
    okData(await request(doctor.socket, 'waiting:admit', { id: waitingId }));
    const result = await admitted;
    expect(result.self).toMatchObject({ id: waitingId, name: 'Patient' });
    expect(result.role).toBe('guest');
    expect(result.peers.map((p) => p.name).sort()).toEqual(['Doctor', 'Nurse']);
    expect(result.session.token.length).toBeGreaterThan(20);
    expect((await joined).name).toBe('Patient');
    expect(await request(patient.socket, 'waiting:admit', { id: waitingId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_HOST' },
    });
  });

  it('a guest may not join a call uninvited (NOT_HOST); rung in, it may', async () => {
    const room = newRoom();
    const doctor = await person(room, 'Doctor', 'host');
    okData(await join(doctor.socket, room));
    const nurse = await person(room, 'Nurse', 'host');
    const nurseId = okData(await join(nurse.socket, room)).self.id;
    const guest = await person(room, 'Guest', 'guest');
    const listed = waitFor(doctor.socket, 'waiting:updated');
    await join(guest.socket, room);
    const id = (await listed).waiting[0]?.id ?? '';
    const admitted = waitFor(guest.socket, 'waiting:admitted');
    okData(await request(doctor.socket, 'waiting:admit', { id }));
    await admitted;
    const incoming = waitFor(nurse.socket, 'call:incoming');
    const call = okData(await request(doctor.socket, 'call:invite', { to: nurseId })).call;
    await incoming;
    okData(await request(nurse.socket, 'call:accept', { callId: call.id }));
    expect(await request(guest.socket, 'call:join', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_HOST' },
    });
    const rung = waitFor(guest.socket, 'call:incoming');
    okData(await request(doctor.socket, 'call:invite', { to: id }));
    await rung;
    expect(
      okData(await request(guest.socket, 'call:join', { callId: call.id })).call.participants,
    ).toContain(id);
  });

  it('a denied guest is told so and is out; a waiting guest who leaves disappears from the list', async () => {
    const room = newRoom();
    const doctor = await person(room, 'Doctor', 'host');
    okData(await join(doctor.socket, room));
    const guest = await person(room, 'Stranger', 'guest');
    const listed = waitFor(doctor.socket, 'waiting:updated');
    await join(guest.socket, room);
    const id = (await listed).waiting[0]?.id ?? '';
    const denied = waitFor(guest.socket, 'waiting:denied');
    const emptied = waitFor(doctor.socket, 'waiting:updated');
    okData(await request(doctor.socket, 'waiting:deny', { id }));
    expect(await denied).toEqual({ reason: 'denied' });
    expect((await emptied).waiting).toEqual([]);
    expect(await request(guest.socket, 'chat:send', { text: 'x' })).toMatchObject({
      error: { code: 'NOT_IN_ROOM' },
    });

    const other = await person(room, 'Other', 'guest');
    const listed2 = waitFor(doctor.socket, 'waiting:updated');
    await join(other.socket, room);
    expect((await listed2).waiting).toHaveLength(1);
    const gone = waitFor(doctor.socket, 'waiting:updated');
    other.socket.disconnect();
    expect((await gone).waiting).toEqual([]);
  });

  it('a host removes a participant: it is told why, cannot resume, and needs admission to return', async () => {
    const room = newRoom();
    const doctor = await person(room, 'Doctor', 'host');
    okData(await join(doctor.socket, room));
    // A host token without a waiting room: straight in; then a guest, admitted.
    const guest = await person(room, 'Guest', 'guest');
    const listed = waitFor(doctor.socket, 'waiting:updated');
    await join(guest.socket, room);
    const id = (await listed).waiting[0]?.id ?? '';
    const admitted = waitFor(guest.socket, 'waiting:admitted');
    okData(await request(doctor.socket, 'waiting:admit', { id }));
    const session = (await admitted).session;

    const removed = waitFor(guest.socket, 'room:removed');
    const left = waitFor(doctor.socket, 'peer:left');
    okData(await request(doctor.socket, 'room:remove', { peer: id }));
    expect(await removed).toEqual({ reason: 'removed' });
    expect(await left).toEqual({ id, reason: 'removed' });
    await expect.poll(() => guest.socket.connected).toBe(false);

    const back = await connectClient(server.url);
    expect(
      await request(back, 'session:resume', { room, peer: id, token: session.token }),
    ).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    // The room now has a waiting room for everyone (not only for waiting-room tokens).
    expect(okData(await request(doctor.socket, 'room:check', { room })).access?.waitingRoom).toBe(
      true,
    );
    const again = await person(room, 'Guest', 'guest');
    expect(await join(again.socket, room)).toMatchObject({
      error: { code: 'IN_WAITING_ROOM' },
    });
  });
});
