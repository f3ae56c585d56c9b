import type { CallId, PeerId, RoomId } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { CallRegistry } from './CallRegistry.js';

const A = 'a' as PeerId;
const B = 'b' as PeerId;
const C = 'c' as PeerId;
const D = 'd' as PeerId;
const E = 'e' as PeerId;
const room = 'room' as RoomId;

function registry(maxMembers = 6, joinOnEntry = false) {
  let n = 0;
  const calls = new CallRegistry({ maxMembers, joinOnEntry });
  const newId = () => `call${++n}` as CallId;
  const invite = (from: PeerId, to: PeerId) => calls.invite(room, from, to, newId, 5);
  const enter = (p: PeerId) => calls.enter(room, p, newId, 5);
  return { calls, invite, enter };
}

/** a and b in an active call1. */
function activeAB(maxMembers = 6) {
  const r = registry(maxMembers);
  r.invite(A, B);
  r.calls.apply('call1' as CallId, B, (c) => c.accept(B));
  return r;
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
    expect(calls.current()?.id).toBe('call1');
    expect(calls.size).toBe(1);
  });

  it('refuses calling yourself', () => {
    expect(() => registry().invite(A, A)).toThrow(
      expect.objectContaining({ code: 'PEER_NOT_FOUND' }),
    );
  });

  it('BUSY when the callee is in the room call and the caller is not', () => {
    const { invite } = registry();
    invite(A, B);
    expect(() => invite(C, B)).toThrow(expect.objectContaining({ code: 'BUSY' }));
    expect(() => invite(C, A)).toThrow(expect.objectContaining({ code: 'BUSY' }));
  });

  it('INVALID_STATE when neither is in the room call (one call per room), or the caller only rings', () => {
    const { calls, invite } = activeAB();
    expect(() => invite(C, D)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    invite(A, C);
    // Being rung counts: answer or decline first.
    expect(() => invite(C, D)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    expect(calls.size).toBe(1);
  });

  it('a participant rings the callee into the ongoing call, even while it still rings', () => {
    const { calls, invite } = registry();
    invite(A, B);
    const r = invite(A, C);
    expect(r.kind).toBe('rung');
    expect(r.outcome.call).toMatchObject({
      id: 'call1',
      state: 'ringing',
      participants: ['a'],
      invited: ['b', 'c'],
    });
    expect(r.outcome.notices).toEqual([
      { kind: 'incoming', to: ['c'], from: 'a' },
      { kind: 'updated', to: [] },
    ]);
    expect(calls.size).toBe(1);
  });

  it('CALL_FULL when ringing past the bound (ringing invitees count)', () => {
    const { calls, invite } = activeAB(3);
    invite(B, C);
    expect(() => invite(A, D)).toThrow(expect.objectContaining({ code: 'CALL_FULL' }));
    expect(() => calls.join('call1' as CallId, D)).toThrow(
      expect.objectContaining({ code: 'CALL_FULL' }),
    );
    expect(calls.current()?.info().invited).toEqual(['c']);
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
    const { invite } = activeAB();
    expect(() => invite(A, B)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });

  it('join: a room member joins by id; unknown ids are CALL_NOT_FOUND', () => {
    const { calls } = activeAB();
    expect(() => calls.join('nope' as CallId, C)).toThrow(
      expect.objectContaining({ code: 'CALL_NOT_FOUND' }),
    );
    const out = calls.join('call1' as CallId, C);
    expect(out.call.participants).toEqual(['a', 'b', 'c']);
    expect(out.notices).toEqual([{ kind: 'updated', to: ['a', 'b'] }]);
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
    // The room is free for a new call.
    expect(invite(C, D).outcome.call.id).toBe('call2');
  });

  it('expire drops one invitee; a no-op for an answered, gone or unknown one', () => {
    const { calls, invite } = activeAB();
    invite(A, C);
    invite(A, D);
    expect(calls.expire('call1' as CallId, B)).toBeNull();
    expect(calls.expire('nope' as CallId, C)).toBeNull();
    const out = calls.expire('call1' as CallId, C);
    expect(out?.over).toBe(false);
    expect(out?.call.invited).toEqual(['d']);
    expect(calls.expire('call1' as CallId, C)).toBeNull();
  });

  it('expire of the only invitee of a ringing call ends it', () => {
    const { calls, invite } = registry();
    invite(A, B);
    const out = calls.expire('call1' as CallId, B);
    expect(out?.over).toBe(true);
    expect(out?.notices).toEqual([{ kind: 'ended', to: ['a', 'b'], reason: 'missed' }]);
    expect(calls.size).toBe(0);
  });

  it('depart ends the departing member part; the call ends below two', () => {
    const { calls, invite } = activeAB();
    calls.join('call1' as CallId, C);
    const first = calls.depart(B, 'left');
    expect(first?.over).toBe(false);
    expect(first?.notices).toEqual([{ kind: 'updated', to: ['a', 'c'] }]);
    const second = calls.depart(C, 'disconnected');
    expect(second?.notices).toEqual([
      { kind: 'ended', to: ['a'], reason: 'disconnected', by: 'c' },
    ]);
    expect(calls.size).toBe(0);
    expect(calls.depart(B, 'left')).toBeNull();
    expect(invite(A, B).kind).toBe('created');
  });
});

describe('CallRegistry: joinCallOnEntry rooms', () => {
  it('the first member waits; the second starts an active call with both, nobody rings', () => {
    const { calls, enter } = registry(6, true);
    expect(enter(A)).toBeNull();
    expect(calls.waitingMembers()).toEqual(['a']);
    const out = enter(B);
    expect(out?.call).toMatchObject({
      id: 'call1',
      state: 'active',
      participants: ['a', 'b'],
      invited: [],
    });
    expect(out?.notices).toEqual([{ kind: 'updated', to: ['a'] }]);
    expect(calls.waitingMembers()).toEqual([]);
    expect(enter(C)?.call.participants).toEqual(['a', 'b', 'c']);
  });

  it('members beyond the bound stay out of the call, and can join when a seat frees', () => {
    const { calls, enter } = registry(3, true);
    enter(A);
    enter(B);
    enter(C);
    expect(enter(D)).toBeNull();
    expect(calls.current()?.info().participants).toEqual(['a', 'b', 'c']);
    expect(calls.waitingMembers()).toEqual([]);
    expect(() => calls.join('call1' as CallId, D)).toThrow(
      expect.objectContaining({ code: 'CALL_FULL' }),
    );
    calls.apply('call1' as CallId, B, (c) => c.hangup(B));
    expect(calls.join('call1' as CallId, D).call.participants).toEqual(['a', 'c', 'd']);
  });

  it('hanging up leaves the call; the one left alone waits and the next entrant restarts the call', () => {
    const { calls, enter } = registry(6, true);
    enter(A);
    enter(B);
    const out = calls.apply('call1' as CallId, B, (c) => c.hangup(B));
    expect(out.over).toBe(true);
    // b chose to leave the call; a did not, so a waits for the next one.
    expect(calls.waitingMembers()).toEqual(['a']);
    const next = enter(C);
    expect(next?.call).toMatchObject({ id: 'call2', participants: ['a', 'c'], state: 'active' });
  });

  it('a waiting member who leaves the room stops waiting', () => {
    const { calls, enter } = registry(6, true);
    enter(A);
    expect(calls.depart(A, 'left')).toBeNull();
    expect(calls.waitingMembers()).toEqual([]);
    expect(enter(B)).toBeNull();
    expect(calls.waitingMembers()).toEqual(['b']);
  });

  it('entering an ordinary room changes nothing', () => {
    const { calls, enter } = registry(6, false);
    expect(enter(A)).toBeNull();
    expect(enter(B)).toBeNull();
    expect(calls.waitingMembers()).toEqual([]);
    expect(calls.size).toBe(0);
  });

  it('ringing still works in a meeting room and a new call clears the waiting list', () => {
    const { calls, enter, invite } = registry(6, true);
    enter(A);
    enter(B);
    calls.apply('call1' as CallId, B, (c) => c.hangup(B));
    expect(calls.waitingMembers()).toEqual(['a']);
    const r = invite(B, E);
    expect(r.kind).toBe('created');
    expect(calls.waitingMembers()).toEqual([]);
  });
});
