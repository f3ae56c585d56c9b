/**
 * A tiny typed event emitter for browser code (no Node `events`).
 *
 * `Events` maps an event name to its listener signature. Emission goes
 * through `safeEmit`: a listener that throws is caught and reported with
 * console.error, so an application bug in a handler can never leave the
 * SDK's own state half-updated (mediasoup's safeEmit idea).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ListenerMap = { [event: string]: (...args: any[]) => void };

interface Entry<F> {
  listener: F;
  once: boolean;
}

export class TypedEmitter<Events extends ListenerMap> {
  readonly #listeners = new Map<keyof Events, Entry<Events[keyof Events]>[]>();

  on<E extends keyof Events>(event: E, listener: Events[E]): this {
    this.#entries(event).push({ listener, once: false });
    return this;
  }

  once<E extends keyof Events>(event: E, listener: Events[E]): this {
    this.#entries(event).push({ listener, once: true });
    return this;
  }

  /** Remove one registration of `listener` (added with on or once). */
  off<E extends keyof Events>(event: E, listener: Events[E]): this {
    const list = this.#listeners.get(event);
    if (!list) return this;
    const i = list.findIndex((e) => e.listener === listener);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }

  removeAllListeners(event?: keyof Events): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /**
   * Call every listener of `event` in registration order. Returns whether
   * there was at least one listener. Never throws because of a listener.
   */
  protected safeEmit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): boolean {
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) return false;
    // Snapshot: listeners may add/remove listeners while we iterate.
    const snapshot = [...list];
    for (const entry of snapshot) {
      if (entry.once) {
        const i = list.indexOf(entry);
        if (i >= 0) list.splice(i, 1);
      }
      try {
        entry.listener(...args);
      } catch (err) {
        console.error(`[parley] a listener for "${String(event)}" threw`, err);
      }
    }
    if (list.length === 0) this.#listeners.delete(event);
    return true;
  }

  #entries(event: keyof Events): Entry<Events[keyof Events]>[] {
    let list = this.#listeners.get(event);
    if (!list) {
      list = [];
      this.#listeners.set(event, list);
    }
    return list;
  }
}
