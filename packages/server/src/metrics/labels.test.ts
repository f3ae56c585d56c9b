import { ClientMessageSchemas } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { errorCodeLabel, eventLabel } from './labels.js';
import { issuesTurnCredential } from './turnCredentials.js';

describe('eventLabel', () => {
  it('keeps the protocol event names', () => {
    for (const event of Object.keys(ClientMessageSchemas)) expect(eventLabel(event)).toBe(event);
  });

  it('turns anything else into "unknown" (a client cannot mint label values)', () => {
    for (const event of ['made:up', '', '__proto__', 'toString', 'room:join ', 42, null, {}]) {
      expect(eventLabel(event)).toBe('unknown');
    }
  });
});

describe('errorCodeLabel', () => {
  it('keeps protocol codes, and guards against anything else', () => {
    expect(errorCodeLabel('RATE_LIMITED')).toBe('RATE_LIMITED');
    expect(errorCodeLabel('SOMETHING_NEW')).toBe('unknown');
  });
});

describe('issuesTurnCredential', () => {
  const turn = { iceServers: [{ urls: ['turn:t'] }], expiresAt: 123 };
  const stunOnly = { iceServers: [{ urls: ['stun:s'] }], expiresAt: null };

  it('finds a credential in a join or resume answer (ice) and in an ice:refresh answer', () => {
    expect(issuesTurnCredential({ room: 'r', ice: turn })).toBe(true);
    expect(issuesTurnCredential(turn)).toBe(true);
  });

  it('STUN only, or no ICE at all, is no credential', () => {
    expect(issuesTurnCredential({ ice: stunOnly })).toBe(false);
    expect(issuesTurnCredential(stunOnly)).toBe(false);
    expect(issuesTurnCredential({})).toBe(false);
    expect(issuesTurnCredential(null)).toBe(false);
    expect(issuesTurnCredential({ call: { expiresAt: 1 } })).toBe(false);
  });
});
