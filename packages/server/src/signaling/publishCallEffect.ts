import type { RoomId } from '@parley/protocol';
import type { CallEffect } from '../calls/CallEffect.js';
import type { SignalingContext } from './types.js';

/**
 * The single exit for every call change: keeps the ring timer in step with
 * the call (running exactly while someone rings) and sends each
 * notification to its recipients' sockets only.
 */
export function publishCallEffect(ctx: SignalingContext, room: RoomId, effect: CallEffect): void {
  ctx.ringTimers.sync(room, effect.call.id, !effect.over && effect.call.invited.length > 0);
  for (const d of effect.deliveries) {
    const to = ctx.io.to([...d.to]);
    switch (d.kind) {
      case 'incoming':
        to.emit('call:incoming', { call: d.call, from: d.from });
        break;
      case 'updated':
        to.emit('call:updated', { call: d.call });
        break;
      case 'ended':
        to.emit(
          'call:ended',
          d.by === undefined
            ? { callId: d.callId, reason: d.reason }
            : { callId: d.callId, reason: d.reason, by: d.by },
        );
        break;
    }
  }
}
