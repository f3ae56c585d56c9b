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

describe('Call: group calls (ring, join, size bound)', () => {
  const D = 'd' as PeerId;
  const E = 'e' as PeerId;

  it('a participant rings one more person into an active call; the others are told', () => {
    const call = active();
    const out = call.ring(A, C, 6);
    expect(out.over).toBe(false);
    expect(out.call).toMatchObject({ state: 'active', participants: ['a', 'b'], invited: ['c'] });
    expect(out.notices).toEqual([
      { kind: 'incoming', to: ['c'], from: 'a' },
      { kind: 'updated', to: ['b'] },
    ]);
    const accepted = call.accept(C);
    expect(accepted.call.participants).toEqual(['a', 'b', 'c']);
    expect(accepted.notices).toEqual([{ kind: 'updated', to: ['a', 'b'] }]);
  });

  it('ringing is for participants only, and not for people already in the call', () => {
    const call = active();
    call.ring(A, C, 6);
    const before = call.info();
    expect(() => call.ring(C, D, 6)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    expect(() => call.ring(A, C, 6)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    expect(() => call.ring(A, B, 6)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    expect(() => call.ring(A, A, 6)).toThrow(expect.objectContaining({ code: 'PEER_NOT_FOUND' }));
    expect(call.info()).toEqual(before);
  });

  it('join adds a participant without ringing; an invitee joining accepts', () => {
    const call = active();
    const out = call.join(C, 6);
    expect(out.call).toMatchObject({ participants: ['a', 'b', 'c'], invited: [] });
    expect(out.notices).toEqual([{ kind: 'updated', to: ['a', 'b'] }]);
    call.ring(A, D, 6);
    expect(call.join(D, 6).call).toMatchObject({ participants: ['a', 'b', 'c', 'd'], invited: [] });
    expect(() => call.join(D, 6)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });

  it('joining a call that still rings makes it active', () => {
    const call = ringing();
    const out = call.join(C, 6);
    expect(out.call).toMatchObject({ state: 'active', participants: ['a', 'c'], invited: ['b'] });
  });

  it('CALL_FULL past the bound, counting ringing invitees; a freed seat can be taken', () => {
    const call = active(); // a, b
    call.ring(A, C, 3); // 3 seats taken (c rings)
    const before = call.info();
    expect(() => call.join(D, 3)).toThrow(
      expect.objectContaining({ code: 'CALL_FULL', retryable: true }),
    );
    expect(() => call.ring(B, D, 3)).toThrow(expect.objectContaining({ code: 'CALL_FULL' }));
    expect(call.info()).toEqual(before);
    // The ringing invitee's seat is held, so its answer always fits.
    expect(call.accept(C).call.participants).toEqual(['a', 'b', 'c']);
    call.hangup(B);
    expect(call.join(D, 3).call.participants).toEqual(['a', 'c', 'd']);
    expect(() => call.join(E, 3)).toThrow(expect.objectContaining({ code: 'CALL_FULL' }));
  });

  it('Call.started: everyone in, active, nobody rings', () => {
    const call = Call.started('m' as CallId, 'room' as RoomId, [A, B], 7);
    expect(call.info()).toEqual({
      id: 'm',
      room: 'room',
      initiator: 'a',
      state: 'active',
      participants: ['a', 'b'],
      invited: [],
      createdAt: 7,
    });
    expect(() => Call.started('m' as CallId, 'room' as RoomId, [A], 7)).toThrow();
  });

  it('a departure from a 4-way call only shrinks it, down to the last two', () => {
    const call = Call.started('m' as CallId, 'room' as RoomId, [A, B, C, D], 0);
    const first = call.depart(B, 'disconnected');
    expect(first).toMatchObject({
      over: false,
      notices: [{ kind: 'updated', to: ['a', 'c', 'd'] }],
    });
    expect(call.hangup(C).over).toBe(false);
    const last = call.depart(D, 'left');
    expect(last?.over).toBe(true);
    expect(last?.notices).toEqual([{ kind: 'ended', to: ['a'], reason: 'left', by: 'd' }]);
  });

  it('a lone participant with someone still ringing keeps the call; the call ends when that one misses', () => {
    const call = active();
    call.ring(A, C, 6);
    expect(call.hangup(B)).toMatchObject({
      over: false,
      call: { participants: ['a'], invited: ['c'] },
    });
    const out = call.expire([C]);
    expect(out.over).toBe(true);
    expect(out.notices).toEqual([{ kind: 'ended', to: ['a', 'c'], reason: 'missed' }]);
  });

  it('expire drops only the given invitees', () => {
    const call = new Call('g' as CallId, 'room' as RoomId, A, [B, C], 0);
    const out = call.expire([B]);
    expect(out.over).toBe(false);
    expect(out.call).toMatchObject({ state: 'ringing', participants: ['a'], invited: ['c'] });
    expect(out.notices).toEqual([
      { kind: 'ended', to: ['b'], reason: 'missed' },
      { kind: 'updated', to: ['a'] },
    ]);
  });
});
