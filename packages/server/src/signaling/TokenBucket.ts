/**
 * Token bucket rate limiter: `capacity` messages at once, refilled at
 * `perSecond`. One per socket, so a flooding client only slows itself.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = monotonicNow,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Spend one token; false when the bucket is empty. */
  take(): boolean {
    const t = this.now();
    const elapsedSec = Math.max(0, t - this.last) / 1000;
    this.last = t;
    this.tokens = Math.min(this.capacity, this.tokens + elapsedSec * this.perSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** One clock for every bucket (a default parameter closure would be one more object per socket). */
function monotonicNow(): number {
  return performance.now();
}
