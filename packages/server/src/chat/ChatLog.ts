import type { ChatMessage } from '@parley/protocol';

/**
 * A room's recent chat: a fixed-size ring, so a busy room holds at most
 * `capacity` messages (oldest overwritten first) and adding one is O(1).
 */
export class ChatLog {
  /** Grows up to `capacity` as messages come (most rooms never chat), then wraps. */
  private readonly slots: ChatMessage[] = [];
  /** Index of the oldest message. */
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('capacity must be >= 1');
  }

  get size(): number {
    return this.count;
  }

  add(message: ChatMessage): void {
    // Until the ring is full, head is 0 and tail is the next free slot (an append).
    const tail = (this.head + this.count) % this.capacity;
    this.slots[tail] = message;
    if (this.count < this.capacity) this.count++;
    else this.head = (this.head + 1) % this.capacity;
  }

  /** Oldest first; copies, so callers cannot change the history. */
  list(): ChatMessage[] {
    const out: ChatMessage[] = [];
    for (let i = 0; i < this.count; i++) {
      const m = this.slots[(this.head + i) % this.capacity];
      if (m) out.push({ ...m });
    }
    return out;
  }
}
