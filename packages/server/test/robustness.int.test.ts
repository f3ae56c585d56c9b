import { ClientMessageSchemas, Limits, PROTOCOL_VERSION } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  closeAllClients,
  connectClient,
  createClient,
  connectRefusal,
  joinedClient,
  okData,
  rawEmit,
  rawRequest,
  request,
  waitFor,
} from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

describe('malformed input', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  it.each([
    ['a string', ['room:join', 'hello']],
    ['a number', ['room:check', 42]],
    ['null', ['call:invite', null]],
    ['an array', ['media:update', [true, false]]],
    ['wrong types', ['media:update', { audio: 'yes', video: 1 }]],
    ['an unknown field', ['room:join', { room: 'a', name: 'A', admin: true }]],
    [
      'a __proto__ key',
      ['room:check', JSON.parse('{"room":"a","__proto__":{"polluted":1}}') as unknown],
    ],
    ['no payload', ['ice:refresh']],
    ['two payloads', ['room:check', { room: 'a' }, { room: 'b' }]],
    ['an unknown event', ['room:nuke', {}]],
    ['an event named error', ['error', {}]],
    ['a control-character name', ['room:join', { room: 'a', name: 'bad\u0007name' }]],
    ['a bad room id', ['room:join', { room: 'a/b', name: 'A' }]],
  ])('%s -> INVALID_MESSAGE, and the server keeps serving', async (_label, [event, ...payload]) => {
    const socket = await connectClient(server.url);
    const res = await rawRequest(socket, event as string, payload);
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(okData(await request(socket, 'room:check', { room: 'still-up' })).exists).toBe(false);
  });

  it('without an ack, a bad message is answered with server:error naming the event', async () => {
    const socket = await connectClient(server.url);
    const err = waitFor(socket, 'server:error');
    rawEmit(socket, 'room:check', { room: 42 });
    expect(await err).toEqual({
      code: 'INVALID_MESSAGE',
      message: expect.stringContaining('room'),
      event: 'room:check',
    });
    const unknown = waitFor(socket, 'server:error');
    rawEmit(socket, 'no:such:event', 'x');
    expect(await unknown).toMatchObject({ code: 'INVALID_MESSAGE', event: 'no:such:event' });
  });

  it('without an ack, a valid request still takes effect', async () => {
    const ann = await joinedClient(server.url, 'no-ack', 'Ann');
    const joined = waitFor(ann.socket, 'peer:joined');
    const bob = await connectClient(server.url);
    rawEmit(bob, 'room:join', { room: 'no-ack', name: 'Bob' });
    expect(await joined).toMatchObject({ name: 'Bob' });
  });

  it('a frame over FRAME_MAX closes only that socket; others and /healthz keep working', async () => {
    const bystander = await joinedClient(server.url, 'frame', 'Bystander');
    const offender = await connectClient(server.url);
    const closed = new Promise<string>((resolve) =>
      offender.on('disconnect', (reason) => resolve(reason)),
    );
    rawEmit(offender, 'room:check', { room: 'x'.repeat(Limits.FRAME_MAX + 1024) });
    expect(await closed).toMatch(/transport (close|error)/);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(bystander.socket.connected).toBe(true);
    expect(
      okData(await request(bystander.socket, 'room:check', { room: 'frame' })).participants,
    ).toBe(1);
    const fresh = await connectClient(server.url);
    expect((await request(fresh, 'room:check', { room: 'frame' })).ok).toBe(true);
  });

  it('bounded fuzz: 500 random payloads over every event, then the server still answers correctly', async () => {
    // Deterministic PRNG so a failure can be replayed.
    let seed = 0x2545f491;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const events = [...Object.keys(ClientMessageSchemas), 'unknown:event', 'error', 'signal:offer'];
    const keys = [
      'room',
      'name',
      'media',
      'to',
      'callId',
      'description',
      'candidate',
      'from',
      'sdp',
      'type',
      '__proto__',
      'constructor',
    ];
    const value = (depth: number): unknown => {
      switch (Math.floor(rand() * (depth > 3 ? 6 : 9))) {
        case 0:
          return null;
        case 1:
          return rand() > 0.5;
        case 2:
          return Math.floor(rand() * 2 ** 53) * (rand() > 0.5 ? -1 : 1);
        case 3:
          return 'x'.repeat(Math.floor(rand() * 200));
        case 4:
          return pick([
            '',
            'abc',
            'room-1',
            'offer',
            'answer',
            '\u0000',
            '😀'.repeat(50),
            'AAAAAAAAAAAAAAAAAAAAAA',
          ]);
        case 5:
          return rand() * 1e308;
        case 6:
          return Array.from({ length: Math.floor(rand() * 5) }, () => value(depth + 1));
        default: {
          const o: Record<string, unknown> = {};
          for (let i = Math.floor(rand() * 5); i > 0; i--) o[pick(keys)] = value(depth + 1);
          return o;
        }
      }
    };

    const socket = await connectClient(server.url);
    const member = await joinedClient(server.url, 'fuzz', 'Member');
    let answered = 0;
    for (let i = 0; i < 500; i++) {
      const event = pick(events);
      const args = Array.from({ length: Math.floor(rand() * 3) }, () => value(0));
      const target = i % 2 === 0 ? socket : member.socket;
      const res = (await rawRequest(target, event, args)) as {
        ok: boolean;
        error?: { code: string };
      };
      expect(typeof res.ok).toBe('boolean');
      if (!res.ok) expect(res.error?.code).toMatch(/^[A-Z_]+$/);
      answered++;
    }
    expect(answered).toBe(500);
    expect(socket.connected).toBe(true);
    const after = await connectClient(server.url);
    const join = okData(await request(after, 'room:join', { room: 'after-fuzz', name: 'After' }));
    expect(join.peers).toEqual([]);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('ok');
  });
});

describe('rate limiting', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '5' });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  it('a burst over the bucket gets RATE_LIMITED; other sockets are unaffected', async () => {
    const flooder = await connectClient(server.url);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => request(flooder, 'room:check', { room: 'flood' })),
    );
    const limited = results.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED');
    expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(6);
    expect(limited.length).toBeGreaterThanOrEqual(6);
    expect(limited[0]).toMatchObject({ ok: false, error: { retryable: true } });
    const calm = await connectClient(server.url);
    expect((await request(calm, 'room:check', { room: 'flood' })).ok).toBe(true);
    expect(flooder.connected).toBe(true);
  });
});

describe('handshake', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  it('refuses another protocol version with PROTOCOL_VERSION_MISMATCH', async () => {
    const err = await connectRefusal(
      createClient(server.url, { auth: { protocolVersion: PROTOCOL_VERSION + 1 } }),
    );
    expect(err.data).toEqual({
      code: 'PROTOCOL_VERSION_MISMATCH',
      message: expect.stringContaining(String(PROTOCOL_VERSION)),
    });
    const none = await connectRefusal(createClient(server.url, { auth: {} }));
    expect(none.data?.code).toBe('PROTOCOL_VERSION_MISMATCH');
  });

  it('refuses a foreign Origin on websocket and polling; accepts the same origin', async () => {
    const foreign = createClient(server.url, { extraHeaders: { origin: 'https://evil.example' } });
    await expect(connectRefusal(foreign)).resolves.toBeInstanceOf(Error);

    const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(polling.status).toBe(403);

    const same = await connectClient(server.url, { extraHeaders: { origin: server.url } });
    expect(same.connected).toBe(true);
    const samePolling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { origin: server.url },
    });
    expect(samePolling.status).toBe(200);
  });

  it('also accepts polling clients and serves them', async () => {
    const socket = await connectClient(server.url, { transports: ['polling'] });
    expect((await request(socket, 'room:check', { room: 'polling' })).ok).toBe(true);
  });

  it('serves a client that starts on polling and upgrades to WebSocket', async () => {
    const socket = await connectClient(server.url, { transports: ['polling', 'websocket'] });
    await vi.waitFor(() => expect(socket.io.engine.transport.name).toBe('websocket'), {
      timeout: 5000,
    });
    expect((await request(socket, 'room:check', { room: 'upgraded' })).ok).toBe(true);
  });
});

describe('configured origins', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ ALLOWED_ORIGINS: 'https://app.example' });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  it('accepts a listed origin and the same origin, refuses others', async () => {
    expect(
      (await connectClient(server.url, { extraHeaders: { origin: 'https://app.example' } }))
        .connected,
    ).toBe(true);
    expect(
      (await connectClient(server.url, { extraHeaders: { origin: server.url } })).connected,
    ).toBe(true);
    await expect(
      connectRefusal(
        createClient(server.url, { extraHeaders: { origin: 'https://evil.example' } }),
      ),
    ).resolves.toBeInstanceOf(Error);
  });
});
