import type { CallId, RoomId } from '@parley/protocol';

/**
 * One timer per call that has someone ringing. `sync` keeps the invariant
 * "a timer runs exactly while a call has invitees", so no path that ends or
 * answers a call can leak one.
 */
export class RingTimers {
  private readonly timers = new Map<CallId, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpire: (room: RoomId, callId: CallId) => void,
  ) {}

  get size(): number {
    return this.timers.size;
  }

  has(callId: CallId): boolean {
    return this.timers.has(callId);
  }

  /** Start the timer if the call rings someone, stop it otherwise. */
  sync(room: RoomId, callId: CallId, ringing: boolean): void {
    if (!ringing) {
      this.clear(callId);
      return;
    }
    if (this.timers.has(callId)) return;
    const timer = setTimeout(() => {
      this.timers.delete(callId);
      this.onExpire(room, callId);
    }, this.timeoutMs);
    timer.unref();
    this.timers.set(callId, timer);
  }

  clear(callId: CallId): void {
    const timer = this.timers.get(callId);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(callId);
  }

  clearAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
