import { describe, expect, it } from 'vitest';
import { randomId } from './ids.js';

describe('randomId', () => {
  it('gives 22-character base64url ids of 128 bits, all distinct across pool refills', () => {
    const ids = Array.from({ length: 1000 }, () => randomId()); // ~4 pools
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 10)) expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });

  it('uses every random bit: each of the 128 bit positions varies over many ids', () => {
    const ones = new Array<number>(128).fill(0);
    const n = 600;
    for (let i = 0; i < n; i++) {
      const bytes = Buffer.from(randomId(), 'base64url');
      for (let b = 0; b < 128; b++) ones[b]! += (bytes[b >> 3]! >> (7 - (b & 7))) & 1;
    }
    // Each position is 1 about half the time (binomial, n = 600: 6 sigma is ±73).
    for (const count of ones) expect(Math.abs(count - n / 2)).toBeLessThan(75);
  });
});
