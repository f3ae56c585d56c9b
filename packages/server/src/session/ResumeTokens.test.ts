import { createHmac } from 'node:crypto';
import type { PeerId, RoomId } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ResumeTokens, type SessionRecord } from './ResumeTokens.js';

const secret = Buffer.alloc(32, 7);
const record: SessionRecord = {
  room: 'room-1' as RoomId,
  peer: 'peer-1' as PeerId,
  name: 'Ann',
  joinedAt: 1000,
  role: 'host',
  roomClaim: {
    createdAt: 1000,
    createdBy: 'peer-1' as PeerId,
    options: { joinCallOnEntry: false },
    passwordHash: null,
    locked: false,
    waitingRoom: false,
    removed: [],
  },
  call: null,
};

function tokens(now = 10_000, key = secret) {
  return new ResumeTokens({ secret: key, ttlMs: 60_000, graceMs: 15_000, now: () => now });
}

describe('ResumeTokens', () => {
  it('round-trips the record with epoch and expiry, and tells the grace', () => {
    const grant = tokens().issue(record, 'epoch-a');
    expect(grant).toMatchObject({ expiresAt: 70_000, graceMs: 15_000 });
    expect(tokens().verify(grant.token)).toEqual({ ...record, epoch: 'epoch-a', exp: 70_000 });
  });

  it('refuses a token with a changed claim (forged) as RESUME_TOKEN_INVALID', () => {
    const { token } = tokens().issue(record, 'e');
    const [v, body, mac] = token.split('.');
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as object;
    const forgedBody = Buffer.from(JSON.stringify({ ...claims, peer: 'peer-2' })).toString(
      'base64url',
    );
    expect(() => tokens().verify(`${v}.${forgedBody}.${mac}`)).toThrow(
      expect.objectContaining({ code: 'RESUME_TOKEN_INVALID' }),
    );
  });

  it('refuses a token signed with another key', () => {
    const { token } = tokens(10_000, Buffer.alloc(32, 9)).issue(record, 'e');
    expect(() => tokens().verify(token)).toThrow(
      expect.objectContaining({ code: 'RESUME_TOKEN_INVALID' }),
    );
  });

  it('refuses malformed tokens, and a correctly signed body that is not a record', () => {
    for (const bad of ['', 'x', 'v1..', 'v2.a.b', 'v1.a.b.c', 'v1.%%%.###']) {
      expect(() => tokens().verify(bad)).toThrow(
        expect.objectContaining({ code: 'RESUME_TOKEN_INVALID' }),
      );
    }
    const body = Buffer.from(JSON.stringify({ room: 'r' })).toString('base64url');
    const mac = createHmac('sha256', secret).update(`v1.${body}`).digest('base64url');
    expect(() => tokens().verify(`v1.${body}.${mac}`)).toThrow(
      expect.objectContaining({ code: 'RESUME_TOKEN_INVALID' }),
    );
  });

  it('refuses an expired token as RESUME_TOKEN_EXPIRED', () => {
    const { token } = tokens(10_000).issue(record, 'e');
    expect(() => tokens(69_999).verify(token)).not.toThrow();
    expect(() => tokens(70_000).verify(token)).toThrow(
      expect.objectContaining({ code: 'RESUME_TOKEN_EXPIRED' }),
    );
  });

  it('seals the room password hash: round-trips for the server, unreadable in the token', () => {
    const hash = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5';
    const withPassword = { ...record, roomClaim: { ...record.roomClaim, passwordHash: hash } };
    const { token } = tokens().issue(withPassword, 'e');
    const body = Buffer.from(token.split('.')[1] ?? '', 'base64url').toString();
    expect(body).not.toContain('scrypt');
    expect(body).not.toContain('a2V5a2V5');
    expect(tokens().verify(token).roomClaim.passwordHash).toBe(hash);
  });

  it('needs a secret of at least 32 bytes', () => {
    expect(() => tokens(0, Buffer.alloc(31))).toThrow(/32 bytes/);
  });
});
