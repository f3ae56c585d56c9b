import type { RoomId } from '@parley/protocol';
import { randomId } from '../ids.js';
import type { Room } from '../rooms/Room.js';
import type { RoomChange, StateCounts, StateStore } from './StateStore.js';

/**
 * Single-process store. `fn` runs synchronously inside `update`, so in one
 * Node process no other update can interleave with it. Room methods check
 * before they mutate, which is what makes "a throw leaves the store
 * unchanged" hold without copying the room.
 */
export class MemoryStateStore implements StateStore {
  private readonly rooms = new Map<RoomId, Room>();
  /** A new one per process: a restart loses every room. */
  readonly epoch = randomId();

  read<T>(id: RoomId, fn: (room: Room | undefined) => T): Promise<T> {
    try {
      return Promise.resolve(fn(this.rooms.get(id)));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  readNow<T>(id: RoomId, fn: (room: Room | undefined) => T): T {
    return fn(this.rooms.get(id));
  }

  update<T>(id: RoomId, fn: (room: Room | undefined) => RoomChange<T>): Promise<T> {
    try {
      const { room, result } = fn(this.rooms.get(id));
      if (room === null) this.rooms.delete(id);
      else this.rooms.set(id, room);
      return Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  counts(): Promise<StateCounts> {
    let participants = 0;
    let ringingCalls = 0;
    let activeCalls = 0;
    for (const room of this.rooms.values()) {
      participants += room.size;
      const state = room.calls.current()?.currentState;
      if (state === 'ringing') ringingCalls += 1;
      else if (state !== undefined) activeCalls += 1;
    }
    const calls = ringingCalls + activeCalls;
    return Promise.resolve({
      rooms: this.rooms.size,
      participants,
      calls,
      ringingCalls,
      activeCalls,
    });
  }
}
