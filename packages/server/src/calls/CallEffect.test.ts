import type { CallId, PeerId, RoomId } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { Call } from './Call.js';
import { CallRegistry } from './CallRegistry.js';
import { setupEnd } from './CallEffect.js';

const A = 'a' as PeerId;
const B = 'b' as PeerId;
const C = 'c' as PeerId;
const ROOM = 'room' as RoomId;

const ringing = (...invitees: PeerId[]) =>
  new Call('call1' as CallId, ROOM, A, invitees.length ? invitees : [B], 100);

/** Which changes end a call's setup (metrics: parley_call_setups_total), and how. */
describe('setupEnd', () => {
  it('answered: the accept that makes a ringing call active, only that one', () => {
    const call = ringing(B, C);
    expect(setupEnd(call.accept(B))).toBe('answered');
    expect(setupEnd(call.accept(C))).toBeNull();
  });

  it('answered: a member joining a ringing call makes it active', () => {
    const call = ringing();
    expect(setupEnd(call.join(C, 8))).toBe('answered');
  });

  it('answered: glare (the callee calls the caller back) answers the call', () => {
    const calls = new CallRegistry({ maxMembers: 8, joinOnEntry: false });
    let n = 0;
    const newId = () => `call${++n}` as CallId;
    expect(setupEnd(calls.invite(ROOM, A, B, newId, 1).outcome)).toBeNull();
    expect(setupEnd(calls.invite(ROOM, B, A, newId, 2).outcome)).toBe('answered');
  });

  it('ended while ringing: declined, cancelled, missed, left', () => {
    expect(setupEnd(ringing().decline(B))).toBe('declined');
    expect(setupEnd(ringing().cancel(A))).toBe('cancelled');
    expect(setupEnd(ringing().expire())).toBe('missed');
    expect(setupEnd(ringing().depart(A, 'left')!)).toBe('left');
    expect(setupEnd(ringing().depart(B, 'disconnected')!)).toBe('disconnected');
  });

  it('not a setup end: one of two invitees declining, ringing someone in, an active call ending', () => {
    expect(setupEnd(ringing(B, C).decline(B))).toBeNull();
    const call = ringing();
    call.accept(B);
    expect(setupEnd(call.ring(A, C, 8))).toBeNull();
    expect(setupEnd(call.decline(C))).toBeNull();
    expect(setupEnd(call.hangup(B))).toBeNull();
  });

  it('a call that starts active (a meeting room) has no setup', () => {
    const calls = new CallRegistry({ maxMembers: 8, joinOnEntry: true });
    const newId = () => 'call1' as CallId;
    expect(calls.enter(ROOM, A, newId, 1)).toBeNull();
    expect(setupEnd(calls.enter(ROOM, B, newId, 2)!)).toBeNull();
  });
});
