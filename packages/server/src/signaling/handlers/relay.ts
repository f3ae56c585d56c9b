import { requireJoined } from '../session.js';
import type { HandlerMap, SignalingContext } from '../types.js';

/** Answers relayed by this process, for the TEST_DROP_ANSWER hook. */
let answersRelayed = 0;

/** Test hook: another key's fingerprint, as a man in the middle would put there. */
function swapFingerprint(sdp: string): string {
  return sdp.replace(
    /^(a=fingerprint:\S+ )([0-9A-Fa-f]{2})/gm,
    (_m, head: string, byte: string) => `${head}${byte.toUpperCase() === '00' ? '01' : '00'}`,
  );
}

/** Test hook: the Nth answer is lost on the way (acknowledged, never delivered). */
function dropForTest(ctx: SignalingContext): boolean {
  const n = ctx.config.testHooks.dropAnswer;
  if (n === null) return false;
  answersRelayed += 1;
  if (answersRelayed !== n) return false;
  ctx.log.warn('TEST_DROP_ANSWER: dropping this answer');
  return true;
}

/**
 * SDP and ICE relay. The server checks that sender and target are both
 * participants of the call in the sender's room, sends to the target's
 * socket only, and stamps `from` itself (the strict schema already refused a
 * client-supplied one). A target whose connection is down gets the signal
 * when it resumes (its outbox). Payloads are never logged: SDP and
 * candidates carry IP addresses. The relay latency is measured up to the
 * emit only: a signal parked in an outbox waits for the target, not for us.
 */
export const relayHandlers = {
  'signal:description': async (ctx, p, inbound) => {
    const m = requireJoined(ctx.socket);
    const target = await ctx.calls.relayTarget(
      m.roomId,
      p.callId,
      m.peerId,
      p.to,
      ctx.config.instantAnswer,
    );
    const description = ctx.config.testHooks.rewriteFingerprint
      ? { ...p.description, sdp: swapFingerprint(p.description.sdp) }
      : p.description;
    const payload = { callId: p.callId, from: m.peerId, description };
    if (p.description.type === 'answer' && dropForTest(ctx)) return {};
    if (target === null) {
      ctx.outbox.push(m.roomId, p.to, { event: 'signal:description', payload });
    } else {
      ctx.io.to(target).emit('signal:description', payload);
      ctx.metrics.relayed('signal:description', inbound.receivedAt);
    }
    return {};
  },

  'signal:candidate': async (ctx, p, inbound) => {
    const m = requireJoined(ctx.socket);
    const target = await ctx.calls.relayTarget(
      m.roomId,
      p.callId,
      m.peerId,
      p.to,
      ctx.config.instantAnswer,
    );
    const payload = { callId: p.callId, from: m.peerId, candidate: p.candidate };
    if (target === null) {
      ctx.outbox.push(m.roomId, p.to, { event: 'signal:candidate', payload });
    } else {
      ctx.io.to(target).emit('signal:candidate', payload);
      ctx.metrics.relayed('signal:candidate', inbound.receivedAt);
    }
    return {};
  },
} satisfies Partial<HandlerMap>;
