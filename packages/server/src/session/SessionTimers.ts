import type { PeerId, RoomId } from '@parley/protocol';

type Timer = ReturnType<typeof setTimeout>;

/**
 * One timer per member whose connection is down: when it fires before the
 * member resumed, the member is gone (seen as `peer:left`, reason
 * 'disconnected'). Arming again replaces the running timer.
 */
export class SessionTimers {
  readonly #timers = new Map<string, Timer>();

  constructor(private readonly onExpire: (room: RoomId, peer: PeerId) => void) {}

  get size(): number {
    return this.#timers.size;
  }

  has(room: RoomId, peer: PeerId): boolean {
    return this.#timers.has(key(room, peer));
  }

  arm(room: RoomId, peer: PeerId, delayMs: number): void {
    this.cancel(room, peer);
    const k = key(room, peer);
    const timer = setTimeout(() => {
      this.#timers.delete(k);
      this.onExpire(room, peer);
    }, delayMs);
    timer.unref();
    this.#timers.set(k, timer);
  }

  cancel(room: RoomId, peer: PeerId): void {
    const k = key(room, peer);
    const timer = this.#timers.get(k);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(k);
  }

  clearAll(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}

function key(room: RoomId, peer: PeerId): string {
  return `${room}\n${peer}`;
}
