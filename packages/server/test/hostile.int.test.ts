import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllClients, connectClient, okData, request } from './support/client.js';
import { RawSocket } from './support/rawSocket.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * The defects an attacker's raw client found (issue 10), each reproduced
 * with hand-made frames: none may take the server down, leave a seat behind
 * or echo the attacker's input.
 */
describe('hostile frames', () => {
  let server: TestServer;
  const raws: RawSocket[] = [];
  let n = 0;
  const room = () => `hostile-${++n}`;

  beforeAll(async () => {
    server = await startServer({ MAX_ROOM_SIZE: '2' });
  });
  afterEach(() => {
    for (const r of raws.splice(0)) r.close();
    closeAllClients();
  });
  afterAll(() => server.close());

  async function raw(): Promise<RawSocket> {
    const r = await RawSocket.connect(server.url);
    raws.push(r);
    return r;
  }

  async function occupants(id: string): Promise<number> {
    const probe = await connectClient(server.url);
    return okData(await request(probe, 'room:check', { room: id })).participants;
  }

  it('event names that are not strings get INVALID_MESSAGE and the server stays up', async () => {
    // Numbers pass Socket.IO's parser and reach the dispatcher.
    const r = await raw();
    for (const [i, name] of [123, 0, -1, 1.5e308].entries()) {
      const [ack] = await r.request(name as unknown as string, {}, 1000 + i);
      expect(ack).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    }
    // Without an ack: a server:error, and nothing breaks.
    r.send('42[42,{}]');
    await r.waitFor((m) => m.startsWith('42["server:error"'));
    const [ok] = await r.request('room:check', { room: 'still-up' });
    expect(ok).toMatchObject({ ok: true });
    // Anything else the parser refuses: that connection is closed, the server stays up.
    for (const frame of [
      '42[null,{}]',
      '42[{"__proto__":{}},{}]',
      '42[]',
      '42[["x"]]',
      '42[true]',
    ]) {
      const bad = await raw();
      bad.send(frame);
      await expect.poll(() => bad.closed).toBe(true);
    }
    const [stillOk] = await r.request('room:check', { room: 'still-up' });
    expect(stillOk).toMatchObject({ ok: true });
  });

  it('a join in the same write as the disconnect leaves no participant behind', async () => {
    const id = room();
    for (let i = 0; i < 5; i++) {
      const r = await raw();
      r.send(`420${JSON.stringify(['room:join', { room: id, name: `ghost${i}` }])}`, '41');
      const r2 = await raw();
      r2.send('41', `421${JSON.stringify(['room:join', { room: id, name: `late${i}` }])}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await occupants(id)).toBe(0);
    // The 2-seat room still takes two real people.
    for (const name of ['Ann', 'Bob']) {
      const s = await connectClient(server.url);
      expect(await request(s, 'room:join', { room: id, name })).toMatchObject({ ok: true });
    }
  });

  it('validation errors never echo the input: unknown keys are not listed, messages are bounded', async () => {
    const r = await raw();
    const payload: Record<string, unknown> = { room: 'x' };
    for (let i = 0; i < 2000; i++) payload[`attacker-key-${'z'.repeat(20)}-${i}`] = i;
    const [ack] = (await r.request('room:check', payload)) as [
      { ok: boolean; error: { code: string; message: string } },
    ];
    expect(ack.error.code).toBe('INVALID_MESSAGE');
    expect(ack.error.message.length).toBeLessThanOrEqual(200);
    expect(ack.error.message).not.toContain('attacker-key');
    // A long client-chosen key in a nested path is cut too.
    const [nested] = (await r.request('media:update', {
      audio: true,
      video: true,
      [`k${'y'.repeat(5000)}`]: 1,
    })) as [{ error: { message: string } }];
    expect(nested.error.message.length).toBeLessThanOrEqual(200);
    expect(nested.error.message).not.toContain('yyyyyyyyyy');
  });
});
