import type { AddressInfo } from 'node:net';
import type { CallInfo, JoinResult, RoomId, SessionGrant } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, loadConfig, type ParleyApp } from '../src/app.js';
import { ResumeTokens } from '../src/session/ResumeTokens.js';
import {
  closeAllClients,
  connectClient,
  expectNoEvent,
  joinedClient,
  okData,
  request,
  waitFor,
  type TestSocket,
} from './support/client.js';

/**
 * Resume: a dropped connection keeps the member (seat, call, id) for the
 * grace period; the member comes back with its resume token, also to a
 * server that restarted and lost every room. Real servers, real sockets.
 */

const SECRET = 'integration-test-session-secret-0123456789abcdef';
const GRACE_MS = 1500;

interface Server {
  app: ParleyApp;
  url: string;
  close(): Promise<void>;
}

const servers: Server[] = [];

async function start(env: Record<string, string> = {}): Promise<Server> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: SECRET,
    RESUME_GRACE_MS: String(GRACE_MS),
    CLOSED_TAB_GRACE_MS: '500',
    ...env,
  });
  const app = await buildApp(config);
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.fastify.server.address() as AddressInfo;
  const server = { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
  servers.push(server);
  return server;
}

afterEach(async () => {
  closeAllClients();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

let roomN = 0;
const newRoom = () => `resume-${++roomN}-${Date.now()}`;

interface Member {
  socket: TestSocket;
  join: JoinResult;
  /** The latest token (join result, then session:token pushes). */
  grant: SessionGrant;
}

function track(socket: TestSocket, join: JoinResult): Member {
  const member: Member = { socket, join, grant: join.session };
  socket.on('session:token', (grant) => {
    member.grant = grant;
  });
  return member;
}

async function member(url: string, room: string, name: string): Promise<Member> {
  const { socket, join } = await joinedClient(url, room, name);
  return track(socket, join);
}

/** Cut the member's transport (as a network drop does): no leave is sent. */
function drop(m: Member): void {
  m.socket.io.engine.close();
}

async function resume(url: string, m: Member) {
  const socket = await connectClient(url);
  const res = await request(socket, 'session:resume', {
    room: m.join.room,
    peer: m.join.self.id,
    token: m.grant.token,
  });
  return { socket, res };
}

/** Two members of a fresh room in an active 1:1 call. */
async function inCall(url: string) {
  const room = newRoom();
  const ann = await member(url, room, 'Ann');
  const bob = await member(url, room, 'Bob');
  const incoming = waitFor(bob.socket, 'call:incoming');
  const call = okData(await request(ann.socket, 'call:invite', { to: bob.join.self.id })).call;
  await incoming;
  const annToken = waitFor(ann.socket, 'session:token');
  const bobToken = waitFor(bob.socket, 'session:token');
  const updated = waitFor(ann.socket, 'call:updated');
  okData(await request(bob.socket, 'call:accept', { callId: call.id }));
  await Promise.all([updated, annToken, bobToken]);
  return { room, ann, bob, call };
}

describe('session resume', () => {
  it('a drop shows the member reconnecting; a resume brings it back with its id, seat and call', async () => {
    const server = await start({ MAX_ROOM_SIZE: '2' });
    const { ann, bob, call } = await inCall(server.url);
    const reconnecting = waitFor(ann.socket, 'peer:connection');
    drop(bob);
    expect(await reconnecting).toEqual({ id: bob.join.self.id, connection: 'reconnecting' });

    // Still holds the seat: a newcomer gets ROOM_FULL.
    const stranger = await connectClient(server.url);
    const full = await request(stranger, 'room:join', { room: bob.join.room, name: 'Eve' });
    expect(full).toMatchObject({ ok: false, error: { code: 'ROOM_FULL' } });

    const back = waitFor(ann.socket, 'peer:connection');
    const { res } = await resume(server.url, bob);
    const data = okData(res);
    expect(data.self).toMatchObject({ id: bob.join.self.id, name: 'Bob', connection: 'connected' });
    expect(data.restored).toBe(false);
    expect(data.peers.map((p) => p.id)).toEqual([ann.join.self.id]);
    expect(data.call).toMatchObject({ id: call.id, state: 'active' });
    expect(data.call?.participants.sort()).toEqual([ann.join.self.id, bob.join.self.id].sort());
    expect(await back).toEqual({ id: bob.join.self.id, connection: 'connected' });
    await expectNoEvent(ann.socket, 'peer:left');
    await expectNoEvent(ann.socket, 'call:ended');
  });

  it('signals sent to a reconnecting member wait for it and arrive, in order, after the resume', async () => {
    const server = await start();
    const { ann, bob, call } = await inCall(server.url);
    const reconnecting = waitFor(ann.socket, 'peer:connection');
    drop(bob);
    await reconnecting;
    const offer = { type: 'offer' as const, sdp: 'v=0 restart offer' };
    okData(
      await request(ann.socket, 'signal:description', {
        callId: call.id,
        to: bob.join.self.id,
        description: offer,
      }),
    );
    for (let i = 0; i < 3; i++) {
      okData(
        await request(ann.socket, 'signal:candidate', {
          callId: call.id,
          to: bob.join.self.id,
          candidate: { candidate: `candidate:${i} 1 udp 1 127.0.0.1 ${5000 + i} typ host` },
        }),
      );
    }
    const socket = await connectClient(server.url);
    const got: string[] = [];
    socket.on('signal:description', (m) => got.push(`description:${m.description.sdp}`));
    socket.on('signal:candidate', (m) => got.push(`candidate:${m.candidate?.candidate ?? ''}`));
    okData(
      await request(socket, 'session:resume', {
        room: bob.join.room,
        peer: bob.join.self.id,
        token: bob.grant.token,
      }),
    );
    await expect.poll(() => got.length).toBe(4);
    expect(got[0]).toBe('description:v=0 restart offer');
    expect(got.slice(1).map((g) => g.split(' ')[0])).toEqual([
      'candidate:candidate:0',
      'candidate:candidate:1',
      'candidate:candidate:2',
    ]);
  });

  it('after the grace period the member has left: peer:left, the call ends, resume is SESSION_NOT_FOUND', async () => {
    const server = await start();
    const { ann, bob, call } = await inCall(server.url);
    const left = waitFor(ann.socket, 'peer:left', GRACE_MS + 2000);
    const ended = waitFor(ann.socket, 'call:ended', GRACE_MS + 2000);
    const droppedAt = Date.now();
    drop(bob);
    expect(await ended).toMatchObject({ callId: call.id, reason: 'disconnected' });
    expect(await left).toEqual({ id: bob.join.self.id, reason: 'disconnected' });
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    const { res } = await resume(server.url, bob);
    expect(res).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
  });

  it('a leave is seen at once and ends the session for good', async () => {
    const server = await start();
    const room = newRoom();
    const ann = await member(server.url, room, 'Ann');
    const bob = await member(server.url, room, 'Bob');
    const left = waitFor(ann.socket, 'peer:left');
    okData(await request(bob.socket, 'room:leave', {}));
    expect(await left).toEqual({ id: bob.join.self.id, reason: 'left' });
    const { res } = await resume(server.url, bob);
    expect(res).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
  });

  it('a page that said session:closing is seen gone after the short grace', async () => {
    const server = await start();
    const room = newRoom();
    const ann = await member(server.url, room, 'Ann');
    const bob = await member(server.url, room, 'Bob');
    okData(await request(bob.socket, 'session:closing', {}));
    const left = waitFor(ann.socket, 'peer:left', 1500);
    const droppedAt = Date.now();
    drop(bob);
    await left;
    expect(Date.now() - droppedAt).toBeLessThan(GRACE_MS);
  });

  it('a member who resumes on a second connection replaces the first (SESSION_REPLACED)', async () => {
    const server = await start();
    const room = newRoom();
    await member(server.url, room, 'Ann');
    const bob = await member(server.url, room, 'Bob');
    const replaced = waitFor(bob.socket, 'server:error');
    const { res } = await resume(server.url, bob);
    expect(okData(res).self.id).toBe(bob.join.self.id);
    expect(await replaced).toMatchObject({ code: 'SESSION_REPLACED' });
    await expect.poll(() => bob.socket.connected).toBe(false);
  });

  it('session:renew hands out a fresh token for the same session', async () => {
    const server = await start();
    const bob = await member(server.url, newRoom(), 'Bob');
    await new Promise((r) => setTimeout(r, 5)); // a later expiry, so another token
    const renewed = okData(await request(bob.socket, 'session:renew', {}));
    expect(renewed.token).not.toBe(bob.join.session.token);
    expect(renewed.expiresAt).toBeGreaterThan(bob.join.session.expiresAt);
    bob.grant = renewed;
    drop(bob);
    const { res } = await resume(server.url, bob);
    expect(okData(res).self.id).toBe(bob.join.self.id);
  });
});

describe('resume-token abuse (raw clients)', () => {
  it('forged, expired, other-room and other-peer tokens are refused with their codes and change nothing', async () => {
    const server = await start();
    const room = newRoom();
    const ann = await member(server.url, room, 'Ann');
    const bob = await member(server.url, room, 'Bob');
    const other = await member(server.url, newRoom(), 'Olga');
    const before = okData(await request(ann.socket, 'room:check', { room }));

    const attacker = await connectClient(server.url);
    const attempt = (p: { room: string; peer: string; token: string }) =>
      request(attacker, 'session:resume', p);

    const [v, body, mac] = bob.grant.token.split('.');
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = `${v}.${Buffer.from(JSON.stringify({ ...claims, name: 'Mallory' })).toString('base64url')}.${mac}`;
    expect(await attempt({ room, peer: bob.join.self.id, token: forged })).toMatchObject({
      ok: false,
      error: { code: 'RESUME_TOKEN_INVALID' },
    });

    const past = new ResumeTokens({
      secret: Buffer.from(SECRET),
      ttlMs: 1000,
      graceMs: GRACE_MS,
      now: () => Date.now() - 10_000,
    });
    const expired = past.issue(
      {
        room: room as RoomId,
        peer: bob.join.self.id,
        name: 'Bob',
        joinedAt: 0,
        roomClaim: {
          createdAt: 0,
          createdBy: bob.join.self.id,
          options: { joinCallOnEntry: false },
        },
        call: null,
      },
      String(claims['epoch']),
    );
    expect(await attempt({ room, peer: bob.join.self.id, token: expired.token })).toMatchObject({
      ok: false,
      error: { code: 'RESUME_TOKEN_EXPIRED' },
    });

    // Olga's valid token, presented for this room / for Bob's id.
    expect(
      await attempt({ room, peer: other.join.self.id, token: other.grant.token }),
    ).toMatchObject({ ok: false, error: { code: 'RESUME_TOKEN_MISMATCH' } });
    expect(
      await attempt({ room: other.join.room, peer: bob.join.self.id, token: other.grant.token }),
    ).toMatchObject({ ok: false, error: { code: 'RESUME_TOKEN_MISMATCH' } });
    // Bob's token for another participant id.
    expect(await attempt({ room, peer: ann.join.self.id, token: bob.grant.token })).toMatchObject({
      ok: false,
      error: { code: 'RESUME_TOKEN_MISMATCH' },
    });
    expect(await attempt({ room, peer: bob.join.self.id, token: 'x'.repeat(5000) })).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });

    // Nothing changed: same members, nobody heard anything, the attacker is in no room.
    expect(okData(await request(ann.socket, 'room:check', { room }))).toEqual(before);
    await expectNoEvent(ann.socket, 'peer:joined');
    await expectNoEvent(ann.socket, 'peer:connection');
    await expectNoEvent(bob.socket, 'server:error');
    expect(bob.socket.connected).toBe(true);
    expect(await request(attacker, 'chat:send', { text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_ROOM' },
    });
  });
});

describe('server restart (in-memory state lost)', () => {
  it('members resume into a rebuilt room and call: same ids, no duplicates, signaling works', async () => {
    const first = await start();
    const { room, ann, bob, call } = await inCall(first.url);
    await first.close();

    const second = await start();
    const annBack = await resume(second.url, ann);
    const a = okData(annBack.res);
    expect(a.restored).toBe(true);
    expect(a.self).toMatchObject({ id: ann.join.self.id, connection: 'connected' });
    // Bob is held as reconnecting, in the call, until he resumes too.
    expect(a.peers).toEqual([
      expect.objectContaining({ id: bob.join.self.id, name: 'Bob', connection: 'reconnecting' }),
    ]);
    expect(a.call).toMatchObject({ id: call.id, state: 'active' });
    expect((a.call as CallInfo).participants.sort()).toEqual(
      [ann.join.self.id, bob.join.self.id].sort(),
    );

    const back = waitFor(annBack.socket, 'peer:connection');
    const bobBack = await resume(second.url, bob);
    const b = okData(bobBack.res);
    expect(b.peers.map((p) => p.id)).toEqual([ann.join.self.id]);
    expect(b.call?.id).toBe(call.id);
    expect(await back).toEqual({ id: bob.join.self.id, connection: 'connected' });
    const check = okData(await request(annBack.socket, 'room:check', { room }));
    expect(check.participants).toBe(2);

    // Renegotiation after the restart: the relay works between the resumed members.
    const got = waitFor(bobBack.socket, 'signal:description');
    okData(
      await request(annBack.socket, 'signal:description', {
        callId: call.id,
        to: bob.join.self.id,
        description: { type: 'offer', sdp: 'v=0 after restart' },
      }),
    );
    expect(await got).toMatchObject({ from: ann.join.self.id, callId: call.id });
    // And hanging up ends it for both.
    const ended = waitFor(bobBack.socket, 'call:ended');
    okData(await request(annBack.socket, 'call:hangup', { callId: call.id }));
    expect(await ended).toMatchObject({ callId: call.id, reason: 'hung-up' });
  });

  it('a member of the rebuilt call who never returns is seen leaving after the grace', async () => {
    const first = await start();
    const { ann, bob, call } = await inCall(first.url);
    await first.close();
    const second = await start();
    const annBack = await resume(second.url, ann);
    okData(annBack.res);
    const left = waitFor(annBack.socket, 'peer:left', GRACE_MS + 2000);
    const ended = waitFor(annBack.socket, 'call:ended', GRACE_MS + 2000);
    expect(await ended).toMatchObject({ callId: call.id, reason: 'disconnected' });
    expect(await left).toEqual({ id: bob.join.self.id, reason: 'disconnected' });
  });

  it('a stranger who races into the room id after the restart does not keep the room settings', async () => {
    const first = await start();
    const room = newRoom();
    const socket = await connectClient(first.url);
    const owner = track(
      socket,
      okData(
        await request(socket, 'room:join', {
          room,
          name: 'Owner',
          options: { joinCallOnEntry: true },
        }),
      ),
    );
    await first.close();

    const second = await start();
    const strangerSocket = await connectClient(second.url);
    const stranger = okData(
      await request(strangerSocket, 'room:join', {
        room,
        name: 'Eve',
        options: { joinCallOnEntry: false },
      }),
    );
    expect(stranger.options.joinCallOnEntry).toBe(false);
    const ownerBack = okData((await resume(second.url, owner)).res);
    // The room is the owner's again: its own settings, its creator.
    expect(ownerBack.options.joinCallOnEntry).toBe(true);
    const status = okData(await request(strangerSocket, 'room:check', { room }));
    expect(status.options?.joinCallOnEntry).toBe(true);
    expect(status.participants).toBe(2);
  });

  it('a token from this server epoch whose room is gone is SESSION_NOT_FOUND, not a rebuild', async () => {
    const server = await start();
    const room = newRoom();
    const bob = await member(server.url, room, 'Bob');
    okData(await request(bob.socket, 'room:leave', {}));
    const { res } = await resume(server.url, bob);
    expect(res).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    const probe = await connectClient(server.url);
    expect(okData(await request(probe, 'room:check', { room })).exists).toBe(false);
  });
});

describe('graceful shutdown', () => {
  it('drain tells every client to reconnect and refuses new joins with UNAVAILABLE', async () => {
    const server = await start();
    const room = newRoom();
    const ann = await member(server.url, room, 'Ann');
    const draining = waitFor(ann.socket, 'server:draining');
    await server.app.drain(500);
    expect(await draining).toMatchObject({ retryInMs: expect.any(Number) });
    const late = await connectClient(server.url);
    expect(await request(late, 'room:join', { room, name: 'Late' })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', retryable: true },
    });
    const closed = new Promise<string>((resolve) => ann.socket.once('disconnect', resolve));
    await server.close();
    // A transport close, not a server-side disconnect: clients reconnect by themselves.
    expect(await closed).toBe('transport close');
    expect(ann.socket.active).toBe(true);
  });
});
