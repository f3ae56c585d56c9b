/**
 * When to try the signaling connection again after it dropped, and when to
 * give up: one swappable, pure policy (in the spirit of LiveKit's
 * ReconnectPolicy), so timing lives in one place and is unit-tested.
 */
export interface ReconnectContext {
  /** Attempts made since the drop (0 before the first one). */
  readonly attempt: number;
  /** Time since the connection dropped. */
  readonly elapsedMs: number;
  /**
   * Media of the current call still flows to at least one peer: signaling is
   * not needed for that, so a good policy does not give up meanwhile.
   */
  readonly mediaConnected: boolean;
}

export interface ReconnectPolicy {
  /** Delay before the next attempt, or null to give up ('connection lost'). */
  nextRetryDelayMs(context: ReconnectContext): number | null;
}

export interface DefaultReconnectPolicyOptions {
  /** Delays of the first attempts; later ones use the last entry. */
  readonly delaysMs?: readonly number[];
  /** Random extra delay, as a fraction of the delay (spreads a server restart's reconnect wave). */
  readonly jitter?: number;
  /** Give up once the connection has been down this long and no media flows. */
  readonly giveUpAfterMs?: number;
  readonly random?: () => number;
}

/** 0, 250 ms, 500 ms, 1 s, then every 2 s: back within a few seconds of a server restart. */
export const DEFAULT_RECONNECT_DELAYS_MS: readonly number[] = [0, 250, 500, 1000, 2000];
/** Past the server's grace for our seat (RESUME_GRACE_MS, 15 s) with margin. */
export const DEFAULT_GIVE_UP_AFTER_MS = 45_000;

export class DefaultReconnectPolicy implements ReconnectPolicy {
  readonly #delays: readonly number[];
  readonly #jitter: number;
  readonly #giveUpAfterMs: number;
  readonly #random: () => number;

  constructor(options: DefaultReconnectPolicyOptions = {}) {
    this.#delays = options.delaysMs ?? DEFAULT_RECONNECT_DELAYS_MS;
    if (this.#delays.length === 0) throw new Error('delaysMs must not be empty');
    this.#jitter = options.jitter ?? 0.2;
    this.#giveUpAfterMs = options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS;
    this.#random = options.random ?? Math.random;
  }

  nextRetryDelayMs({ attempt, elapsedMs, mediaConnected }: ReconnectContext): number | null {
    if (!mediaConnected && elapsedMs >= this.#giveUpAfterMs) return null;
    const base = this.#delays[Math.min(attempt, this.#delays.length - 1)] ?? 0;
    return Math.round(base * (1 + this.#jitter * this.#random()));
  }
}
