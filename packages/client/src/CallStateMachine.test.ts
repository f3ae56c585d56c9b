import { describe, expect, it } from 'vitest';
import {
  CALL_TRANSITIONS,
  CallStateMachine,
  callStateFromSessions,
  canTransition,
  type CallStatus,
} from './CallStateMachine.js';
import { ParleyError } from './errors.js';

const ALL: CallStatus[] = [
  'ringing-out',
  'ringing-in',
  'connecting',
  'active',
  'reconnecting',
  'ended',
];

const LEGAL: [CallStatus, CallStatus][] = [
  ['ringing-out', 'connecting'],
  ['ringing-out', 'ended'],
  ['ringing-in', 'connecting'],
  ['ringing-in', 'ended'],
  ['connecting', 'active'],
  ['connecting', 'reconnecting'],
  ['connecting', 'ended'],
  ['active', 'reconnecting'],
  ['active', 'ended'],
  ['reconnecting', 'active'],
  ['reconnecting', 'ended'],
];

/** A machine driven to `state` along legal moves. */
function machineIn(state: CallStatus): CallStateMachine {
  const m = new CallStateMachine(state === 'ringing-in' ? 'ringing-in' : 'ringing-out');
  const path: Record<CallStatus, CallStatus[]> = {
    'ringing-out': [],
    'ringing-in': [],
    connecting: ['connecting'],
    active: ['connecting', 'active'],
    reconnecting: ['connecting', 'active', 'reconnecting'],
    ended: ['ended'],
  };
  for (const step of path[state]) {
    if (step === 'ended') m.end('hung-up');
    else m.transition(step);
  }
  expect(m.state).toBe(state);
  return m;
}

describe('CallStateMachine', () => {
  it('the table holds exactly the legal moves', () => {
    const fromTable = ALL.flatMap((from) => CALL_TRANSITIONS[from].map((to) => [from, to]));
    expect(fromTable.sort()).toEqual([...LEGAL].sort());
  });

  it.each(LEGAL)('%s -> %s is legal', (from, to) => {
    const m = machineIn(from);
    const prev = to === 'ended' ? m.end('failed') : m.transition(to);
    expect(prev).toBe(from);
    expect(m.state).toBe(to);
    expect(m.endReason).toBe(to === 'ended' ? 'failed' : null);
  });

  const ILLEGAL = ALL.flatMap((from) =>
    ALL.filter((to) => !LEGAL.some(([f, t]) => f === from && t === to)).map(
      (to) => [from, to] as [CallStatus, CallStatus],
    ),
  );

  it.each(ILLEGAL)('%s -> %s throws INVALID_STATE and changes nothing', (from, to) => {
    const m = machineIn(from);
    expect(canTransition(from, to)).toBe(false);
    const attempt = () => (to === 'ended' ? m.end('declined') : m.transition(to));
    expect(attempt).toThrow(ParleyError);
    try {
      attempt();
    } catch (err) {
      expect((err as ParleyError).code).toBe('INVALID_STATE');
    }
    expect(m.state).toBe(from);
  });

  it('covers every pair of states', () => {
    expect(LEGAL.length + ILLEGAL.length).toBe(ALL.length * ALL.length);
  });

  it('ended keeps its first reason', () => {
    const m = machineIn('active');
    m.end('hung-up');
    expect(() => m.end('failed')).toThrow();
    expect(m.endReason).toBe('hung-up');
    expect(m.ended).toBe(true);
  });
});

describe('callStateFromSessions', () => {
  it('ringing and ended calls are not driven by sessions', () => {
    for (const s of ['ringing-out', 'ringing-in', 'ended'] as const) {
      expect(callStateFromSessions(s, ['connected'])).toBe(s);
      expect(callStateFromSessions(s, ['recovering'])).toBe(s);
    }
  });

  it('connecting becomes active when a session connects', () => {
    expect(callStateFromSessions('connecting', ['negotiating'])).toBe('connecting');
    expect(callStateFromSessions('connecting', ['connected'])).toBe('active');
  });

  it('a recovering session makes the call reconnecting, recovery makes it active again', () => {
    expect(callStateFromSessions('active', ['recovering'])).toBe('reconnecting');
    expect(callStateFromSessions('connecting', ['recovering'])).toBe('reconnecting');
    expect(callStateFromSessions('reconnecting', ['recovering'])).toBe('reconnecting');
    expect(callStateFromSessions('reconnecting', ['connected'])).toBe('active');
  });

  it('in a mesh, one recovering peer outweighs connected ones; closed/failed ones are ignored', () => {
    expect(callStateFromSessions('active', ['connected', 'recovering'])).toBe('reconnecting');
    expect(callStateFromSessions('reconnecting', ['connected', 'failed', 'closed'])).toBe('active');
    expect(callStateFromSessions('active', [])).toBe('active');
  });
});
