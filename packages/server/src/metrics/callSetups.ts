import type { CallSetupEnd } from '../calls/CallEffect.js';

/**
 * How a call setup (a call ringing, until it is answered or given up) ended,
 * as `parley_call_setups_total` counts it. Fewer values than CallEndReason:
 * an operator asks "how many calls got through, and why not the others",
 * not who left which way.
 */
export const CALL_SETUP_OUTCOMES = [
  'answered',
  'declined',
  'missed',
  'cancelled',
  'busy',
  'failed',
] as const;
export type CallSetupOutcome = (typeof CALL_SETUP_OUTCOMES)[number];

/**
 * Map the end of a setup to its outcome. A call ends while ringing for
 * every CallEndReason except hung-up (which needs an active call); the map
 * is total anyway, so a reason added later still lands somewhere.
 */
export function setupOutcome(end: CallSetupEnd): CallSetupOutcome {
  switch (end) {
    case 'answered':
    case 'declined':
    case 'missed':
    case 'cancelled':
    case 'busy':
    case 'failed':
      return end;
    // The caller (or the only callee) left the room on purpose while it rang:
    // the attempt was given up, as with call:cancel.
    case 'left':
    case 'hung-up':
      return 'cancelled';
    // A connection was lost while ringing (its grace ran out): the setup
    // failed for a reason nobody chose.
    case 'disconnected':
      return 'failed';
  }
}
