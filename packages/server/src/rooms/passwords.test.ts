import { describe, expect, it } from 'vitest';
import { PasswordAttempts } from './PasswordAttempts.js';
import { hashPassword, verifyPassword } from './passwords.js';

describe('room passwords (scrypt)', () => {
  it('stores only a salted hash and verifies the right password only', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(stored).not.toContain('correct');
    expect(await hashPassword('correct horse')).not.toBe(stored); // salted
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct hors', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('treats a malformed or absurdly expensive record as no match', async () => {
    for (const bad of [
      '',
      'plain',
      'scrypt$1$8$1$a$b',
      'scrypt$1073741824$8$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5',
    ]) {
      expect(await verifyPassword('x', bad)).toBe(false);
    }
  });
});

describe('PasswordAttempts', () => {
  it('refuses after 5 failures per address and room, for the rest of the window', () => {
    let now = 1000;
    const attempts = new PasswordAttempts({ now: () => now });
    for (let i = 0; i < 5; i++) {
      expect(attempts.retryAfterMs('1.2.3.4', 'r')).toBe(0);
      attempts.failed('1.2.3.4', 'r');
      now += 1000;
    }
    expect(attempts.retryAfterMs('1.2.3.4', 'r')).toBe(55_000);
    expect(attempts.retryAfterMs('1.2.3.4', 'other')).toBe(0);
    expect(attempts.retryAfterMs('5.6.7.8', 'r')).toBe(0);
    now += 55_000;
    expect(attempts.retryAfterMs('1.2.3.4', 'r')).toBe(0);
  });

  it('a right password clears the count; memory stays bounded', () => {
    const attempts = new PasswordAttempts({ maxEntries: 3 });
    for (let i = 0; i < 4; i++) attempts.failed('a', 'r');
    attempts.succeeded('a', 'r');
    for (let i = 0; i < 5; i++) expect(attempts.retryAfterMs('a', 'r')).toBe(0);
    for (let i = 0; i < 10; i++) attempts.failed(`addr${i}`, 'r');
    // Only the 3 newest addresses are remembered.
    for (let i = 0; i < 7; i++) attempts.failed(`addr${i}`, 'r'); // no throw, bounded
  });
});
