import { Limits, type PeerId, type RoomId, type ServerToClientEvents } from '@parley/protocol';

/** A message for one member, as it will be emitted. */
export type OutboxMessage = {
  [E in 'signal:description' | 'signal:candidate']: {
    readonly event: E;
    readonly payload: Parameters<ServerToClientEvents[E]>[0];
  };
}['signal:description' | 'signal:candidate'];

/**
 * Where messages for a member whose connection is down wait (in this
 * process, or in Redis so that the member may resume on any node).
 */
export interface OutboxStore {
  push(room: RoomId, peer: PeerId, message: OutboxMessage): void;
  /** Everything waiting for the member, oldest first; the queue is emptied. */
  take(room: RoomId, peer: PeerId): Promise<OutboxMessage[]>;
  discard(room: RoomId, peer: PeerId): void;
}

/**
 * Messages addressed to a member whose connection is down (a candidate, a
 * renegotiation offer), kept in order and handed over when it resumes, so a
 * reconnect loses nothing. Bounded per member (Limits.OUTBOX_MAX; past it
 * the newest are dropped and the loss is counted: ICE recovery renegotiates
 * anyway). Dropped with the member when it leaves or its grace runs out.
 */
export class Outbox implements OutboxStore {
  readonly #queues = new Map<string, OutboxMessage[]>();
  #dropped = 0;

  get dropped(): number {
    return this.#dropped;
  }

  /** Members with something waiting. */
  get size(): number {
    return this.#queues.size;
  }

  push(room: RoomId, peer: PeerId, message: OutboxMessage): void {
    const k = key(room, peer);
    const queue = this.#queues.get(k) ?? [];
    if (queue.length >= Limits.OUTBOX_MAX) {
      this.#dropped += 1;
      return;
    }
    queue.push(message);
    this.#queues.set(k, queue);
  }

  /** Everything waiting for the member, oldest first; the queue is emptied. */
  take(room: RoomId, peer: PeerId): Promise<OutboxMessage[]> {
    const k = key(room, peer);
    const queue = this.#queues.get(k) ?? [];
    this.#queues.delete(k);
    return Promise.resolve(queue);
  }

  discard(room: RoomId, peer: PeerId): void {
    this.#queues.delete(key(room, peer));
  }
}

function key(room: RoomId, peer: PeerId): string {
  return `${room}\n${peer}`;
}
