import type { CallEndReason, CallId, CallInfo, PeerId, PeerInfo } from '@parley/protocol';
import { peerInfo } from '../rooms/Participant.js';
import type { Room } from '../rooms/Room.js';
import type { SessionRecord } from '../session/ResumeTokens.js';
import type { CallOutcome } from './Call.js';

/** One notification, addressed to socket ids. */
export type CallDelivery =
  | {
      readonly kind: 'incoming';
      readonly to: readonly string[];
      readonly call: CallInfo;
      readonly from: PeerInfo;
    }
  | { readonly kind: 'updated'; readonly to: readonly string[]; readonly call: CallInfo }
  | {
      readonly kind: 'ended';
      readonly to: readonly string[];
      readonly callId: CallId;
      readonly reason: CallEndReason;
      readonly by?: PeerId;
    };

/**
 * How a call setup ended: 'answered' (the ringing call became active), or
 * why the call ended while it still rang.
 */
export type CallSetupEnd = 'answered' | CallEndReason;

/** A CallOutcome with its recipients resolved, ready to emit. */
export interface CallEffect {
  readonly call: CallInfo;
  readonly over: boolean;
  /** This change ended the call's setup, and how (metrics); null for any other change. */
  readonly setup: CallSetupEnd | null;
  readonly deliveries: readonly CallDelivery[];
  /**
   * Members whose resume token no longer names their call as it is (they
   * entered or left it, or its members changed): a fresh token each.
   */
  readonly sessions: readonly { readonly socketId: string; readonly record: SessionRecord }[];
}

/**
 * Resolve recipients inside the room transaction, while the room still knows
 * their sockets (after a leave the room may be gone).
 */
export function resolveCallEffect(room: Room, outcome: CallOutcome): CallEffect {
  const deliveries: CallDelivery[] = [];
  for (const notice of outcome.notices) {
    const to = room.addresses(notice.to);
    if (to.length === 0) continue;
    switch (notice.kind) {
      case 'incoming': {
        const from = room.get(notice.from);
        if (from)
          deliveries.push({ kind: 'incoming', to, call: outcome.call, from: peerInfo(from) });
        break;
      }
      case 'updated':
        deliveries.push({ kind: 'updated', to, call: outcome.call });
        break;
      case 'ended':
        deliveries.push(
          notice.by === undefined
            ? { kind: 'ended', to, callId: outcome.call.id, reason: notice.reason }
            : { kind: 'ended', to, callId: outcome.call.id, reason: notice.reason, by: notice.by },
        );
        break;
    }
  }
  const sessions = room
    .takeStaleSessions()
    .map(({ peer, socketId }) => ({ socketId, record: room.sessionRecord(peer) }));
  return { call: outcome.call, over: outcome.over, setup: setupEnd(outcome), deliveries, sessions };
}

/**
 * Whether `outcome` ends the call's setup. A call that is over keeps the
 * state it had (nothing moves it back to ringing), so an over call still
 * ringing was never answered, and its ended notice says why.
 */
export function setupEnd(outcome: CallOutcome): CallSetupEnd | null {
  if (outcome.answered) return 'answered';
  if (!outcome.over || outcome.call.state !== 'ringing') return null;
  const ended = outcome.notices.find((n) => n.kind === 'ended');
  return ended?.kind === 'ended' ? ended.reason : null;
}
