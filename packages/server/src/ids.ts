import { randomBytes } from 'node:crypto';
import type { CallId, PeerId } from '@parley/protocol';

/**
 * Server-assigned ids: 16 random bytes (128 bits) as base64url, 22 characters
 * of [A-Za-z0-9_-]. Unguessable, so an id seen once does not let anyone
 * address a participant or call they were not told about.
 */
const ID_BYTES = 16;

/**
 * The bytes come from a pool filled by the CSPRNG 256 ids at a time: each
 * synchronous randomBytes() call is a crypto job of its own (~20 µs here,
 * a tenth of a call setup's server time in a burst of setups), while a
 * slice of the pool costs what the base64url encoding costs. Each byte of
 * the pool is used once.
 */
const POOL_BYTES = ID_BYTES * 256;
let pool = Buffer.alloc(0);
let offset = 0;

export function randomId(): string {
  if (offset + ID_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}

export function newPeerId(): PeerId {
  return randomId() as PeerId;
}

export function newCallId(): CallId {
  return randomId() as CallId;
}
