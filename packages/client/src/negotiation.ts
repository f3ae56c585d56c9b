/**
 * Pure decisions behind PeerSession (W3C "perfect negotiation" and ICE
 * recovery), kept apart from RTCPeerConnection so they are unit-tested.
 */

/**
 * The polite peer yields on offer glare (rolls its own offer back and takes
 * the other's). Both ends compute the same answer from the two server-assigned
 * ids, so exactly one of them is polite.
 */
export function isPolite(selfId: string, remoteId: string): boolean {
  return selfId < remoteId;
}

export interface OfferDecisionInput {
  descriptionType: 'offer' | 'answer';
  polite: boolean;
  makingOffer: boolean;
  signalingState: RTCSignalingState;
  isSettingRemoteAnswerPending: boolean;
}

export interface OfferDecision {
  /** Both sides made an offer at the same time. */
  offerCollision: boolean;
  /** Impolite side in a collision: drop the remote offer, keep ours. */
  ignoreOffer: boolean;
}

/** The perfect-negotiation collision rule for one incoming description. */
export function decideOnDescription(input: OfferDecisionInput): OfferDecision {
  const readyForOffer =
    !input.makingOffer && (input.signalingState === 'stable' || input.isSettingRemoteAnswerPending);
  const offerCollision = input.descriptionType === 'offer' && !readyForOffer;
  return { offerCollision, ignoreOffer: !input.polite && offerCollision };
}

/**
 * An answer is only applicable while we wait for one; any other answer is a
 * late duplicate for an offer we rolled back, and is dropped.
 */
export function isAnswerExpected(signalingState: RTCSignalingState): boolean {
  return signalingState === 'have-local-offer';
}

/** A new remote offer with other ICE credentials than the current one is an ICE restart. */
export function isIceRestart(previous: ReadonlySet<string>, next: ReadonlySet<string>): boolean {
  if (previous.size === 0 || next.size === 0) return false;
  for (const u of next) if (!previous.has(u)) return true;
  return false;
}

/** Whether a remote candidate belongs to the remote description's ICE generation. */
export function isCurrentGeneration(
  usernameFragment: string | null | undefined,
  remoteUfrags: ReadonlySet<string>,
): boolean {
  if (usernameFragment === null || usernameFragment === undefined || usernameFragment === '') {
    return true; // no ufrag: cannot tell, let the browser decide
  }
  return remoteUfrags.size === 0 || remoteUfrags.has(usernameFragment);
}

/** Life cycle of one peer connection, as the SDK sees it. */
export type PeerSessionState =
  'new' | 'negotiating' | 'connected' | 'recovering' | 'closed' | 'failed';

export type PeerSessionInput =
  | { type: 'signaling'; state: RTCSignalingState }
  | { type: 'connection'; state: RTCPeerConnectionState }
  | { type: 'restarting' }
  | { type: 'gaveUp' }
  | { type: 'close' };

/**
 * Next PeerSession state. 'closed' and 'failed' are terminal. A path that
 * breaks (disconnected/failed) or an ICE restart puts the session in
 * 'recovering' until ICE reports 'connected' again.
 */
export function nextPeerSessionState(
  current: PeerSessionState,
  input: PeerSessionInput,
): PeerSessionState {
  if (current === 'closed' || current === 'failed') return current;
  switch (input.type) {
    case 'close':
      return 'closed';
    case 'gaveUp':
      return 'failed';
    case 'restarting':
      return 'recovering';
    case 'signaling':
      if (input.state === 'closed') return 'closed';
      return current === 'new' && input.state !== 'stable' ? 'negotiating' : current;
    case 'connection':
      switch (input.state) {
        case 'connected':
          return 'connected';
        case 'disconnected':
        case 'failed':
          return 'recovering';
        case 'closed':
          return 'closed';
        case 'new':
        case 'connecting':
          return current === 'new' ? 'negotiating' : current;
      }
  }
}

export interface RecoveryTiming {
  /**
   * After 'failed', wait this long before the first ICE restart of an
   * episode. Measured in Chromium 156: 'failed' comes ~15 s into a
   * blackout and is final, while a restart issued into a dead network gives
   * up ~15 s later; waiting 15 s makes one restart cover a blackout of up to
   * ~45 s (a 5 s loss heals with no restart at all). A network change
   * (signaling back on a new path, the browser going online) restarts at once.
   */
  firstRestartDelayMs: number;
  /** After a restart failed too: wait this long before the next one (contiguous by default). */
  retryDelayMs: number;
  /**
   * 'disconnected' this long without 'failed' counts as failed (browsers
   * that are slow to declare ICE failed).
   */
  disconnectedTimeoutMs: number;
  /** A restart not back to 'connected' this long (and no 'failed' seen) counts as failed. */
  restartTimeoutMs: number;
  /** How long the first connection may take before it is treated as failed. */
  setupTimeoutMs: number;
  /**
   * A local offer unanswered this long (the answer was lost) is rolled back
   * and made again, so no connection stays in 'have-local-offer'.
   */
  answerTimeoutMs: number;
  /**
   * Extra wait for the polite side before it restarts on its own: normally
   * the impolite side's restart offer arrives first, so one failure episode
   * causes one restart rather than two colliding ones.
   */
  politeExtraDelayMs: number;
  /** Restarts per failure episode (ours and the peer's) before giving up. */
  maxRestarts: number;
  /** How often the selected candidate pair is re-read while connected. */
  statsIntervalMs: number;
}

export const DEFAULT_RECOVERY_TIMING: RecoveryTiming = {
  firstRestartDelayMs: 15_000,
  retryDelayMs: 0,
  disconnectedTimeoutMs: 30_000,
  restartTimeoutMs: 20_000,
  setupTimeoutMs: 20_000,
  answerTimeoutMs: 5_000,
  politeExtraDelayMs: 2_000,
  maxRestarts: 4,
  statsIntervalMs: 3_000,
};

/** What set off a (possible) ICE restart. */
export type RestartTrigger =
  /** The connection reached 'failed' (or stayed 'disconnected' too long). */
  | 'failed'
  /** Our restart (or the peer's) did not bring the connection back. */
  | 'restart-failed'
  /** The first connection never came up. */
  | 'setup-timeout'
  /** The local network may have changed: a restart may work now. */
  | 'network-changed';

export interface RestartContext {
  readonly trigger: RestartTrigger;
  /** ICE restarts in this failure episode so far (ours and the peer's). */
  readonly restarts: number;
  readonly polite: boolean;
}

/**
 * The ICE recovery policy, pure: how long to wait before the next ICE
 * restart of a failure episode, or null to give up on that peer (bounded:
 * no restart storm). One restart at most per failure, one failure episode
 * ends when the connection is back.
 */
export function nextRestartDelayMs(
  context: RestartContext,
  timing: RecoveryTiming = DEFAULT_RECOVERY_TIMING,
): number | null {
  if (context.restarts >= timing.maxRestarts) return null;
  let base: number;
  switch (context.trigger) {
    case 'failed':
      base = context.restarts === 0 ? timing.firstRestartDelayMs : timing.retryDelayMs;
      break;
    case 'restart-failed':
      base = timing.retryDelayMs;
      break;
    case 'setup-timeout':
    case 'network-changed':
      base = 0;
      break;
  }
  return base + (context.polite ? timing.politeExtraDelayMs : 0);
}
