import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { joinTokenKey, mintJoinToken, verifyJoinToken } from './joinTokens.js';

const SECRET = 'join-token-secret-for-tests-0123456789';
const key = joinTokenKey(SECRET);
const now = () => Math.floor(Date.now() / 1000);

async function code(token: unknown): Promise<string> {
  try {
    await verifyJoinToken(token, key);
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('join tokens', () => {
  it('a minted token verifies with room, name, role and waiting room', async () => {
    const token = await mintJoinToken(SECRET, {
      room: 'consult-1',
      name: 'Dr Li',
      role: 'host',
      waitingRoom: true,
    });
    expect(await verifyJoinToken(token, key)).toMatchObject({
      room: 'consult-1',
      name: 'Dr Li',
      role: 'host',
      waitingRoom: true,
    });
  });

  it('refuses each kind of bad token with its own code', async () => {
    const sign = (claims: Record<string, unknown>, secret = SECRET) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(joinTokenKey(secret));
    const base = { room: 'r', name: 'Ann', role: 'guest' };
    expect(await code(await sign({ ...base, exp: now() - 5 }))).toBe('JOIN_TOKEN_EXPIRED');
    expect(await code(await sign({ ...base, exp: now() + 600, nbf: now() + 300 }))).toBe(
      'JOIN_TOKEN_NOT_YET_VALID',
    );
    expect(
      await code(await sign({ ...base, exp: now() + 600 }, 'another-secret-0123456789abcdefg')),
    ).toBe('JOIN_TOKEN_BAD_SIGNATURE');
    const none = new UnsecuredJWT({ ...base }).setExpirationTime('1h').encode();
    expect(await code(none)).toBe('JOIN_TOKEN_BAD_ALGORITHM');
    const hs512 = await new SignJWT({ ...base })
      .setProtectedHeader({ alg: 'HS512' })
      .setExpirationTime('1h')
      .sign(joinTokenKey('x'.repeat(64)));
    expect(await code(hs512)).toBe('JOIN_TOKEN_BAD_ALGORITHM');
    for (const bad of ['', 'abc', 'a.b.c', 42, null, 'x'.repeat(5000)]) {
      expect(await code(bad)).toBe('JOIN_TOKEN_MALFORMED');
    }
    // Signed, but not a join token's claims; and no expiry at all.
    expect(await code(await sign({ room: 'r', exp: now() + 60 }))).toBe('JOIN_TOKEN_MALFORMED');
    expect(await code(await sign({ ...base }))).toBe('JOIN_TOKEN_MALFORMED');
    expect(await code(await sign({ ...base, role: 'admin', exp: now() + 60 }))).toBe(
      'JOIN_TOKEN_MALFORMED',
    );
  });
});
