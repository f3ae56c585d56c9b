import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mintTurnCredential } from '../../src/turn/credentials.js';
import { startTestCoturn, type TestCoturn } from './coturnHarness.js';
import { Family, Transport } from './stun.js';
import { TurnClient, type Credentials } from './turnClient.js';

/**
 * Credentials minted by the Parley server against a real coturn running the
 * hardened config: the only way in is a fresh HMAC credential (S3), TCP
 * relays are refused (S2) and one username holds at most 12 allocations (S5).
 */

let coturn: TestCoturn;
const clients: TurnClient[] = [];

async function client(ip = '127.0.0.1'): Promise<TurnClient> {
  const c = await TurnClient.open({ ip, port: coturn.port });
  clients.push(c);
  return c;
}

function credentials(
  userId: string,
  nowMs = Date.now(),
  ttl = 600,
  secret = coturn.secret,
): Credentials {
  const c = mintTurnCredential(secret, userId, ttl, nowMs);
  return { username: c.username, password: c.credential };
}

beforeAll(async () => {
  coturn = await startTestCoturn();
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await coturn?.stop();
});

describe('TURN credentials against coturn', () => {
  it('allocates an IPv4 relay with a credential from mintTurnCredential, and deallocates', async () => {
    const c = await client();
    const result = await c.allocate({ credentials: credentials('alice') });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.relayed).toHaveLength(1);
    expect(result.relayed[0]?.ip).toBe('127.0.0.1');
    expect(result.mapped?.ip).toBe('127.0.0.1');
    expect(result.lifetime).toBeGreaterThan(0);
    const refresh = await c.refresh(0);
    expect(refresh.ok).toBe(true);
  });

  it('allocates an IPv6 relay when asked (RFC 6156)', async () => {
    const c = await client('::1');
    const result = await c.allocate({ credentials: credentials('bob'), family: Family.IPv6 });
    expect(result.ok && result.relayed[0]?.ip).toBe('::1');
    expect((await c.refresh(0)).ok).toBe(true);
  });

  it('answers 401 to an Allocate without credentials', async () => {
    const result = await (await client()).allocate({});
    expect(result).toMatchObject({ ok: false, code: 401 });
  });

  it('answers 401 to a wrong password (credential minted with another secret)', async () => {
    const wrong = credentials('mallory', Date.now(), 600, 'another-secret-of-at-least-32-bytes!!');
    const result = await (await client()).allocate({ credentials: wrong });
    expect(result).toMatchObject({ ok: false, code: 401 });
  });

  it('answers 401 to an expired credential', async () => {
    const expired = credentials('carol', Date.now() - 2 * 3600_000, 60);
    expect(Number(expired.username.split(':')[0])).toBeLessThan(Date.now() / 1000);
    const result = await (await client()).allocate({ credentials: expired });
    expect(result).toMatchObject({ ok: false, code: 401 });
  });

  it('answers 401 when the username is changed but the password kept (expiry cannot be extended)', async () => {
    const real = credentials('dave');
    const forged = {
      ...real,
      username: real.username.replace(/^\d+/, String(Math.floor(Date.now() / 1000) + 86400 * 365)),
    };
    const result = await (await client()).allocate({ credentials: forged });
    expect(result).toMatchObject({ ok: false, code: 401 });
  });

  it('refuses a TCP relay (no-tcp-relay): 442', async () => {
    const result = await (
      await client()
    ).allocate({ credentials: credentials('erin'), transport: Transport.TCP });
    expect(result).toMatchObject({ ok: false, code: 442 });
  });

  it('holds one username to 12 allocations: the 13th gets 486', async () => {
    const creds = credentials('frank');
    const granted: TurnClient[] = [];
    for (let i = 0; i < 12; i++) {
      const c = await client();
      const result = await c.allocate({ credentials: creds });
      expect(result.ok, `allocation ${i + 1}`).toBe(true);
      granted.push(c);
    }
    const thirteenth = await (await client()).allocate({ credentials: creds });
    expect(thirteenth).toMatchObject({ ok: false, code: 486 });
    // Another user is not affected by frank's quota.
    const other = await client();
    expect((await other.allocate({ credentials: credentials('grace') })).ok).toBe(true);
    for (const c of [...granted, other]) expect((await c.refresh(0)).ok).toBe(true);
  });
});
