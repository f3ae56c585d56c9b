/**
 * Wrong-password tries per client address and room: after `maxFailures`
 * within `windowMs`, further tries are refused until the window has passed
 * (RATE_LIMITED with the time to wait). A right password clears the count.
 * Bounded: the oldest entries go first past `maxEntries`.
 */
export interface PasswordAttemptOptions {
  readonly maxFailures?: number;
  readonly windowMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export class PasswordAttempts {
  readonly #failures = new Map<string, number[]>();
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: PasswordAttemptOptions = {}) {
    this.#max = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** ms to wait before `address` may try `room` again; 0 = may try now. */
  retryAfterMs(address: string, room: string): number {
    const recent = this.#recent(key(address, room));
    if (recent.length < this.#max) return 0;
    const oldest = recent[0] ?? this.#now();
    return Math.max(1, oldest + this.#windowMs - this.#now());
  }

  failed(address: string, room: string): void {
    const k = key(address, room);
    const recent = this.#recent(k);
    recent.push(this.#now());
    this.#failures.delete(k); // re-insert: most recent last
    this.#failures.set(k, recent);
    while (this.#failures.size > this.#maxEntries) {
      const first = this.#failures.keys().next().value;
      if (first === undefined) break;
      this.#failures.delete(first);
    }
  }

  succeeded(address: string, room: string): void {
    this.#failures.delete(key(address, room));
  }

  #recent(k: string): number[] {
    const since = this.#now() - this.#windowMs;
    const recent = (this.#failures.get(k) ?? []).filter((t) => t > since);
    if (recent.length === 0) this.#failures.delete(k);
    return recent;
  }
}

function key(address: string, room: string): string {
  return `${address}\n${room}`;
}
