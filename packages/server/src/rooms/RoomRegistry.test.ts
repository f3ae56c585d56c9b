import type { CallId, PeerId, RoomId } from '@parley/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { CallService } from '../calls/CallService.js';
import { ChatService } from '../chat/ChatService.js';
import { MemoryStateStore } from '../state/MemoryStateStore.js';
import { RoomRegistry } from './RoomRegistry.js';

const room = 'r1' as RoomId;
const media = { audio: true, video: true, screen: null };

describe('RoomRegistry', () => {
  let store: MemoryStateStore;
  let rooms: RoomRegistry;
  let n = 0;

  beforeEach(() => {
    store = new MemoryStateStore();
    n = 0;
    let c = 0;
    rooms = new RoomRegistry(store, {
      capacity: 3,
      meshMax: 6,
      now: () => 42,
      newId: () => `p${++n}` as PeerId,
      newCallId: () => `call${++c}` as CallId,
    });
  });

  it('creates a room on first join and lists earlier members to later ones', async () => {
    expect(await rooms.check(room)).toMatchObject({ exists: false, participants: 0, capacity: 3 });
    const a = await rooms.join(room, { name: 'Ann', media, socketId: 's1' });
    expect(a).toEqual({
      kind: 'joined',
      waiting: [],
      self: { id: 'p1', name: 'Ann', media, joinedAt: 42, connection: 'connected' },
      peers: [],
      capacity: 3,
      options: { joinCallOnEntry: false },
      access: { passwordRequired: false, locked: false, waitingRoom: false },
      role: 'host',
      call: null,
      chat: [],
      callEffect: null,
      session: {
        room,
        peer: 'p1',
        name: 'Ann',
        joinedAt: 42,
        role: 'host',
        roomClaim: {
          createdAt: 42,
          createdBy: 'p1',
          options: { joinCallOnEntry: false },
          passwordHash: null,
          locked: false,
          waitingRoom: false,
          removed: [],
        },
        call: null,
      },
    });
    const b = await rooms.join(room, { name: 'Bob', media, socketId: 's2' });
    expect(b.peers.map((p) => p.id)).toEqual(['p1']);
    expect(await rooms.check(room)).toEqual({
      room,
      exists: true,
      participants: 2,
      capacity: 3,
      full: false,
      options: { joinCallOnEntry: false },
      access: { passwordRequired: false, locked: false, waitingRoom: false },
    });
  });

  it('refuses the join over capacity and leaves the room unchanged', async () => {
    for (const s of ['s1', 's2', 's3']) await rooms.join(room, { name: s, media, socketId: s });
    await expect(rooms.join(room, { name: 'late', media, socketId: 's4' })).rejects.toMatchObject({
      code: 'ROOM_FULL',
    });
    expect(await rooms.counts()).toEqual({
      rooms: 1,
      participants: 3,
      calls: 0,
      ringingCalls: 0,
      activeCalls: 0,
    });
  });

  it('deletes the room when the last participant leaves', async () => {
    const a = await rooms.join(room, { name: 'Ann', media, socketId: 's1' });
    const out = await rooms.leave(room, a.self.id, 'left');
    expect(out.self.id).toBe(a.self.id);
    expect(out.call).toBeNull();
    expect(await rooms.counts()).toEqual({
      rooms: 0,
      participants: 0,
      calls: 0,
      ringingCalls: 0,
      activeCalls: 0,
    });
    expect((await rooms.check(room)).exists).toBe(false);
  });

  it('refuses leave and media updates of non-members', async () => {
    await expect(rooms.leave(room, 'nobody' as PeerId, 'left')).rejects.toMatchObject({
      code: 'NOT_IN_ROOM',
    });
    await expect(rooms.updateMedia(room, 'nobody' as PeerId, media)).rejects.toMatchObject({
      code: 'NOT_IN_ROOM',
    });
  });

  it('stores media updates', async () => {
    const a = await rooms.join(room, { name: 'Ann', media, socketId: 's1' });
    const shared = { audio: false, video: true, screen: '{0f1e-screen}' };
    const info = await rooms.updateMedia(room, a.self.id, shared);
    expect(info.media).toEqual(shared);
    const b = await rooms.join(room, { name: 'Bob', media, socketId: 's2' });
    // A late joiner learns about an ongoing screen share from the peer list.
    expect(b.peers[0]?.media).toEqual(shared);
  });

  it('options come from the join that creates the room; later ones are ignored', async () => {
    await rooms.join(room, {
      name: 'Ann',
      media,
      socketId: 's1',
      options: { joinCallOnEntry: true },
    });
    const b = await rooms.join(room, {
      name: 'Bob',
      media,
      socketId: 's2',
      options: { joinCallOnEntry: false },
    });
    expect(b.options).toEqual({ joinCallOnEntry: true });
    expect((await rooms.check(room)).options).toEqual({ joinCallOnEntry: true });
    const other = await rooms.join('r2' as RoomId, {
      name: 'Cy',
      media,
      socketId: 's3',
      options: {},
    });
    expect(other.options).toEqual({ joinCallOnEntry: false });
  });

  it('joinCallOnEntry: the second member starts the call; the first hears call:updated', async () => {
    const opts = { joinCallOnEntry: true };
    const a = await rooms.join(room, { name: 'Ann', media, socketId: 's1', options: opts });
    expect(a.call).toBeNull();
    expect(a.callEffect).toBeNull();
    const b = await rooms.join(room, { name: 'Bob', media, socketId: 's2' });
    expect(b.call).toMatchObject({
      id: 'call1',
      state: 'active',
      participants: ['p1', 'p2'],
      invited: [],
      createdAt: 42,
    });
    expect(b.callEffect?.deliveries).toEqual([{ kind: 'updated', to: ['s1'], call: b.call }]);
    const c = await rooms.join(room, { name: 'Cy', media, socketId: 's3' });
    expect(c.call?.participants).toEqual(['p1', 'p2', 'p3']);
    expect(c.callEffect?.deliveries).toEqual([{ kind: 'updated', to: ['s1', 's2'], call: c.call }]);
    expect(await rooms.counts()).toEqual({
      rooms: 1,
      participants: 3,
      calls: 1,
      ringingCalls: 0,
      activeCalls: 1,
    });
  });

  it('chat history comes with the join, and dies with the room', async () => {
    const chat = new ChatService(store, { now: () => 5, newId: () => 'm1' });
    const a = await rooms.join(room, { name: 'Ann', media, socketId: 's1' });
    await chat.send(room, a.self.id, 'hello');
    const b = await rooms.join(room, { name: 'Bob', media, socketId: 's2' });
    expect(b.chat).toEqual([{ id: 'm1', from: 'p1', name: 'Ann', text: 'hello', sentAt: 5 }]);
    await rooms.leave(room, a.self.id, 'left');
    await rooms.leave(room, b.self.id, 'left');
    const again = await rooms.join(room, { name: 'Ann', media, socketId: 's3' });
    expect(again.chat).toEqual([]);
  });

  it('ends the calls of a leaving participant in the same step, addressed to the others', async () => {
    const calls = new CallService(store, { newId: () => 'c1' as never, now: () => 7 });
    const a = await rooms.join(room, { name: 'Ann', media, socketId: 's1' });
    const b = await rooms.join(room, { name: 'Bob', media, socketId: 's2' });
    await calls.invite(room, a.self.id, b.self.id);
    const out = await rooms.leave(room, b.self.id, 'disconnected');
    expect(out.call?.over).toBe(true);
    expect(out.call?.deliveries).toEqual([
      { kind: 'ended', to: ['s1'], callId: 'c1', reason: 'disconnected', by: b.self.id },
    ]);
    expect(await rooms.counts()).toEqual({
      rooms: 1,
      participants: 1,
      calls: 0,
      ringingCalls: 0,
      activeCalls: 0,
    });
  });
});
