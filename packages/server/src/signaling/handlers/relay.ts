import type { PeerId, RoomId, ServerToClientEvents } from '@parley/protocol';
import type { OutboxMessage } from '../../session/Outbox.js';
import { toSocket } from '../emitTo.js';
import { requireJoined } from '../session.js';
import type { HandlerMap, Inbound, SignalingContext } from '../types.js';

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

type RelayEvent = 'signal:description' | 'signal:candidate';
type Relayed<E extends RelayEvent> = Parameters<ServerToClientEvents[E]>[0];

/** Relay, or park in the outbox while the target reconnects (target null). */
function relay<E extends RelayEvent>(
  ctx: SignalingContext,
  room: RoomId,
  to: PeerId,
  target: string | null,
  message: { readonly event: E; readonly payload: Relayed<E> } & OutboxMessage,
  inbound: Inbound,
): Record<string, never> {
  if (target === null) {
    ctx.outbox.push(room, to, message);
  } else {
    // The event and its payload come as a pair (OutboxMessage); TypeScript cannot follow `E` here.
    (toSocket(ctx, target).emit as (event: E, payload: Relayed<E>) => boolean)(
      message.event,
      message.payload,
    );
    ctx.metrics.relayed(message.event, inbound.receivedAt);
  }
  return EMPTY;
}

const EMPTY: Record<string, never> = Object.freeze({});

/**
 * SDP and ICE relay. The server checks that sender and target are both
 * participants of the call in the sender's room, sends to the target's
 * socket only, and stamps `from` itself (the strict schema already refused a
 * client-supplied one). A target whose connection is down gets the signal
 * when it resumes (its outbox). Payloads are never logged: SDP and
 * candidates carry IP addresses. The relay latency is measured up to the
 * emit only: a signal parked in an outbox waits for the target, not for us.
 *
 * With the rooms in this process the handlers answer without waiting (the
 * relay is the bulk of the traffic); with a shared store they wait for it.
 */
export const relayHandlers = {
  'signal:description': (ctx, p, inbound) => {
    const m = requireJoined(ctx.socket);
    const description = ctx.config.testHooks.rewriteFingerprint
      ? { ...p.description, sdp: swapFingerprint(p.description.sdp) }
      : p.description;
    const message = {
      event: 'signal:description' as const,
      payload: { callId: p.callId, from: m.peerId, description },
    };
    const send = (target: string | null): Record<string, never> => {
      if (p.description.type === 'answer' && dropForTest(ctx)) return EMPTY;
      return relay(ctx, m.roomId, p.to, target, message, inbound);
    };
    const { instantAnswer } = ctx.config;
    const now = ctx.calls.relayTargetNow(m.roomId, p.callId, m.peerId, p.to, instantAnswer);
    if (now !== undefined) return send(now);
    return ctx.calls.relayTarget(m.roomId, p.callId, m.peerId, p.to, instantAnswer).then(send);
  },

  'signal:candidate': (ctx, p, inbound) => {
    const m = requireJoined(ctx.socket);
    const message = {
      event: 'signal:candidate' as const,
      payload: { callId: p.callId, from: m.peerId, candidate: p.candidate },
    };
    const { instantAnswer } = ctx.config;
    const now = ctx.calls.relayTargetNow(m.roomId, p.callId, m.peerId, p.to, instantAnswer);
    if (now !== undefined) return relay(ctx, m.roomId, p.to, now, message, inbound);
    return ctx.calls
      .relayTarget(m.roomId, p.callId, m.peerId, p.to, instantAnswer)
      .then((target) => relay(ctx, m.roomId, p.to, target, message, inbound));
  },
} satisfies Partial<HandlerMap>;
