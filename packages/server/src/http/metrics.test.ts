import { describe, expect, it } from 'vitest';
import { bearerMatches } from './metrics.js';

describe('bearerMatches', () => {
  const token = 'scrape-token-0123456789';

  it('takes exactly "Bearer <token>" (scheme in any case)', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
  });

  it('refuses no header, another scheme, a wrong, shorter, longer or empty token', () => {
    for (const header of [
      undefined,
      '',
      token,
      `Basic ${token}`,
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, -1)}`,
      'Bearer wrong',
      'Bearer ',
      `Bearer ${token} extra`,
    ]) {
      expect(bearerMatches(header, token)).toBe(false);
    }
  });
});
