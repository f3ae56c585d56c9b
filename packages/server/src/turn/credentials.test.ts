import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildIceConfig, mintTurnCredential } from './credentials.js';
import {
  TURN_TTL_MAX_SECONDS,
  TURN_TTL_MIN_SECONDS,
  TurnEnvSchema,
  turnConfigFromEnv,
} from './turnConfig.js';

const SECRET = 'f'.repeat(64);
const NOW_MS = 1_700_000_000_123;
const NOW_S = Math.floor(NOW_MS / 1000);

describe('mintTurnCredential', () => {
  it('mints a TURN REST credential: "<expiry>:<user>" and base64 HMAC-SHA1', () => {
    const c = mintTurnCredential(SECRET, 'peer-1', 600, NOW_MS);
    expect(c.expiresAt).toBe(NOW_S + 600);
    expect(c.username).toBe(`${NOW_S + 600}:peer-1`);
    expect(c.credential).toBe(createHmac('sha1', SECRET).update(c.username).digest('base64'));
  });

  it('never mints a lifetime above TURN_TTL_MAX_SECONDS, whatever it is asked', () => {
    for (const ttl of [TURN_TTL_MAX_SECONDS + 1, 10 * 365 * 24 * 3600, Number.MAX_SAFE_INTEGER]) {
      expect(mintTurnCredential(SECRET, 'p', ttl, NOW_MS).expiresAt - NOW_S).toBe(
        TURN_TTL_MAX_SECONDS,
      );
    }
    expect(mintTurnCredential(SECRET, 'p', 0, NOW_MS).expiresAt - NOW_S).toBe(1);
  });

  it('refuses a user id that would forge the expiry field', () => {
    expect(() => mintTurnCredential(SECRET, '9999999999:x', 600, NOW_MS)).toThrow(/":"/);
  });
});

describe('TurnEnvSchema (Parley server side)', () => {
  it('refuses a secret shorter than 32 bytes', () => {
    const r = TurnEnvSchema.safeParse({ TURN_SECRET: 'x'.repeat(31), TURN_URLS: 'turn:h:3478' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['TURN_SECRET']);
    expect(r.error?.issues[0]?.message).toMatch(/at least 32 bytes/);
    expect(
      TurnEnvSchema.safeParse({ TURN_SECRET: 'x'.repeat(32), TURN_URLS: 'turn:h:3478' }).success,
    ).toBe(true);
  });

  it('refuses a secret with surrounding whitespace (coturn trims it)', () => {
    expect(TurnEnvSchema.safeParse({ TURN_SECRET: ` ${'x'.repeat(40)}` }).success).toBe(false);
  });

  it('requires the secret when TURN_URLS is set', () => {
    const r = TurnEnvSchema.safeParse({ TURN_URLS: 'turn:h:3478?transport=udp' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['TURN_SECRET']);
  });

  it('clamps TURN_TTL_SECONDS into [min, max]', () => {
    expect(TurnEnvSchema.parse({ TURN_TTL_SECONDS: '999999999' }).TURN_TTL_SECONDS).toBe(
      TURN_TTL_MAX_SECONDS,
    );
    expect(TurnEnvSchema.parse({ TURN_TTL_SECONDS: '5' }).TURN_TTL_SECONDS).toBe(
      TURN_TTL_MIN_SECONDS,
    );
  });
});

describe('buildIceConfig', () => {
  it('gives STUN only when TURN is not configured', () => {
    const turn = turnConfigFromEnv(
      TurnEnvSchema.parse({ STUN_URLS: 'stun:stun.example.com:3478' }),
    );
    expect(buildIceConfig(turn, 'p1', NOW_MS)).toEqual({
      iceServers: [{ urls: ['stun:stun.example.com:3478'] }],
      expiresAt: null,
    });
  });

  it('gives TURN with a fresh, clamped credential and its expiry in ms', () => {
    const turn = turnConfigFromEnv(
      TurnEnvSchema.parse({
        TURN_SECRET: SECRET,
        TURN_URLS: 'turn:turn.example.com:3478?transport=udp',
        TURN_TTL_SECONDS: '7200',
      }),
    );
    const ice = buildIceConfig(turn, 'p1', NOW_MS);
    expect(ice.expiresAt).toBe((NOW_S + 7200) * 1000);
    const server = ice.iceServers[0];
    expect(server?.urls).toEqual(['turn:turn.example.com:3478?transport=udp']);
    expect(server?.username).toBe(`${NOW_S + 7200}:p1`);
    expect(server?.credential).toBe(
      createHmac('sha1', SECRET)
        .update(`${NOW_S + 7200}:p1`)
        .digest('base64'),
    );
  });
});
