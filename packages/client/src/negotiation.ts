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
  /** How long 'disconnected' may last before we restart ICE ourselves. */
  disconnectedGraceMs: number;
  /** How long a restart may take to reach 'connected' before it counts as failed. */
  restartTimeoutMs: number;
  /** How long the first connection may take before it is treated as failed. */
  setupTimeoutMs: number;
  /**
   * Extra wait for the polite side before it restarts on its own: normally
   * the impolite side's restart offer arrives first, so one failure episode
   * causes one restart rather than two colliding ones.
   */
  politeExtraDelayMs: number;
  /** Restarts per failure episode before giving up. */
  maxRestarts: number;
  /** How often the selected candidate pair is re-read while connected. */
  statsIntervalMs: number;
}

export const DEFAULT_RECOVERY_TIMING: RecoveryTiming = {
  disconnectedGraceMs: 5000,
  restartTimeoutMs: 15000,
  setupTimeoutMs: 20000,
  politeExtraDelayMs: 2000,
  maxRestarts: 2,
  statsIntervalMs: 3000,
};

/** Delay before a self-initiated ICE restart for this trigger and role. */
export function restartDelayMs(
  trigger: 'disconnected' | 'failed',
  polite: boolean,
  timing: RecoveryTiming = DEFAULT_RECOVERY_TIMING,
): number {
  const base = trigger === 'disconnected' ? timing.disconnectedGraceMs : 0;
  return base + (polite ? timing.politeExtraDelayMs : 0);
}
