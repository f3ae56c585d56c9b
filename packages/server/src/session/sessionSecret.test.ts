import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateSecretFile } from './sessionSecret.js';

describe('development SESSION_SECRET file', () => {
  it('is created once (mode 0600, 32 random bytes) and read back after a restart', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-secret-')), 'nested', 'session-secret');
    const first = loadOrCreateSecretFile(file);
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecretFile(file).equals(first)).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('hex'));
  });
});
