import { Counter, Gauge, type Registry } from 'prom-client';
import type { StateCounts } from '../state/StateStore.js';

/** Where the gauges read the state at scrape time. */
export interface StateSources {
  /** Sockets connected to this node's signaling namespace. */
  readonly sockets: () => number;
  /** Rooms, participants and calls (the state store's counts). */
  readonly counts: () => Promise<StateCounts>;
}

/**
 * Several gauges read the same counts, and prom-client collects them
 * concurrently within one scrape: they share the call in flight, so a scrape
 * asks the store once (a Redis store pays a round trip per call).
 */
function sharedInFlight<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= load().finally(() => {
      pending = null;
    });
    return pending;
  };
}

/**
 * Gauges of the current state, read when Prometheus scrapes instead of
 * being kept up to date on every change: the store is the only truth, and
 * a count kept beside it would drift on the first missed decrement.
 */
export function registerStateGauges(registry: Registry, sources: StateSources): void {
  const registers = [registry];
  // A scrape still answers when the store cannot be read: the process
  // metrics matter most exactly then. The state gauges keep their values.
  let failed = 0;
  const counts = sharedInFlight(async (): Promise<StateCounts | null> => {
    try {
      return await sources.counts();
    } catch {
      failed += 1;
      return null;
    }
  });
  new Counter({
    name: 'parley_state_count_failures_total',
    help: 'Scrapes whose room, participant and call gauges kept their previous values because the state store could not be read.',
    registers,
    // Collected with the gauges, so a failure shows in the scrape it happened in.
    async collect() {
      await counts();
      this.reset();
      this.inc(failed);
    },
  });

  new Gauge({
    name: 'parley_connected_sockets',
    help: 'Socket.IO connections to this node (joined or not).',
    registers,
    collect() {
      this.set(sources.sockets());
    },
  });
  new Gauge({
    name: 'parley_rooms',
    help: 'Rooms that exist (in the state store).',
    registers,
    async collect() {
      const c = await counts();
      if (c) this.set(c.rooms);
    },
  });
  new Gauge({
    name: 'parley_participants',
    help: 'Participants in rooms, their connections down for the resume grace included.',
    registers,
    async collect() {
      const c = await counts();
      if (c) this.set(c.participants);
    },
  });
  new Gauge({
    name: 'parley_calls',
    help: 'Calls by state: ringing (nobody answered yet) or active.',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      const c = await counts();
      if (!c) return;
      this.set({ state: 'ringing' }, c.ringingCalls);
      this.set({ state: 'active' }, c.activeCalls);
    },
  });
}
