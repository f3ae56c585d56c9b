import type { PeerId } from '@parley/protocol';

/**
 * Where a call's setup spends its time: one mark per step, on this side,
 * with a wall-clock time in milliseconds (performance.timeOrigin +
 * performance.now(): sub-millisecond, and comparable between two pages of
 * one machine, as a benchmark runs them). Only the first occurrence of a
 * step counts (per peer for the per-connection ones), so renegotiations and
 * ICE restarts later in the call do not move the setup's figures.
 *
 * Call-level steps (no peer):
 * - `invite`: call() or invite() was called (the caller's click);
 * - `invite-acked`: the server acknowledged the invite (it rings);
 * - `incoming`: the ring reached this callee;
 * - `accept`: accept() was called (the callee's click);
 * - `accept-acked`: the server acknowledged our accept;
 * - `active`: the server's update made us a participant of the active call.
 *
 * Per-connection steps (with the remote peer's id):
 * - `offer-created` / `answer-created`: setLocalDescription resolved;
 * - `offer-sent` / `answer-sent`: the server acknowledged the relay;
 * - `offer-received` / `answer-received`: the remote description arrived;
 * - `ice-connected`: a candidate pair works (iceConnectionState);
 * - `connected`: DTLS is done too (connectionState);
 * - `sending`: our tracks are on the connection, as the browser acknowledges
 *   (at once, or at accept with instant answer);
 * - `first-frame`: the first remote video frame was decoded.
 */
export type SetupStep =
  | 'invite'
  | 'invite-acked'
  | 'incoming'
  | 'accept'
  | 'accept-acked'
  | 'active'
  | 'offer-created'
  | 'offer-sent'
  | 'offer-received'
  | 'answer-created'
  | 'answer-sent'
  | 'answer-received'
  | 'ice-connected'
  | 'connected'
  | 'sending'
  | 'first-frame';

export interface SetupMark {
  readonly step: SetupStep;
  /** Wall-clock milliseconds (fractional). */
  readonly at: number;
  /** The remote peer of a per-connection step. */
  readonly peerId?: PeerId;
}

/** Marks kept per call: a mesh of 8 records ~100; this only bounds a runaway. */
const MAX_MARKS = 512;

/** Sub-millisecond wall clock where the platform has one (Node tests: Date.now). */
export function nowMs(): number {
  const perf = globalThis.performance as Performance | undefined;
  return perf ? perf.timeOrigin + perf.now() : Date.now();
}

export class SetupTimeline {
  readonly #marks: SetupMark[] = [];
  readonly #seen = new Set<string>();
  readonly #now: () => number;

  constructor(now: () => number = nowMs) {
    this.#now = now;
  }

  /**
   * Record `step` (for `peerId`) unless it was recorded already; `at`: when
   * it happened, if before the call existed (the invite).
   */
  mark(step: SetupStep, peerId?: PeerId, at: number = this.#now()): void {
    const key = peerId === undefined ? step : `${step} ${peerId}`;
    if (this.#seen.has(key) || this.#marks.length >= MAX_MARKS) return;
    this.#seen.add(key);
    this.#marks.push(peerId === undefined ? { step, at } : { step, at, peerId });
  }

  /** The marks so far, in the order they happened. */
  get marks(): readonly SetupMark[] {
    return [...this.#marks].sort((a, b) => a.at - b.at);
  }
}
