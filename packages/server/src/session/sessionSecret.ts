import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The development SESSION_SECRET: generated once and kept in a file outside
 * git (`.parley/session-secret` by default, mode 0600), so that `npm start`
 * after a restart still verifies the resume tokens it issued before. In
 * production (NODE_ENV=production) the server refuses to start without an
 * explicit SESSION_SECRET instead (config.ts).
 */
export function loadOrCreateSecretFile(path: string): Buffer {
  try {
    const hex = readFileSync(path, 'utf8').trim();
    if (/^[0-9a-f]{64,}$/i.test(hex)) return Buffer.from(hex, 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${secret.toString('hex')}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}
