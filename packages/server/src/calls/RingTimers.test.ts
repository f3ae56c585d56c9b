import type { CallId, RoomId } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RingTimers } from './RingTimers.js';

const room = 'r' as RoomId;
const c1 = 'c1' as CallId;
const c2 = 'c2' as CallId;

describe('RingTimers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once per ringing call after the timeout', () => {
    const expired: string[] = [];
    const timers = new RingTimers(1000, (r, id) => expired.push(`${r}/${id}`));
    timers.sync(room, c1, true);
    timers.sync(room, c1, true); // already running: not restarted, not doubled
    vi.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['r/c1']);
    expect(timers.size).toBe(0);
  });

  it('stops when the call no longer rings anyone', () => {
    const onExpire = vi.fn();
    const timers = new RingTimers(1000, onExpire);
    timers.sync(room, c1, true);
    timers.sync(room, c1, false);
    expect(timers.has(c1)).toBe(false);
    vi.advanceTimersByTime(5000);
    expect(onExpire).not.toHaveBeenCalled();
  });

  it('clearAll stops everything', () => {
    const onExpire = vi.fn();
    const timers = new RingTimers(1000, onExpire);
    timers.sync(room, c1, true);
    timers.sync(room, c2, true);
    expect(timers.size).toBe(2);
    timers.clearAll();
    vi.advanceTimersByTime(5000);
    expect(onExpire).not.toHaveBeenCalled();
    expect(timers.size).toBe(0);
  });
});
