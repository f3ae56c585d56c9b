import { CallEndReasonSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { CALL_SETUP_OUTCOMES, setupOutcome } from './callSetups.js';

describe('setupOutcome', () => {
  it('maps every end of a setup to one of the six outcomes', () => {
    expect(
      Object.fromEntries(
        ['answered', ...CallEndReasonSchema.options].map((e) => [e, setupOutcome(e as never)]),
      ),
    ).toEqual({
      answered: 'answered',
      declined: 'declined',
      busy: 'busy',
      missed: 'missed',
      cancelled: 'cancelled',
      'hung-up': 'cancelled',
      left: 'cancelled',
      disconnected: 'failed',
      failed: 'failed',
    });
  });

  it('the outcomes are exactly the label values the counter starts with', () => {
    expect([...CALL_SETUP_OUTCOMES].sort()).toEqual(
      ['answered', 'busy', 'cancelled', 'declined', 'failed', 'missed'].sort(),
    );
  });
});
