import { ErrorCode } from '@parley/protocol';
import { AppError } from '../../errors.js';
import { publishCallEffect } from '../publishCallEffect.js';
import { requireJoined } from '../session.js';
import type { HandlerMap } from '../types.js';

export const callHandlers = {
  'call:invite': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const effect = await ctx.calls.invite(m.roomId, m.peerId, p.to).catch((err: unknown) => {
      // No call is created for a callee already in the room's call, but the
      // attempt is a call setup all the same, and its outcome is busy.
      if (err instanceof AppError && err.code === ErrorCode.BUSY) {
        ctx.metrics.callSetupEnded('busy');
      }
      throw err;
    });
    publishCallEffect(ctx, m.roomId, effect);
    return { call: effect.call };
  },

  /** Join the room's call without being rung; CALL_FULL past MESH_MAX_PARTICIPANTS. */
  'call:join': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const effect = await ctx.calls.join(
      m.roomId,
      p.callId,
      m.peerId,
      ctx.config.joinTokens.secret !== null,
    );
    publishCallEffect(ctx, m.roomId, effect);
    return { call: effect.call };
  },
  'call:accept': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    const effect = await ctx.calls.accept(m.roomId, p.callId, m.peerId);
    publishCallEffect(ctx, m.roomId, effect);
    return { call: effect.call };
  },

  'call:decline': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    publishCallEffect(ctx, m.roomId, await ctx.calls.decline(m.roomId, p.callId, m.peerId));
    return {};
  },

  'call:cancel': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    publishCallEffect(ctx, m.roomId, await ctx.calls.cancel(m.roomId, p.callId, m.peerId));
    return {};
  },

  'call:hangup': async (ctx, p) => {
    const m = requireJoined(ctx.socket);
    publishCallEffect(ctx, m.roomId, await ctx.calls.hangup(m.roomId, p.callId, m.peerId));
    return {};
  },
} satisfies Partial<HandlerMap>;
