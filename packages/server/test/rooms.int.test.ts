import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllClients,
  connectClient,
  expectNoEvent,
  joinedClient,
  okData,
  request,
  waitFor,
} from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

describe('rooms and presence', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ MAX_ROOM_SIZE: '2' });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  it('room:check works without joining and reflects members', async () => {
    const probe = await connectClient(server.url);
    expect(okData(await request(probe, 'room:check', { room: 'check-room' }))).toEqual({
      room: 'check-room',
      exists: false,
      participants: 0,
      capacity: 2,
      full: false,
      options: null,
      access: null,
    });
    await joinedClient(server.url, 'check-room', 'Ann');
    expect(okData(await request(probe, 'room:check', { room: 'check-room' }))).toMatchObject({
      exists: true,
      participants: 1,
      full: false,
      options: { joinCallOnEntry: false },
    });
  });

  it('join: the newcomer gets the earlier members, they get peer:joined', async () => {
    const ann = await joinedClient(server.url, 'presence', 'Ann');
    expect(ann.join).toMatchObject({
      room: 'presence',
      self: { name: 'Ann', media: { audio: false, video: false, screen: null } },
      peers: [],
      capacity: 2,
      ice: { iceServers: [], expiresAt: null },
      options: { joinCallOnEntry: false },
      call: null,
      chat: [],
    });
    expect(ann.join.self.id).toMatch(/^[A-Za-z0-9_-]{22,}$/);

    const joined = waitFor(ann.socket, 'peer:joined');
    const bob = await connectClient(server.url);
    const bobJoin = okData(
      await request(bob, 'room:join', {
        room: 'presence',
        name: '  Bob  ',
        media: { audio: true, video: false },
      }),
    );
    expect(bobJoin.self).toMatchObject({
      name: 'Bob',
      media: { audio: true, video: false, screen: null },
    });
    expect(bobJoin.peers).toEqual([ann.join.self]);
    expect(await joined).toEqual(bobJoin.self);
    await expectNoEvent(bob, 'peer:joined');
  });

  it('ROOM_FULL for the third participant, with the capacity in the message', async () => {
    await joinedClient(server.url, 'full', 'Ann');
    await joinedClient(server.url, 'full', 'Bob');
    const carol = await connectClient(server.url);
    const res = await request(carol, 'room:join', { room: 'full', name: 'Carol' });
    expect(res).toMatchObject({ ok: false, error: { code: 'ROOM_FULL', retryable: true } });
    if (!res.ok) expect(res.error.message).toContain('2');
    expect(okData(await request(carol, 'room:check', { room: 'full' }))).toMatchObject({
      participants: 2,
      full: true,
    });
  });

  it('a disconnect frees the seat at once and others hear peer:left disconnected', async () => {
    const ann = await joinedClient(server.url, 'ghost', 'Ann');
    const bob = await joinedClient(server.url, 'ghost', 'Bob');
    const left = waitFor(ann.socket, 'peer:left');
    bob.socket.disconnect();
    expect(await left).toEqual({ id: bob.join.self.id, reason: 'disconnected' });
    const carol = await connectClient(server.url);
    const res = await request(carol, 'room:join', { room: 'ghost', name: 'Carol' });
    expect(res.ok).toBe(true);
  });

  it('room:leave: others hear peer:left left; the room is removed when empty', async () => {
    const ann = await joinedClient(server.url, 'leaving', 'Ann');
    const bob = await joinedClient(server.url, 'leaving', 'Bob');
    const left = waitFor(ann.socket, 'peer:left');
    expect(okData(await request(bob.socket, 'room:leave', {}))).toEqual({});
    expect(await left).toEqual({ id: bob.join.self.id, reason: 'left' });
    // Bob no longer hears the room.
    const annLeft = expectNoEvent(bob.socket, 'peer:left');
    okData(await request(ann.socket, 'room:leave', {}));
    await annLeft;
    expect(okData(await request(ann.socket, 'room:check', { room: 'leaving' })).exists).toBe(false);
    // And may join again.
    expect((await request(bob.socket, 'room:join', { room: 'leaving', name: 'Bob' })).ok).toBe(
      true,
    );
  });

  it('ALREADY_IN_ROOM and NOT_IN_ROOM', async () => {
    const ann = await joinedClient(server.url, 'twice', 'Ann');
    expect(await request(ann.socket, 'room:join', { room: 'other', name: 'Ann' })).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_IN_ROOM' },
    });
    const loner = await connectClient(server.url);
    for (const res of [
      await request(loner, 'room:leave', {}),
      await request(loner, 'media:update', { audio: true, video: true }),
      await request(loner, 'ice:refresh', {}),
      await request(loner, 'call:invite', { to: ann.join.self.id }),
      await request(loner, 'call:join', { callId: 'AAAAAAAAAAAAAAAAAAAAAA' }),
      await request(loner, 'chat:send', { text: 'hello?' }),
    ]) {
      expect(res).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
    }
  });

  it('media:update is stored and others get the full PeerInfo', async () => {
    const ann = await joinedClient(server.url, 'media', 'Ann');
    const bob = await joinedClient(server.url, 'media', 'Bob');
    const updated = waitFor(bob.socket, 'peer:updated');
    okData(await request(ann.socket, 'media:update', { audio: false, video: true }));
    // `screen` omitted by the sender means "not sharing".
    expect(await updated).toEqual({
      ...ann.join.self,
      media: { audio: false, video: true, screen: null },
    });
    await expectNoEvent(ann.socket, 'peer:updated');
    okData(await request(bob.socket, 'room:leave', {}));
    const again = okData(await request(bob.socket, 'room:join', { room: 'media', name: 'Bob' }));
    expect(again.peers[0]?.media).toEqual({ audio: false, video: true, screen: null });
  });

  it('screen share: the stream id is broadcast, kept for late joiners, and cleared with null', async () => {
    const ann = await joinedClient(server.url, 'screen', 'Ann');
    const bob = await joinedClient(server.url, 'screen', 'Bob');
    const sharing = { audio: true, video: true, screen: '{6b1c0f0e-8f7a-4d6e-9a37-0c5e2d1f9b10}' };
    const updated = waitFor(bob.socket, 'peer:updated');
    okData(await request(ann.socket, 'media:update', sharing));
    expect((await updated).media).toEqual(sharing);
    okData(await request(bob.socket, 'room:leave', {}));
    const late = okData(await request(bob.socket, 'room:join', { room: 'screen', name: 'Bob' }));
    expect(late.peers[0]?.media).toEqual(sharing);
    const stopped = waitFor(bob.socket, 'peer:updated');
    okData(await request(ann.socket, 'media:update', { ...sharing, screen: null }));
    expect((await stopped).media.screen).toBeNull();
    // Not a stream id: refused, nothing stored.
    expect(
      await request(ann.socket, 'media:update', { audio: true, video: true, screen: '<img>' }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
  });
});
