import { describe, expect, it } from 'vitest';
import {
  nextParticipantState,
  PARTICIPANT_TRANSITIONS,
  type ParticipantEvent,
  type ParticipantState,
} from './participantState.js';

const STATES: ParticipantState[] = ['connected', 'reconnecting', 'left'];
const EVENTS: ParticipantEvent[] = ['drop', 'resume', 'leave', 'expire'];

describe('participant state machine', () => {
  it('joined -> reconnecting -> resumed, or left', () => {
    expect(nextParticipantState('connected', 'drop')).toBe('reconnecting');
    expect(nextParticipantState('reconnecting', 'resume')).toBe('connected');
    expect(nextParticipantState('reconnecting', 'expire')).toBe('left');
    expect(nextParticipantState('reconnecting', 'leave')).toBe('left');
    expect(nextParticipantState('connected', 'leave')).toBe('left');
  });

  it('a connected member resuming on a new socket stays connected (the old socket is replaced)', () => {
    expect(nextParticipantState('connected', 'resume')).toBe('connected');
  });

  it('refuses every move not in the table: a late grace timer never removes a member who is back', () => {
    expect(nextParticipantState('connected', 'expire')).toBeNull();
    expect(nextParticipantState('reconnecting', 'drop')).toBeNull();
    for (const event of EVENTS) expect(nextParticipantState('left', event)).toBeNull();
    let legal = 0;
    for (const s of STATES)
      for (const e of EVENTS) if (nextParticipantState(s, e) !== null) legal += 1;
    expect(legal).toBe(
      Object.values(PARTICIPANT_TRANSITIONS).reduce((n, t) => n + Object.keys(t).length, 0),
    );
  });
});
