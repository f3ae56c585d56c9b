import { PROTOCOL_VERSION } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mintJoinToken } from '../src/session/joinTokens.js';
import {
  closeAllClients,
  connectClient,
  connectRefusal,
  createClient,
  okData,
  request,
} from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

/** Join tokens from an embedding app, in the Socket.IO handshake `auth`. */

const SECRET = 'clinic-join-token-secret-0123456789abcdef';

const withToken = (url: string, joinToken: string) =>
  connectClient(url, { auth: { protocolVersion: PROTOCOL_VERSION, joinToken } });

describe('join tokens (REQUIRE_JOIN_TOKEN=1)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ JOIN_TOKEN_SECRET: SECRET, REQUIRE_JOIN_TOKEN: '1' });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  it('a valid token joins its room with its name and role; the password of the room is not asked', async () => {
    const token = await mintJoinToken(SECRET, { room: 'consult-7', name: 'Dr Li', role: 'host' });
    const socket = await withToken(server.url, token);
    // The token's name wins over whatever the client says.
    const join = okData(
      await request(socket, 'room:join', { room: 'consult-7', name: 'Mallory', password: 'x' }),
    );
    expect(join.self.name).toBe('Dr Li');
    expect(join.role).toBe('host');
    expect(join.access.passwordRequired).toBe(true);
    const guest = await withToken(
      server.url,
      await mintJoinToken(SECRET, { room: 'consult-7', name: 'Patient', role: 'guest' }),
    );
    const g = okData(await request(guest, 'room:join', { room: 'consult-7', name: 'x' }));
    expect(g.role).toBe('guest');
    expect(g.peers.map((p) => p.name)).toEqual(['Dr Li']);
  });

  it('no token: joins and room checks are refused with JOIN_TOKEN_REQUIRED', async () => {
    const socket = await connectClient(server.url);
    expect(await request(socket, 'room:join', { room: 'consult-7', name: 'Eve' })).toMatchObject({
      ok: false,
      error: { code: 'JOIN_TOKEN_REQUIRED' },
    });
    expect(await request(socket, 'room:check', { room: 'consult-7' })).toMatchObject({
      ok: false,
      error: { code: 'JOIN_TOKEN_REQUIRED' },
    });
  });

  it('a token for another room is JOIN_TOKEN_WRONG_ROOM', async () => {
    const token = await mintJoinToken(SECRET, { room: 'consult-8', name: 'Ann', role: 'guest' });
    const socket = await withToken(server.url, token);
    expect(await request(socket, 'room:join', { room: 'consult-9', name: 'Ann' })).toMatchObject({
      ok: false,
      error: { code: 'JOIN_TOKEN_WRONG_ROOM' },
    });
  });

  it('expired, not-yet-valid, wrong-key and malformed tokens are refused at the handshake, each with its code', async () => {
    const cases: [string, string][] = [
      [
        await mintJoinToken(SECRET, { room: 'r', name: 'A', role: 'guest', ttlSeconds: -10 }),
        'JOIN_TOKEN_EXPIRED',
      ],
      [
        await mintJoinToken(SECRET, { room: 'r', name: 'A', role: 'guest', notBeforeSeconds: 300 }),
        'JOIN_TOKEN_NOT_YET_VALID',
      ],
      [
        await mintJoinToken('another-secret-0123456789abcdefghij', {
          room: 'r',
          name: 'A',
          role: 'guest',
        }),
        'JOIN_TOKEN_BAD_SIGNATURE',
      ],
      ['eyJhbGciOiJub25lIn0.eyJyb29tIjoiciJ9.', 'JOIN_TOKEN_BAD_ALGORITHM'],
      ['not-a-jwt', 'JOIN_TOKEN_MALFORMED'],
    ];
    for (const [joinToken, code] of cases) {
      const socket = createClient(server.url, {
        auth: { protocolVersion: PROTOCOL_VERSION, joinToken },
      });
      const refusal = await connectRefusal(socket);
      expect(refusal.data, code).toMatchObject({ code });
    }
  });
});

describe('join tokens are optional without REQUIRE_JOIN_TOKEN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ JOIN_TOKEN_SECRET: SECRET });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  it('anyone joins as before; the room creator is its host', async () => {
    const socket = await connectClient(server.url);
    expect(okData(await request(socket, 'room:join', { room: 'open-1', name: 'Ann' })).role).toBe(
      'host',
    );
    const other = await connectClient(server.url);
    expect(okData(await request(other, 'room:join', { room: 'open-1', name: 'Bob' })).role).toBe(
      'guest',
    );
  });
});

describe('join tokens never reach the logs', () => {
  it('a join with a token, at LOG_LEVEL=trace, leaves no trace of the token in the output', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    const { existsSync } = await import('node:fs');
    if (!existsSync(main)) throw new Error('build the server first (npm run build)');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'trace',
        JOIN_TOKEN_SECRET: SECRET,
        SESSION_SECRET: SECRET,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      await expect.poll(() => output.includes('Parley listening'), { timeout: 10_000 }).toBe(true);
      const token = await mintJoinToken(SECRET, { room: 'logs-1', name: 'Ann', role: 'host' });
      const socket = await withToken(`http://127.0.0.1:${port}`, token);
      okData(await request(socket, 'room:join', { room: 'logs-1', name: 'x' }));
      const bad = createClient(`http://127.0.0.1:${port}`, {
        auth: { protocolVersion: PROTOCOL_VERSION, joinToken: `${token}x` },
      });
      await connectRefusal(bad);
      await new Promise((r) => setTimeout(r, 200));
      expect(output.length).toBeGreaterThan(0);
      const [, payload, signature] = token.split('.');
      expect(output).not.toContain(token);
      expect(output).not.toContain(payload ?? 'none');
      expect(output).not.toContain(signature ?? 'none');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
