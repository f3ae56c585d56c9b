import { Limits, type ChatMessage } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllClients,
  connectClient,
  expectNoEvent,
  joinedClient,
  okData,
  rawRequest,
  request,
  waitFor,
} from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

describe('room chat', () => {
  let server: TestServer;
  let n = 0;

  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  const roomId = () => `chat-${++n}`;

  it('stamps id, sender, name and time; others get it in order, the sender only in the ack', async () => {
    const id = roomId();
    const ann = await joinedClient(server.url, id, 'Ann');
    const bob = await joinedClient(server.url, id, 'Bob');
    const received: ChatMessage[] = [];
    const done = new Promise<void>((resolve) => {
      bob.socket.on('chat:message', (m) => {
        received.push(m);
        if (received.length === 5) resolve();
      });
    });
    const before = Date.now();
    const sent: ChatMessage[] = [];
    for (let i = 0; i < 5; i++) {
      sent.push(
        okData(await request(ann.socket, 'chat:send', { text: `  message ${i}  ` })).message,
      );
    }
    await done;
    expect(received).toEqual(sent);
    expect(sent.map((m) => m.text)).toEqual([0, 1, 2, 3, 4].map((i) => `message ${i}`));
    for (const m of sent) {
      expect(m).toMatchObject({ from: ann.join.self.id, name: 'Ann' });
      expect(m.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(m.sentAt).toBeGreaterThanOrEqual(before);
    }
    expect(new Set(sent.map((m) => m.id)).size).toBe(5);
    await expectNoEvent(ann.socket, 'chat:message');
  });

  it('the text is relayed verbatim as plain text (HTML is not interpreted or altered)', async () => {
    const id = roomId();
    const ann = await joinedClient(server.url, id, 'Ann');
    const bob = await joinedClient(server.url, id, 'Bob');
    const got = waitFor(bob.socket, 'chat:message');
    const text = '<img src=x onerror=alert(1)> & <b>bold</b>';
    okData(await request(ann.socket, 'chat:send', { text }));
    expect((await got).text).toBe(text);
  });

  it('a forged sender, name or id is INVALID_MESSAGE and reaches nobody', async () => {
    const id = roomId();
    const ann = await joinedClient(server.url, id, 'Ann');
    const bob = await joinedClient(server.url, id, 'Bob');
    for (const extra of [{ name: 'Bob' }, { from: bob.join.self.id }, { id: 'x' }, { sentAt: 1 }]) {
      expect(await rawRequest(ann.socket, 'chat:send', [{ text: 'hi', ...extra }])).toMatchObject({
        ok: false,
        error: { code: 'INVALID_MESSAGE' },
      });
    }
    await expectNoEvent(bob.socket, 'chat:message');
  });

  it('empty (after trimming) is INVALID_MESSAGE; over CHAT_TEXT_MAX is PAYLOAD_TOO_LARGE', async () => {
    const id = roomId();
    const ann = await joinedClient(server.url, id, 'Ann');
    const bob = await joinedClient(server.url, id, 'Bob');
    for (const text of ['', '   \n\t ']) {
      expect(await request(ann.socket, 'chat:send', { text })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_MESSAGE' },
      });
    }
    expect(await rawRequest(ann.socket, 'chat:send', [{ text: 42 }])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MESSAGE' },
    });
    expect(
      await request(ann.socket, 'chat:send', { text: 'x'.repeat(Limits.CHAT_TEXT_MAX + 1) }),
    ).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    await expectNoEvent(bob.socket, 'chat:message');
    const max = okData(
      await request(ann.socket, 'chat:send', { text: 'y'.repeat(Limits.CHAT_TEXT_MAX) }),
    );
    expect(max.message.text).toHaveLength(Limits.CHAT_TEXT_MAX);
  });

  it('a late joiner gets the last CHAT_HISTORY_MAX messages, oldest first', async () => {
    const id = roomId();
    const ann = await joinedClient(server.url, id, 'Ann');
    const total = Limits.CHAT_HISTORY_MAX + 5;
    for (let i = 0; i < total; i++) {
      okData(await request(ann.socket, 'chat:send', { text: `n${i}` }));
    }
    const late = await joinedClient(server.url, id, 'Late');
    expect(late.join.chat).toHaveLength(Limits.CHAT_HISTORY_MAX);
    expect(late.join.chat.map((m) => m.text)).toEqual(
      Array.from({ length: Limits.CHAT_HISTORY_MAX }, (_, i) => `n${i + 5}`),
    );
    expect(late.join.chat.every((m) => m.name === 'Ann')).toBe(true);
  });

  it('never reaches another room; history dies with the room', async () => {
    const id = roomId();
    const ann = await joinedClient(server.url, id, 'Ann');
    const other = await joinedClient(server.url, `${id}-other`, 'Xavier');
    okData(await request(ann.socket, 'chat:send', { text: 'private' }));
    await expectNoEvent(other.socket, 'chat:message');
    const elsewhere = await joinedClient(server.url, `${id}-other`, 'Yan');
    expect(elsewhere.join.chat).toEqual([]);

    okData(await request(ann.socket, 'room:leave', {}));
    const fresh = await joinedClient(server.url, id, 'Bob');
    expect(fresh.join.chat).toEqual([]);
  });

  it('NOT_IN_ROOM before joining and after leaving', async () => {
    const loner = await connectClient(server.url);
    expect(await request(loner, 'chat:send', { text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_ROOM' },
    });
    const id = roomId();
    const ann = await joinedClient(server.url, id, 'Ann');
    const bob = await joinedClient(server.url, id, 'Bob');
    okData(await request(ann.socket, 'room:leave', {}));
    expect(await request(ann.socket, 'chat:send', { text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_ROOM' },
    });
    await expectNoEvent(bob.socket, 'chat:message');
  });
});

describe('room chat rate limiting', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '5' });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  it('a chat flood gets RATE_LIMITED; only what passed is delivered and stored', async () => {
    const ann = await joinedClient(server.url, 'chat-flood', 'Ann');
    const bob = await joinedClient(server.url, 'chat-flood', 'Bob');
    const delivered: string[] = [];
    bob.socket.on('chat:message', (m) => delivered.push(m.text));
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => request(ann.socket, 'chat:send', { text: `f${i}` })),
    );
    const passed = results.filter((r) => r.ok);
    const limited = results.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED');
    // The join used one token of Ann's burst of 5.
    expect(passed.length).toBeLessThanOrEqual(5);
    expect(limited.length).toBe(12 - passed.length);
    // Barrier: anything sent to Bob before this answer has arrived.
    okData(await request(bob.socket, 'room:check', { room: 'chat-flood' }));
    const late = await joinedClient(server.url, 'chat-flood', 'Late');
    expect(late.join.chat).toHaveLength(passed.length);
    expect(delivered).toEqual(late.join.chat.map((m) => m.text));
  });
});
