import type { PeerId, RoomId } from '@parley/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { CallService } from '../calls/CallService.js';
import { MemoryStateStore } from '../state/MemoryStateStore.js';
import { RoomRegistry } from './RoomRegistry.js';

const room = 'r1' as RoomId;
const media = { audio: true, video: true };

describe('RoomRegistry', () => {
  let store: MemoryStateStore;
  let rooms: RoomRegistry;
  let n = 0;

  beforeEach(() => {
    store = new MemoryStateStore();
    n = 0;
    rooms = new RoomRegistry(store, {
      capacity: 3,
      now: () => 42,
      newId: () => `p${++n}` as PeerId,
    });
  });

  it('creates a room on first join and lists earlier members to later ones', async () => {
    expect(await rooms.check(room)).toMatchObject({ exists: false, participants: 0, capacity: 3 });
    const a = await rooms.join(room, { name: 'Ann', media, socketId: 's1' });
    expect(a).toEqual({
      self: { id: 'p1', name: 'Ann', media, joinedAt: 42 },
      peers: [],
      capacity: 3,
    });
    const b = await rooms.join(room, { name: 'Bob', media, socketId: 's2' });
    expect(b.peers.map((p) => p.id)).toEqual(['p1']);
    expect(await rooms.check(room)).toEqual({
      room,
      exists: true,
      participants: 2,
      capacity: 3,
      full: false,
    });
  });

  it('refuses the join over capacity and leaves the room unchanged', async () => {
    for (const s of ['s1', 's2', 's3']) await rooms.join(room, { name: s, media, socketId: s });
    await expect(rooms.join(room, { name: 'late', media, socketId: 's4' })).rejects.toMatchObject({
      code: 'ROOM_FULL',
    });
    expect(await rooms.counts()).toEqual({ rooms: 1, participants: 3, calls: 0 });
  });

  it('deletes the room when the last participant leaves', async () => {
    const a = await rooms.join(room, { name: 'Ann', media, socketId: 's1' });
    const out = await rooms.leave(room, a.self.id, 'left');
    expect(out.self.id).toBe(a.self.id);
    expect(out.calls).toEqual([]);
    expect(await rooms.counts()).toEqual({ rooms: 0, participants: 0, calls: 0 });
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
    const info = await rooms.updateMedia(room, a.self.id, { audio: false, video: true });
    expect(info.media).toEqual({ audio: false, video: true });
    const b = await rooms.join(room, { name: 'Bob', media, socketId: 's2' });
    expect(b.peers[0]?.media).toEqual({ audio: false, video: true });
  });

  it('ends the calls of a leaving participant in the same step, addressed to the others', async () => {
    const calls = new CallService(store, { newId: () => 'c1' as never, now: () => 7 });
    const a = await rooms.join(room, { name: 'Ann', media, socketId: 's1' });
    const b = await rooms.join(room, { name: 'Bob', media, socketId: 's2' });
    await calls.invite(room, a.self.id, b.self.id);
    const out = await rooms.leave(room, b.self.id, 'disconnected');
    expect(out.calls).toHaveLength(1);
    expect(out.calls[0]?.over).toBe(true);
    expect(out.calls[0]?.deliveries).toEqual([
      { kind: 'ended', to: ['s1'], callId: 'c1', reason: 'disconnected', by: b.self.id },
    ]);
    expect(await rooms.counts()).toEqual({ rooms: 1, participants: 1, calls: 0 });
  });
});
