import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllClients, connectClient, joinedClient, okData, request } from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

const SECRET = 'test-secret-0123456789abcdef0123456789';

describe('ICE configuration', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({
      TURN_SECRET: SECRET,
      TURN_URLS: 'turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp',
      STUN_URLS: 'stun:127.0.0.1:3478',
      TURN_TTL_SECONDS: '600',
    });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  it('ice:refresh is refused before joining', async () => {
    const socket = await connectClient(server.url);
    expect(await request(socket, 'ice:refresh', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_ROOM' },
    });
  });

  it('join and ice:refresh hand out short-lived TURN REST credentials for this participant', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { socket, join } = await joinedClient(server.url, 'ice', 'Ann');
    for (const ice of [join.ice, okData(await request(socket, 'ice:refresh', {}))]) {
      expect(ice.iceServers[0]).toEqual({ urls: ['stun:127.0.0.1:3478'] });
      const turn = ice.iceServers[1];
      expect(turn?.urls).toEqual([
        'turn:127.0.0.1:3478?transport=udp',
        'turn:127.0.0.1:3478?transport=tcp',
      ]);
      const [expiry, user] = (turn?.username ?? '').split(':');
      expect(user).toBe(join.self.id);
      expect(Number(expiry)).toBeGreaterThanOrEqual(before + 600);
      expect(Number(expiry)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 600);
      expect(ice.expiresAt).toBe(Number(expiry) * 1000);
      // The TURN REST password: HMAC-SHA1(secret, username), never the secret itself.
      expect(turn?.credential).toBe(
        createHmac('sha1', SECRET)
          .update(turn?.username ?? '')
          .digest('base64'),
      );
      expect(JSON.stringify(ice)).not.toContain(SECRET);
    }
  });

  it('each participant gets credentials minted for its own id', async () => {
    const ann = await joinedClient(server.url, 'ice-2', 'Ann');
    const bob = await joinedClient(server.url, 'ice-2', 'Bob');
    const userOf = (u: string | undefined) => u?.split(':')[1];
    expect(userOf(ann.join.ice.iceServers[1]?.username)).toBe(ann.join.self.id);
    expect(userOf(bob.join.ice.iceServers[1]?.username)).toBe(bob.join.self.id);
  });
});
