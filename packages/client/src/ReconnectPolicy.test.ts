import { describe, expect, it } from 'vitest';
import { DefaultReconnectPolicy, DEFAULT_RECONNECT_DELAYS_MS } from './ReconnectPolicy.js';

const ctx = (attempt: number, elapsedMs = 0, mediaConnected = false) => ({
  attempt,
  elapsedMs,
  mediaConnected,
});

describe('DefaultReconnectPolicy', () => {
  it('retries at once, then backs off and caps at a few seconds', () => {
    const policy = new DefaultReconnectPolicy({ random: () => 0 });
    const delays = [0, 1, 2, 3, 4, 5, 20].map((a) => policy.nextRetryDelayMs(ctx(a)));
    expect(delays).toEqual([0, 250, 500, 1000, 2000, 2000, 2000]);
    expect(Math.max(...DEFAULT_RECONNECT_DELAYS_MS)).toBeLessThanOrEqual(2000);
  });

  it('adds bounded jitter', () => {
    const policy = new DefaultReconnectPolicy({ random: () => 1, jitter: 0.2 });
    expect(policy.nextRetryDelayMs(ctx(4))).toBe(2400);
  });

  it('gives up after the window when no media flows, never while media still flows', () => {
    const policy = new DefaultReconnectPolicy({ giveUpAfterMs: 45_000, random: () => 0 });
    expect(policy.nextRetryDelayMs(ctx(30, 44_999))).toBe(2000);
    expect(policy.nextRetryDelayMs(ctx(30, 45_000))).toBeNull();
    expect(policy.nextRetryDelayMs(ctx(300, 600_000, true))).toBe(2000);
  });
});
