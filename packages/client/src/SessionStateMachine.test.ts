import { describe, expect, it } from 'vitest';
import {
  SESSION_TRANSITIONS,
  SessionStateMachine,
  type SessionState,
} from './SessionStateMachine.js';

const ALL: SessionState[] = ['idle', 'joining', 'waiting', 'joined', 'reconnecting', 'lost'];

describe('SessionStateMachine', () => {
  it('joined -> reconnecting -> joined (resumed), keeping the session', () => {
    const m = new SessionStateMachine();
    m.transition('joining');
    m.transition('joined');
    expect(m.transition('reconnecting')).toBe('joined');
    expect(m.transition('joined')).toBe('reconnecting');
    expect(m.state).toBe('joined');
  });

  it('reconnecting -> lost, and a retry from lost joins again', () => {
    const m = new SessionStateMachine();
    for (const s of ['joining', 'joined', 'reconnecting', 'lost', 'joining'] as const)
      m.transition(s);
    expect(m.state).toBe('joining');
  });

  it('refuses every move outside the table with INVALID_STATE', () => {
    for (const from of ALL) {
      for (const to of ALL) {
        if (from === to) continue;
        const m = new SessionStateMachine();
        // Walk to `from` along legal moves.
        const path: Record<SessionState, SessionState[]> = {
          idle: [],
          joining: ['joining'],
          waiting: ['joining', 'waiting'],
          joined: ['joining', 'joined'],
          reconnecting: ['joining', 'joined', 'reconnecting'],
          lost: ['joining', 'joined', 'reconnecting', 'lost'],
        };
        for (const s of path[from]) m.transition(s);
        if (SESSION_TRANSITIONS[from].includes(to)) {
          expect(m.transition(to)).toBe(from);
        } else {
          expect(() => m.transition(to)).toThrow(
            expect.objectContaining({ code: 'INVALID_STATE' }),
          );
        }
      }
    }
  });
});
