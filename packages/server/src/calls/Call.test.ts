import type { CallId, PeerId, RoomId } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { Call, type CallAction } from './Call.js';

const A = 'a' as PeerId;
const B = 'b' as PeerId;
const C = 'c' as PeerId;
const X = 'x' as PeerId;

const ringing = () => new Call('call1' as CallId, 'room' as RoomId, A, [B], 100);
const active = () => {
  const call = ringing();
  call.accept(B);
  return call;
};

describe('Call: legal transitions', () => {
  it('starts ringing with the initiator as participant and the callee invited', () => {
    expect(ringing().info()).toEqual({
      id: 'call1',
      room: 'room',
      initiator: 'a',
      state: 'ringing',
      participants: ['a'],
      invited: ['b'],
      createdAt: 100,
    });
  });

  it('accept: ringing -> active, the caller is told', () => {
    const call = ringing();
    const out = call.accept(B);
    expect(out.over).toBe(false);
    expect(out.call).toMatchObject({ state: 'active', participants: ['a', 'b'], invited: [] });
    expect(out.notices).toEqual([{ kind: 'updated', to: ['a'] }]);
  });

  it('decline: the call is over, the caller hears declined by the callee', () => {
    const out = ringing().decline(B);
    expect(out.over).toBe(true);
    expect(out.notices).toEqual([{ kind: 'ended', to: ['a'], reason: 'declined', by: 'b' }]);
  });

  it('cancel: the call is over, the callee hears cancelled by the caller', () => {
    const out = ringing().cancel(A);
    expect(out.over).toBe(true);
    expect(out.notices).toEqual([{ kind: 'ended', to: ['b'], reason: 'cancelled', by: 'a' }]);
  });

  it('hangup by either side ends a 1:1 call for the other', () => {
    expect(active().hangup(A).notices).toEqual([
      { kind: 'ended', to: ['b'], reason: 'hung-up', by: 'a' },
    ]);
    const out = active().hangup(B);
    expect(out.over).toBe(true);
    expect(out.notices).toEqual([{ kind: 'ended', to: ['a'], reason: 'hung-up', by: 'b' }]);
  });

  it('expire: both sides hear missed', () => {
    const out = ringing().expire();
    expect(out.over).toBe(true);
    expect(out.notices).toEqual([{ kind: 'ended', to: ['a', 'b'], reason: 'missed' }]);
  });

  it.each([
    ['caller leaves while ringing', () => ringing(), A, ['b']],
    ['callee leaves while ringing', () => ringing(), B, ['a']],
    ['caller leaves an active call', () => active(), A, ['b']],
    ['callee leaves an active call', () => active(), B, ['a']],
  ] as const)('depart (%s) ends the call for the other side', (_label, make, who, notified) => {
    const out = make().depart(who, 'left');
    expect(out?.over).toBe(true);
    expect(out?.notices).toEqual([{ kind: 'ended', to: notified, reason: 'left', by: who }]);
  });

  it('depart of a stranger changes nothing', () => {
    const call = active();
    expect(call.depart(X, 'disconnected')).toBeNull();
    expect(call.info().participants).toEqual(['a', 'b']);
  });
});

describe('Call: illegal transitions', () => {
  const cases: Array<[string, () => Call, CallAction, PeerId, string]> = [
    ['stranger accepts', ringing, 'accept', X, 'CALL_NOT_FOUND'],
    ['stranger declines', ringing, 'decline', X, 'CALL_NOT_FOUND'],
    ['stranger cancels', ringing, 'cancel', X, 'CALL_NOT_FOUND'],
    ['stranger hangs up', active, 'hangup', X, 'CALL_NOT_FOUND'],
    ['caller accepts own call', ringing, 'accept', A, 'INVALID_STATE'],
    ['callee accepts twice', active, 'accept', B, 'INVALID_STATE'],
    ['caller declines own call', ringing, 'decline', A, 'INVALID_STATE'],
    ['callee cancels', ringing, 'cancel', B, 'INVALID_STATE'],
    ['caller cancels an active call', active, 'cancel', A, 'INVALID_STATE'],
    ['caller hangs up while ringing', ringing, 'hangup', A, 'INVALID_STATE'],
    ['callee hangs up while ringing', ringing, 'hangup', B, 'INVALID_STATE'],
    ['callee declines after accepting', active, 'decline', B, 'INVALID_STATE'],
  ];

  it.each(cases)('%s -> %s', (_label, make, action, who, code) => {
    const call = make();
    const before = call.info();
    expect(() => call[action](who)).toThrow(expect.objectContaining({ code }));
    expect(call.info()).toEqual(before);
  });

  it('refuses a call without invitees or to oneself', () => {
    expect(() => new Call('c' as CallId, 'r' as RoomId, A, [], 0)).toThrow();
    expect(() => new Call('c' as CallId, 'r' as RoomId, A, [A], 0)).toThrow();
  });
});

describe('Call: group-ready removal', () => {
  /** a, b, c all in an active call. */
  const group = () => {
    const call = new Call('g' as CallId, 'room' as RoomId, A, [B, C], 0);
    call.accept(B);
    call.accept(C);
    return call;
  };

  it('a member hanging up a 3-way call only shrinks it', () => {
    const call = group();
    const out = call.hangup(A);
    expect(out.over).toBe(false);
    expect(out.call.participants).toEqual(['b', 'c']);
    expect(out.notices).toEqual([{ kind: 'updated', to: ['b', 'c'] }]);
  });

  it('the call ends when fewer than two remain and nobody rings', () => {
    const call = group();
    call.hangup(A);
    const out = call.depart(B, 'disconnected');
    expect(out?.over).toBe(true);
    expect(out?.notices).toEqual([{ kind: 'ended', to: ['c'], reason: 'disconnected', by: 'b' }]);
  });

  it('an active call keeps going when a late invitee misses it', () => {
    const call = new Call('g' as CallId, 'room' as RoomId, A, [B, C], 0);
    call.accept(B);
    const out = call.expire();
    expect(out.over).toBe(false);
    expect(out.notices).toEqual([
      { kind: 'ended', to: ['c'], reason: 'missed' },
      { kind: 'updated', to: ['a', 'b'] },
    ]);
    expect(out.call.invited).toEqual([]);
  });

  it('declining one of two invitations keeps the call ringing for the other', () => {
    const call = new Call('g' as CallId, 'room' as RoomId, A, [B, C], 0);
    const out = call.decline(B);
    expect(out.over).toBe(false);
    expect(out.call).toMatchObject({ state: 'ringing', invited: ['c'] });
  });
});
