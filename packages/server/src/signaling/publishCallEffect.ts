import type { RoomId } from '@parley/protocol';
import type { CallEffect } from '../calls/CallEffect.js';
import { toSocket } from './emitTo.js';
import { roomChannel } from './session.js';
import type { SignalingContext } from './types.js';

export interface PublishOptions {
  /**
   * Socket that must not get `room:call` (a joiner learns the room's call
   * from its join result, which arrives after anything emitted now).
   */
  readonly except?: string;
}

/**
 * The single exit for every call change: keeps the ring timers in step with
 * the call (running exactly while someone rings), sends each call
 * notification to its recipients' sockets only, then tells the whole room
 * (`room:call`) so members outside the call see it and can join it.
 */
export function publishCallEffect(
  ctx: SignalingContext,
  room: RoomId,
  effect: CallEffect,
  options: PublishOptions = {},
): void {
  // Counted here, where each change is published exactly once (on the node
  // that made it), so a setup is counted once however many nodes there are.
  if (effect.setup !== null) ctx.metrics.callSetupEnded(effect.setup);
  ctx.ringTimers.sync(room, effect.call.id, effect.over ? [] : effect.call.invited);
  for (const d of effect.deliveries) {
    const to =
      d.to.length === 1 && d.to[0] !== undefined ? toSocket(ctx, d.to[0]) : ctx.io.to([...d.to]);
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
  for (const { socketId, record } of effect.sessions) {
    toSocket(ctx, socketId).emit('session:token', ctx.tokens.issue(record, ctx.rooms.epoch));
  }
  const everyone = ctx.io.to(roomChannel(room));
  (options.except === undefined ? everyone : everyone.except(options.except)).emit('room:call', {
    call: effect.over ? null : effect.call,
  });
}
