import type { RoomId } from '@parley/protocol';
import type { Room } from '../rooms/Room.js';

/** What an update keeps: the room (new or changed) or null to delete it. */
export interface RoomChange<T> {
  readonly room: Room | null;
  readonly result: T;
}

export interface StateCounts {
  readonly rooms: number;
  readonly participants: number;
  readonly calls: number;
  /** Calls by state (they sum to `calls`). */
  readonly ringingCalls: number;
  readonly activeCalls: number;
}

/**
 * All shared signaling state (rooms, their participants and calls) lives
 * behind this interface, so a multi-node store (Redis) can replace the
 * in-memory one without touching the handlers.
 *
 * The room is the unit of atomicity: `update` runs `fn` with no other update
 * of the same room interleaving, and `fn` must be synchronous and free of
 * side effects other than on the room (a Redis store may run it more than
 * once, optimistic-transaction style). Emitting events happens after the
 * returned promise resolves, from the result.
 */
export interface StateStore {
  /**
   * Changes whenever the store's state was lost (a new in-memory store on
   * each start; a shared store keeps its epoch across node restarts). A
   * resume token from an older epoch names a room the store may no longer
   * have, so it may rebuild it; one from this epoch may not.
   */
  readonly epoch: string;
  /** Run `fn` on the current room (undefined if none). `fn` must not mutate it. */
  read<T>(id: RoomId, fn: (room: Room | undefined) => T): Promise<T>;
  /**
   * `read`, answered at once: only a store that keeps its rooms in this
   * process has it (the hot relay path then waits for nothing).
   */
  readNow?<T>(id: RoomId, fn: (room: Room | undefined) => T): T;
  /** Atomically change a room; a throw inside `fn` leaves the store unchanged. */
  update<T>(id: RoomId, fn: (room: Room | undefined) => RoomChange<T>): Promise<T>;
  counts(): Promise<StateCounts>;
}
