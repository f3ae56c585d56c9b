import { describe, expect, it } from 'vitest';
import { TokenBucket } from './TokenBucket.js';

describe('TokenBucket', () => {
  it('allows a burst, refuses the next, refills at the given rate', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, () => now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true]);
    expect(bucket.take()).toBe(false);
    now = 400; // 0.8 token
    expect(bucket.take()).toBe(false);
    now = 500; // 1.0 token
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it('never holds more than its capacity', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 100, () => now);
    now = 60_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
  });

  it('ignores a clock going backwards', () => {
    let now = 1000;
    const bucket = new TokenBucket(1, 1, () => now);
    expect(bucket.take()).toBe(true);
    now = 0;
    expect(bucket.take()).toBe(false);
  });

  it('refused attempts do not dig a hole', () => {
    let now = 0;
    const bucket = new TokenBucket(1, 1, () => now);
    bucket.take();
    for (let i = 0; i < 100; i++) bucket.take();
    now = 1000;
    expect(bucket.take()).toBe(true);
  });
});
