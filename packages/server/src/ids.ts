import { randomBytes } from 'node:crypto';
import type { CallId, PeerId } from '@parley/protocol';

/**
 * Server-assigned ids: 16 random bytes (128 bits) as base64url, 22 characters
 * of [A-Za-z0-9_-]. Unguessable, so an id seen once does not let anyone
 * address a participant or call they were not told about.
 */
const ID_BYTES = 16;

export function randomId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

export function newPeerId(): PeerId {
  return randomId() as PeerId;
}

export function newCallId(): CallId {
  return randomId() as CallId;
}
