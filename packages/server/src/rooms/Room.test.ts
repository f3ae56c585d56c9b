import type { PeerId, RoomId } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import type { Participant } from './Participant.js';
import { Room } from './Room.js';

const roomId = 'team' as RoomId;
const settings = (capacity: number, joinCallOnEntry = false) => ({
  capacity,
  meshMax: 6,
  options: { joinCallOnEntry },
});
const participant = (id: string): Participant => ({
  id: id as PeerId,
  name: `name-${id}`,
  media: { audio: true, video: false, screen: null },
  joinedAt: 1000,
  socketId: `socket-${id}`,
});

describe('Room', () => {
  it('adds participants up to capacity, then refuses with ROOM_FULL naming the capacity', () => {
    const room = new Room(roomId, settings(2));
    room.add(participant('a'));
    room.add(participant('b'));
    expect(room.isFull()).toBe(true);
    let error: unknown;
    try {
      room.add(participant('c'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('ROOM_FULL');
    expect((error as AppError).message).toContain('2 participants max');
    expect(room.size).toBe(2);
  });

  it('refuses the same participant twice', () => {
    const room = new Room(roomId, settings(4));
    room.add(participant('a'));
    expect(() => room.add(participant('a'))).toThrow(
      expect.objectContaining({ code: 'ALREADY_IN_ROOM' }),
    );
  });

  it('removal frees a seat at once', () => {
    const room = new Room(roomId, settings(2));
    room.add(participant('a'));
    room.add(participant('b'));
    expect(room.remove('a' as PeerId)?.id).toBe('a');
    expect(room.isFull()).toBe(false);
    room.add(participant('c'));
    expect(room.size).toBe(2);
    expect(room.remove('zzz' as PeerId)).toBeUndefined();
  });

  it('lists peers without the asker and without socket ids', () => {
    const room = new Room(roomId, settings(4));
    room.add(participant('a'));
    room.add(participant('b'));
    room.add(participant('c'));
    const peers = room.peers('b' as PeerId);
    expect(peers.map((p) => p.id)).toEqual(['a', 'c']);
    expect(peers[0]).toEqual({
      id: 'a',
      name: 'name-a',
      media: { audio: true, video: false, screen: null },
      joinedAt: 1000,
    });
    expect(JSON.stringify(peers)).not.toContain('socket-');
  });

  it('stores media state and returns copies', () => {
    const room = new Room(roomId, settings(4));
    room.add(participant('a'));
    const updated = room.setMedia('a' as PeerId, { audio: false, video: true, screen: 'scr-1' });
    expect(updated.media).toEqual({ audio: false, video: true, screen: 'scr-1' });
    expect(room.peers()[0]?.media.screen).toBe('scr-1');
    const listed = room.peers()[0];
    if (!listed) throw new Error('no peer');
    listed.media.audio = true;
    expect(room.get('a' as PeerId)?.media.audio).toBe(false);
    expect(() => room.setMedia('x' as PeerId, { audio: true, video: true, screen: null })).toThrow(
      expect.objectContaining({ code: 'NOT_IN_ROOM' }),
    );
  });

  it('resolves addresses of present participants only', () => {
    const room = new Room(roomId, settings(4));
    room.add(participant('a'));
    expect(room.addresses(['a' as PeerId, 'gone' as PeerId])).toEqual(['socket-a']);
  });

  it('reports status with the room options', () => {
    const room = new Room(roomId, settings(2, true));
    room.add(participant('a'));
    expect(room.status()).toEqual({
      room: 'team',
      exists: true,
      participants: 1,
      capacity: 2,
      full: false,
      options: { joinCallOnEntry: true },
      access: { passwordRequired: false, locked: false, waitingRoom: false },
    });
    room.add(participant('b'));
    expect(room.status().full).toBe(true);
    expect(Room.absent('x' as RoomId, 8)).toEqual({
      room: 'x',
      exists: false,
      participants: 0,
      capacity: 8,
      full: false,
      options: null,
      access: null,
    });
  });

  it('gives its call the mesh bound and the joinCallOnEntry option', () => {
    const room = new Room(roomId, { capacity: 8, meshMax: 4, options: { joinCallOnEntry: true } });
    expect(room.calls.maxMembers).toBe(4);
    room.add(participant('a'));
    room.calls.enter(roomId, 'a' as PeerId, () => 'c1' as never, 0);
    expect(room.calls.waitingMembers()).toEqual(['a']);
  });

  it('keeps a bounded chat history', () => {
    const room = new Room(roomId, settings(2));
    expect(room.chat.capacity).toBe(100);
    expect(room.chat.list()).toEqual([]);
  });
});
