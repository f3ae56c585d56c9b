import type { CallId, PeerId, RoomId } from '@parley/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { RoomRegistry } from '../rooms/RoomRegistry.js';
import { MemoryStateStore } from '../state/MemoryStateStore.js';
import { CallService } from './CallService.js';

const R1 = 'r1' as RoomId;
const R2 = 'r2' as RoomId;
const media = { audio: true, video: true, screen: null };

describe('CallService', () => {
  let rooms: RoomRegistry;
  let calls: CallService;
  let ids: Record<string, PeerId>;

  beforeEach(async () => {
    const store = new MemoryStateStore();
    let n = 0;
    rooms = new RoomRegistry(store, {
      capacity: 8,
      meshMax: 3,
      newId: () => `p${++n}` as PeerId,
    });
    let c = 0;
    calls = new CallService(store, { newId: () => `c${++c}` as CallId, now: () => 9 });
    ids = {};
    for (const [name, room] of [
      ['a', R1],
      ['b', R1],
      ['c', R1],
      ['d', R1],
      ['x', R2],
    ] as const) {
      ids[name] = (await rooms.join(room, { name, media, socketId: `s-${name}` })).self.id;
    }
  });

  const id = (name: string): PeerId => {
    const v = ids[name];
    if (!v) throw new Error(name);
    return v;
  };

  it('invite rings the callee socket with the caller info', async () => {
    const effect = await calls.invite(R1, id('a'), id('b'));
    expect(effect.kind).toBe('created');
    expect(effect.deliveries).toEqual([
      {
        kind: 'incoming',
        to: ['s-b'],
        call: effect.call,
        from: {
          id: id('a'),
          name: 'a',
          media,
          joinedAt: expect.any(Number),
          connection: 'connected',
        },
      },
    ]);
  });

  it('invite needs a sender in the room and a target in the same room', async () => {
    await expect(calls.invite(R1, id('x'), id('a'))).rejects.toMatchObject({ code: 'NOT_IN_ROOM' });
    await expect(calls.invite(R1, id('a'), id('x'))).rejects.toMatchObject({
      code: 'PEER_NOT_FOUND',
    });
    await expect(calls.invite(R1, id('a'), id('a'))).rejects.toMatchObject({
      code: 'PEER_NOT_FOUND',
    });
  });

  it('accept, then hangup, addressed to the other side', async () => {
    const { call } = await calls.invite(R1, id('a'), id('b'));
    const accepted = await calls.accept(R1, call.id, id('b'));
    expect(accepted.deliveries).toEqual([{ kind: 'updated', to: ['s-a'], call: accepted.call }]);
    const hung = await calls.hangup(R1, call.id, id('a'));
    expect(hung.over).toBe(true);
    expect(hung.deliveries).toEqual([
      { kind: 'ended', to: ['s-b'], callId: call.id, reason: 'hung-up', by: id('a') },
    ]);
  });

  it('expire reports missed to both, once', async () => {
    const { call } = await calls.invite(R1, id('a'), id('b'));
    const effect = await calls.expire(R1, call.id, id('b'));
    expect(effect?.deliveries).toEqual([
      { kind: 'ended', to: ['s-a', 's-b'], callId: call.id, reason: 'missed' },
    ]);
    expect(await calls.expire(R1, call.id, id('b'))).toBeNull();
    expect(await calls.expire('gone' as RoomId, call.id, id('b'))).toBeNull();
  });

  it('a participant rings a third member into the ongoing call; the others hear call:updated', async () => {
    const { call } = await calls.invite(R1, id('a'), id('b'));
    await calls.accept(R1, call.id, id('b'));
    const rung = await calls.invite(R1, id('b'), id('c'));
    expect(rung.kind).toBe('rung');
    expect(rung.call).toMatchObject({ id: call.id, invited: [id('c')] });
    expect(rung.deliveries).toEqual([
      {
        kind: 'incoming',
        to: ['s-c'],
        call: rung.call,
        from: {
          id: id('b'),
          name: 'b',
          media,
          joinedAt: expect.any(Number),
          connection: 'connected',
        },
      },
      { kind: 'updated', to: ['s-a'], call: rung.call },
    ]);
  });

  it('join: any member of the room, CALL_FULL past MESH_MAX_PARTICIPANTS, NOT_IN_ROOM for outsiders', async () => {
    const { call } = await calls.invite(R1, id('a'), id('b'));
    await calls.accept(R1, call.id, id('b'));
    await expect(calls.join(R1, call.id, id('x'))).rejects.toMatchObject({ code: 'NOT_IN_ROOM' });
    await expect(calls.join(R2, call.id, id('x'))).rejects.toMatchObject({
      code: 'CALL_NOT_FOUND',
    });
    const joined = await calls.join(R1, call.id, id('c'));
    expect(joined.call.participants).toEqual([id('a'), id('b'), id('c')]);
    expect(joined.deliveries).toEqual([{ kind: 'updated', to: ['s-a', 's-b'], call: joined.call }]);
    await expect(calls.join(R1, call.id, id('d'))).rejects.toMatchObject({ code: 'CALL_FULL' });
    await expect(calls.invite(R1, id('a'), id('d'))).rejects.toMatchObject({ code: 'CALL_FULL' });
  });

  describe('relayTarget', () => {
    let callId: CallId;
    beforeEach(async () => {
      callId = (await calls.invite(R1, id('a'), id('b'))).call.id;
    });

    it('is refused while the callee has not accepted', async () => {
      await expect(calls.relayTarget(R1, callId, id('a'), id('b'))).rejects.toMatchObject({
        code: 'PEER_NOT_FOUND',
      });
      await expect(calls.relayTarget(R1, callId, id('b'), id('a'))).rejects.toMatchObject({
        code: 'INVALID_STATE',
      });
    });

    it('a member rung into an active call neither sends nor receives until it accepts', async () => {
      await calls.accept(R1, callId, id('b'));
      await calls.invite(R1, id('a'), id('c'));
      await expect(calls.relayTarget(R1, callId, id('a'), id('c'))).rejects.toMatchObject({
        code: 'PEER_NOT_FOUND',
      });
      await expect(calls.relayTarget(R1, callId, id('c'), id('b'))).rejects.toMatchObject({
        code: 'INVALID_STATE',
      });
      await calls.accept(R1, callId, id('c'));
      expect(await calls.relayTarget(R1, callId, id('c'), id('b'))).toBe('s-b');
      expect(await calls.relayTarget(R1, callId, id('b'), id('c'))).toBe('s-c');
    });

    it('returns the target socket once both are participants', async () => {
      await calls.accept(R1, callId, id('b'));
      expect(await calls.relayTarget(R1, callId, id('a'), id('b'))).toBe('s-b');
      expect(await calls.relayTarget(R1, callId, id('b'), id('a'))).toBe('s-a');
    });

    it('refuses strangers, unknown calls, self and other rooms', async () => {
      await calls.accept(R1, callId, id('b'));
      const refused = [
        [R1, callId, id('c'), id('a'), 'CALL_NOT_FOUND'],
        [R1, 'nope' as CallId, id('a'), id('b'), 'CALL_NOT_FOUND'],
        [R1, callId, id('a'), id('c'), 'PEER_NOT_FOUND'],
        [R1, callId, id('a'), id('x'), 'PEER_NOT_FOUND'],
        [R1, callId, id('a'), id('a'), 'PEER_NOT_FOUND'],
        [R2, callId, id('x'), id('a'), 'CALL_NOT_FOUND'],
      ] as const;
      for (const [room, call, from, to, code] of refused) {
        await expect(calls.relayTarget(room, call, from, to)).rejects.toMatchObject({ code });
      }
    });
  });
});
