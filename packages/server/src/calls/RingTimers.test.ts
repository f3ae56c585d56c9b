import type { CallId, PeerId, RoomId } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RingTimers } from './RingTimers.js';

const room = 'r' as RoomId;
const c1 = 'c1' as CallId;
const c2 = 'c2' as CallId;
const b = 'b' as PeerId;
const c = 'c' as PeerId;

describe('RingTimers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once per ringing invitee after the timeout', () => {
    const expired: string[] = [];
    const timers = new RingTimers(1000, (r, id, p) => expired.push(`${r}/${id}/${p}`));
    timers.sync(room, c1, [b]);
    timers.sync(room, c1, [b]); // already running: not restarted, not doubled
    vi.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['r/c1/b']);
    expect(timers.size).toBe(0);
    expect(timers.has(c1)).toBe(false);
  });

  it('an invitee rung later into the same call gets its own full ring time', () => {
    const expired: string[] = [];
    const timers = new RingTimers(1000, (_r, _id, p) => expired.push(p));
    timers.sync(room, c1, [b]);
    vi.advanceTimersByTime(600);
    timers.sync(room, c1, [b, c]);
    vi.advanceTimersByTime(400);
    expect(expired).toEqual(['b']);
    expect(timers.has(c1, c)).toBe(true);
    vi.advanceTimersByTime(599);
    expect(expired).toEqual(['b']);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['b', 'c']);
  });

  it('stops the timers of invitees who no longer ring', () => {
    const onExpire = vi.fn();
    const timers = new RingTimers(1000, onExpire);
    timers.sync(room, c1, [b, c]);
    timers.sync(room, c1, [c]);
    expect(timers.has(c1, b)).toBe(false);
    timers.sync(room, c1, []);
    expect(timers.has(c1)).toBe(false);
    vi.advanceTimersByTime(5000);
    expect(onExpire).not.toHaveBeenCalled();
  });

  it('clearAll stops everything', () => {
    const onExpire = vi.fn();
    const timers = new RingTimers(1000, onExpire);
    timers.sync(room, c1, [b]);
    timers.sync(room, c2, [b, c]);
    expect(timers.size).toBe(3);
    timers.clearAll();
    vi.advanceTimersByTime(5000);
    expect(onExpire).not.toHaveBeenCalled();
    expect(timers.size).toBe(0);
  });
});
