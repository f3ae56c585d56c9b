import type { CallId, PeerId, RoomId } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { CallRegistry } from './CallRegistry.js';

const A = 'a' as PeerId;
const B = 'b' as PeerId;
const C = 'c' as PeerId;
const D = 'd' as PeerId;
const room = 'room' as RoomId;

function registry() {
  let n = 0;
  const calls = new CallRegistry();
  const invite = (from: PeerId, to: PeerId) =>
    calls.invite(room, from, to, () => `call${++n}` as CallId, 5);
  return { calls, invite };
}

describe('CallRegistry', () => {
  it('creates a ringing call and rings the callee', () => {
    const { calls, invite } = registry();
    const r = invite(A, B);
    expect(r.kind).toBe('created');
    expect(r.outcome.call).toMatchObject({
      id: 'call1',
      state: 'ringing',
      participants: ['a'],
      invited: ['b'],
    });
    expect(r.outcome.notices).toEqual([{ kind: 'incoming', to: ['b'], from: 'a' }]);
    expect(calls.callOf(A)?.id).toBe('call1');
    expect(calls.callOf(B)?.id).toBe('call1');
    expect(calls.size).toBe(1);
  });

  it('refuses calling yourself', () => {
    expect(() => registry().invite(A, A)).toThrow(
      expect.objectContaining({ code: 'PEER_NOT_FOUND' }),
    );
  });

  it('BUSY when the callee rings or talks elsewhere', () => {
    const { invite } = registry();
    invite(A, B);
    expect(() => invite(C, B)).toThrow(expect.objectContaining({ code: 'BUSY' }));
    expect(() => invite(C, A)).toThrow(expect.objectContaining({ code: 'BUSY' }));
  });

  it('INVALID_STATE when the caller is already in a call', () => {
    const { invite } = registry();
    invite(A, B);
    expect(() => invite(A, C)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    // Being rung by someone else also counts: answer or decline first.
    expect(() => invite(B, C)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });

  it('glare: a counter-invite joins the existing call instead of making a second one', () => {
    const { calls, invite } = registry();
    invite(B, A);
    const r = invite(A, B);
    expect(r.kind).toBe('glare');
    expect(r.outcome.call).toMatchObject({
      id: 'call1',
      initiator: 'b',
      state: 'active',
      participants: ['b', 'a'],
    });
    expect(r.outcome.notices).toEqual([{ kind: 'updated', to: ['b'] }]);
    expect(calls.size).toBe(1);
  });

  it('no glare once the call is active: inviting your own partner is INVALID_STATE', () => {
    const { calls, invite } = registry();
    invite(B, A);
    calls.apply('call1' as CallId, A, (c) => c.accept(A));
    expect(() => invite(A, B)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });

  it('apply: strangers and unknown ids get CALL_NOT_FOUND; over calls are removed', () => {
    const { calls, invite } = registry();
    invite(A, B);
    expect(() => calls.apply('call1' as CallId, C, (c) => c.accept(C))).toThrow(
      expect.objectContaining({ code: 'CALL_NOT_FOUND' }),
    );
    expect(() => calls.apply('nope' as CallId, B, (c) => c.accept(B))).toThrow(
      expect.objectContaining({ code: 'CALL_NOT_FOUND' }),
    );
    const out = calls.apply('call1' as CallId, B, (c) => c.decline(B));
    expect(out.over).toBe(true);
    expect(calls.size).toBe(0);
    expect(calls.callOf(A)).toBeUndefined();
  });

  it('independent 1:1 calls coexist in one room', () => {
    const { calls, invite } = registry();
    invite(A, B);
    invite(C, D);
    expect(calls.size).toBe(2);
    calls.apply('call2' as CallId, D, (c) => c.accept(D));
    expect(calls.get('call1' as CallId)?.currentState).toBe('ringing');
    expect(calls.get('call2' as CallId)?.currentState).toBe('active');
  });

  it('expire ends a ringing call and is a no-op for an answered or gone one', () => {
    const { calls, invite } = registry();
    invite(A, B);
    invite(C, D);
    calls.apply('call2' as CallId, D, (c) => c.accept(D));
    expect(calls.expire('call2' as CallId)).toBeNull();
    expect(calls.expire('nope' as CallId)).toBeNull();
    const out = calls.expire('call1' as CallId);
    expect(out?.over).toBe(true);
    expect(out?.notices).toEqual([{ kind: 'ended', to: ['a', 'b'], reason: 'missed' }]);
    expect(calls.size).toBe(1);
  });

  it('depart ends the departing member calls and removes them', () => {
    const { calls, invite } = registry();
    invite(A, B);
    const outs = calls.depart(B, 'left');
    expect(outs).toHaveLength(1);
    expect(outs[0]?.notices).toEqual([{ kind: 'ended', to: ['a'], reason: 'left', by: 'b' }]);
    expect(calls.size).toBe(0);
    expect(calls.depart(B, 'left')).toEqual([]);
  });
});
