import type { CallId, PeerId, RoomId } from '@parley/protocol';

type Timer = ReturnType<typeof setTimeout>;

/**
 * One timer per ringing invitee. Each invitee gets the full ring time, even
 * when it was rung into a call where someone else already rings. `sync`
 * keeps the invariant "a timer runs exactly while its invitee rings", so no
 * path that ends or answers a call can leak one.
 */
export class RingTimers {
  private readonly calls = new Map<CallId, Map<PeerId, Timer>>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpire: (room: RoomId, callId: CallId, peer: PeerId) => void,
  ) {}

  /** Running timers, over all calls. */
  get size(): number {
    let n = 0;
    for (const timers of this.calls.values()) n += timers.size;
    return n;
  }

  has(callId: CallId, peer?: PeerId): boolean {
    const timers = this.calls.get(callId);
    return peer === undefined ? timers !== undefined : (timers?.has(peer) ?? false);
  }

  /** Start timers for new invitees of `callId`, stop those of invitees no longer ringing. */
  sync(room: RoomId, callId: CallId, ringing: readonly PeerId[]): void {
    const timers = this.calls.get(callId) ?? new Map<PeerId, Timer>();
    for (const [peer, timer] of timers) {
      if (!ringing.includes(peer)) {
        clearTimeout(timer);
        timers.delete(peer);
      }
    }
    for (const peer of ringing) {
      if (timers.has(peer)) continue;
      const timer = setTimeout(() => {
        this.drop(callId, peer);
        this.onExpire(room, callId, peer);
      }, this.timeoutMs);
      timer.unref();
      timers.set(peer, timer);
    }
    if (timers.size > 0) this.calls.set(callId, timers);
    else this.calls.delete(callId);
  }

  clear(callId: CallId): void {
    for (const timer of this.calls.get(callId)?.values() ?? []) clearTimeout(timer);
    this.calls.delete(callId);
  }

  clearAll(): void {
    for (const callId of [...this.calls.keys()]) this.clear(callId);
  }

  private drop(callId: CallId, peer: PeerId): void {
    const timers = this.calls.get(callId);
    timers?.delete(peer);
    if (timers?.size === 0) this.calls.delete(callId);
  }
}
