import type { CallInfo } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllClients,
  expectNoEvent,
  joinedClient,
  okData,
  request,
  waitFor,
  type TestSocket,
} from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

describe('1:1 calls', () => {
  let server: TestServer;
  let roomN = 0;

  beforeAll(async () => {
    // Literal 1 s ring timeout so the missed-call test is quick.
    server = await startServer({ RING_TIMEOUT_MS: '1000', MAX_ROOM_SIZE: '8' });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  /** Fresh room with the given members. */
  async function room(...names: string[]) {
    const id = `calls-${++roomN}`;
    const members = [];
    for (const name of names) members.push(await joinedClient(server.url, id, name));
    return members;
  }

  /** `caller` rings `callee`; resolves once the callee saw call:incoming. */
  async function ring(
    caller: { socket: TestSocket },
    callee: { socket: TestSocket; join: { self: { id: string } } },
  ) {
    const incoming = waitFor(callee.socket, 'call:incoming');
    const call = okData(
      await request(caller.socket, 'call:invite', { to: callee.join.self.id }),
    ).call;
    return { call, incoming: await incoming };
  }

  async function active(
    caller: { socket: TestSocket },
    callee: { socket: TestSocket; join: { self: { id: string } } },
  ): Promise<CallInfo> {
    const { call } = await ring(caller, callee);
    const updated = waitFor(caller.socket, 'call:updated');
    okData(await request(callee.socket, 'call:accept', { callId: call.id }));
    await updated;
    return call;
  }

  it('invite -> incoming -> accept -> updated', async () => {
    const [ann, bob] = await room('Ann', 'Bob');
    if (!ann || !bob) throw new Error('setup');
    const { call, incoming } = await ring(ann, bob);
    expect(call).toMatchObject({
      initiator: ann.join.self.id,
      state: 'ringing',
      participants: [ann.join.self.id],
      invited: [bob.join.self.id],
    });
    expect(call.id).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(incoming).toEqual({ call, from: ann.join.self });

    const updated = waitFor(ann.socket, 'call:updated');
    const accepted = okData(await request(bob.socket, 'call:accept', { callId: call.id })).call;
    expect(accepted).toMatchObject({
      id: call.id,
      state: 'active',
      participants: [ann.join.self.id, bob.join.self.id],
      invited: [],
    });
    expect(await updated).toEqual({ call: accepted });
    expect(await request(bob.socket, 'call:accept', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { calls: number };
    expect(health.calls).toBeGreaterThanOrEqual(1);
  });

  it('decline: the caller hears declined by the callee', async () => {
    const [ann, bob] = await room('Ann', 'Bob');
    if (!ann || !bob) throw new Error('setup');
    const { call } = await ring(ann, bob);
    const ended = waitFor(ann.socket, 'call:ended');
    okData(await request(bob.socket, 'call:decline', { callId: call.id }));
    expect(await ended).toEqual({ callId: call.id, reason: 'declined', by: bob.join.self.id });
    // The call is gone.
    expect(await request(bob.socket, 'call:accept', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'CALL_NOT_FOUND' },
    });
  });

  it('cancel: the callee hears cancelled by the caller', async () => {
    const [ann, bob] = await room('Ann', 'Bob');
    if (!ann || !bob) throw new Error('setup');
    const { call } = await ring(ann, bob);
    expect(await request(bob.socket, 'call:cancel', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    const ended = waitFor(bob.socket, 'call:ended');
    okData(await request(ann.socket, 'call:cancel', { callId: call.id }));
    expect(await ended).toEqual({ callId: call.id, reason: 'cancelled', by: ann.join.self.id });
    await expectNoEvent(ann.socket, 'call:ended');
  });

  it('ring timeout: both sides hear missed and the call is removed', async () => {
    const [ann, bob] = await room('Ann', 'Bob');
    if (!ann || !bob) throw new Error('setup');
    const annEnded = waitFor(ann.socket, 'call:ended', 5000);
    const bobEnded = waitFor(bob.socket, 'call:ended', 5000);
    const { call } = await ring(ann, bob);
    expect(await annEnded).toEqual({ callId: call.id, reason: 'missed' });
    expect(await bobEnded).toEqual({ callId: call.id, reason: 'missed' });
    expect(await request(bob.socket, 'call:accept', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'CALL_NOT_FOUND' },
    });
    // Free again: Bob can call Ann.
    const again = await ring(bob, ann);
    expect(again.call.initiator).toBe(bob.join.self.id);
  });

  it('an answered call is not ended by the ring timer', async () => {
    const [ann, bob] = await room('Ann', 'Bob');
    if (!ann || !bob) throw new Error('setup');
    await active(ann, bob);
    await expectNoEvent(ann.socket, 'call:ended', 1300);
  });

  it('BUSY when the callee is in the room call and the caller is not; a participant rings more people in', async () => {
    const [ann, bob, carol] = await room('Ann', 'Bob', 'Carol');
    if (!ann || !bob || !carol) throw new Error('setup');
    const { call } = await ring(ann, bob);
    expect(await request(carol.socket, 'call:invite', { to: bob.join.self.id })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    expect(await request(carol.socket, 'call:invite', { to: ann.join.self.id })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    await expectNoEvent(carol.socket, 'call:incoming');
    // Ann is a participant of the room's (still ringing) call: Carol is rung into it.
    const incoming = waitFor(carol.socket, 'call:incoming');
    const rung = okData(await request(ann.socket, 'call:invite', { to: carol.join.self.id })).call;
    expect(rung).toMatchObject({ id: call.id, invited: [bob.join.self.id, carol.join.self.id] });
    expect(await incoming).toEqual({ call: rung, from: ann.join.self });
    // Bob, only ringing, may not ring anyone himself.
    expect(await request(bob.socket, 'call:invite', { to: carol.join.self.id })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
  });

  it('PEER_NOT_FOUND for self, unknown ids and people in other rooms', async () => {
    const [ann] = await room('Ann');
    const [other] = await room('Other');
    if (!ann || !other) throw new Error('setup');
    for (const to of [ann.join.self.id, 'AAAAAAAAAAAAAAAAAAAAAA', other.join.self.id]) {
      expect(await request(ann.socket, 'call:invite', { to })).toMatchObject({
        ok: false,
        error: { code: 'PEER_NOT_FOUND' },
      });
    }
    await expectNoEvent(other.socket, 'call:incoming');
  });

  it('glare: both invite at once -> exactly one call, both sides in it', async () => {
    const [ann, bob] = await room('Ann', 'Bob');
    if (!ann || !bob) throw new Error('setup');
    const [a, b] = await Promise.all([
      request(ann.socket, 'call:invite', { to: bob.join.self.id }),
      request(bob.socket, 'call:invite', { to: ann.join.self.id }),
    ]);
    const callA = okData(a).call;
    const callB = okData(b).call;
    expect(callA.id).toBe(callB.id);
    const final = [callA, callB].find((c) => c.state === 'active');
    expect(final?.participants.sort()).toEqual([ann.join.self.id, bob.join.self.id].sort());
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { calls: number };
    expect(health.calls).toBeGreaterThanOrEqual(1);
    // One call: hanging it up ends it for the other side.
    const ended = waitFor(bob.socket, 'call:ended');
    okData(await request(ann.socket, 'call:hangup', { callId: callA.id }));
    expect(await ended).toMatchObject({ callId: callA.id, reason: 'hung-up' });
  });

  it('glare, sequential: the second invite accepts the first call; the first caller hears call:updated', async () => {
    const [ann, bob] = await room('Ann', 'Bob');
    if (!ann || !bob) throw new Error('setup');
    const { call } = await ring(ann, bob);
    const updated = waitFor(ann.socket, 'call:updated');
    const res = okData(await request(bob.socket, 'call:invite', { to: ann.join.self.id })).call;
    expect(res).toMatchObject({ id: call.id, state: 'active', initiator: ann.join.self.id });
    expect((await updated).call).toEqual(res);
    await expectNoEvent(ann.socket, 'call:incoming');
  });

  it('hangup: the other side hears hung-up', async () => {
    const [ann, bob] = await room('Ann', 'Bob');
    if (!ann || !bob) throw new Error('setup');
    const call = await active(ann, bob);
    const ended = waitFor(ann.socket, 'call:ended');
    okData(await request(bob.socket, 'call:hangup', { callId: call.id }));
    expect(await ended).toEqual({ callId: call.id, reason: 'hung-up', by: bob.join.self.id });
    expect(await request(ann.socket, 'call:hangup', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'CALL_NOT_FOUND' },
    });
  });

  it('one call per room: a second pair cannot start another call (INVALID_STATE) but can join', async () => {
    const [ann, bob, carol, dan] = await room('Ann', 'Bob', 'Carol', 'Dan');
    if (!ann || !bob || !carol || !dan) throw new Error('setup');
    const first = await active(ann, bob);
    expect(await request(carol.socket, 'call:invite', { to: dan.join.self.id })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    await expectNoEvent(dan.socket, 'call:incoming');
    const joined = okData(await request(carol.socket, 'call:join', { callId: first.id })).call;
    expect(joined.participants).toEqual([ann.join.self.id, bob.join.self.id, carol.join.self.id]);
  });

  it('leaving the room during a call ends it with reason left, before peer:left', async () => {
    const [ann, bob] = await room('Ann', 'Bob');
    if (!ann || !bob) throw new Error('setup');
    const call = await active(ann, bob);
    const order: string[] = [];
    ann.socket.on('call:ended', () => order.push('call:ended'));
    const ended = waitFor(ann.socket, 'call:ended');
    const left = waitFor(ann.socket, 'peer:left');
    left.then(
      () => order.push('peer:left'),
      () => undefined,
    );
    okData(await request(bob.socket, 'room:leave', {}));
    expect(await ended).toEqual({ callId: call.id, reason: 'left', by: bob.join.self.id });
    expect(await left).toEqual({ id: bob.join.self.id, reason: 'left' });
    expect(order).toEqual(['call:ended', 'peer:left']);
  });

  it('a disconnect during a ringing call ends it with reason disconnected', async () => {
    const [ann, bob] = await room('Ann', 'Bob');
    if (!ann || !bob) throw new Error('setup');
    const { call } = await ring(ann, bob);
    const ended = waitFor(bob.socket, 'call:ended');
    ann.socket.disconnect();
    expect(await ended).toEqual({ callId: call.id, reason: 'disconnected', by: ann.join.self.id });
  });

  it('a disconnect during an active call ends it; the survivor can call again', async () => {
    const [ann, bob, carol] = await room('Ann', 'Bob', 'Carol');
    if (!ann || !bob || !carol) throw new Error('setup');
    const call = await active(ann, bob);
    const ended = waitFor(ann.socket, 'call:ended');
    bob.socket.disconnect();
    expect(await ended).toEqual({ callId: call.id, reason: 'disconnected', by: bob.join.self.id });
    const next = await ring(ann, carol);
    expect(next.call.state).toBe('ringing');
  });
});
