import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { CallSetupEnd } from '../calls/CallEffect.js';
import { CALL_SETUP_OUTCOMES, setupOutcome } from './callSetups.js';
import { CLIENT_EVENTS, errorCodeLabel, type EventLabel } from './labels.js';
import { registerStateGauges, type StateSources } from './stateGauges.js';

/** Relay latency buckets, in seconds: 100 µs (an idle node) to 500 ms (a node in trouble). */
export const RELAY_LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
] as const;

/** Which limit refused: the socket's message budget, or the wrong-password tries of room:join. */
export type RateLimit = 'messages' | 'password';

export type RelayEvent = 'signal:description' | 'signal:candidate';

export interface MetricsOptions extends StateSources {
  /** NODE_ID: the `node` label on every series, so nodes of one deployment stay apart. */
  readonly nodeId: string;
}

/**
 * The Prometheus metrics of one app. Each app has its own registry, not
 * prom-client's global one: tests build several apps in one process, and a
 * metric registered twice in one registry throws.
 *
 * No label ever names a room, a participant or a socket: those are
 * personal, and unbounded. See METRICS.md for what each metric means.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #messages: Counter<'event'>;
  /** Messages by event since the last scrape (prom-client's inc hashes its labels on every call). */
  readonly #messageTally = new Map<EventLabel, number>();
  readonly #errors: Counter<'event' | 'code'>;
  readonly #rateLimited: Counter<'limit'>;
  readonly #callSetups: Counter<'outcome'>;
  readonly #turnCredentials: Counter<'event'>;
  readonly #relayLatency: Histogram<'event'>;

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ node: options.nodeId });
    // Process, heap, GC and event-loop lag (nodejs_eventloop_lag_seconds).
    collectDefaultMetrics({ register: this.registry });
    registerStateGauges(this.registry, options);

    const messageTally = this.#messageTally;
    this.#messages = new Counter({
      name: 'parley_signaling_messages_total',
      help: 'Inbound signaling messages by event (names not in the protocol count as "unknown").',
      labelNames: ['event'] as const,
      registers,
      // Counted on every message as plain numbers; handed over when scraped.
      collect() {
        for (const [event, n] of messageTally) this.inc({ event }, n);
        messageTally.clear();
      },
    });
    this.#errors = new Counter({
      name: 'parley_signaling_errors_total',
      help: 'Signaling messages answered with an error, by event and error code.',
      labelNames: ['event', 'code'] as const,
      registers,
    });
    this.#rateLimited = new Counter({
      name: 'parley_rate_limited_total',
      help: 'Requests refused with RATE_LIMITED, by limit: messages (per-socket budget) or password (wrong-password tries).',
      labelNames: ['limit'] as const,
      registers,
    });
    this.#callSetups = new Counter({
      name: 'parley_call_setups_total',
      help: 'Call setups (a call ringing) by how they ended: answered, declined, missed, cancelled, busy or failed.',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.#turnCredentials = new Counter({
      name: 'parley_turn_credentials_issued_total',
      help: 'TURN credentials handed out, by the event whose answer carried them.',
      labelNames: ['event'] as const,
      registers,
    });
    this.#relayLatency = new Histogram({
      name: 'parley_relay_latency_seconds',
      help: "Time from a relayed signal's arrival to its emit to the target (queueing included).",
      labelNames: ['event'] as const,
      buckets: [...RELAY_LATENCY_BUCKETS],
      registers,
    });

    // Series exist from the start at 0, so rate() and alerts see the first
    // increment instead of a series appearing out of nowhere.
    for (const event of CLIENT_EVENTS) this.#messages.inc({ event }, 0);
    for (const limit of ['messages', 'password'] as const) this.#rateLimited.inc({ limit }, 0);
    for (const outcome of CALL_SETUP_OUTCOMES) this.#callSetups.inc({ outcome }, 0);
    for (const event of ['signal:description', 'signal:candidate'] as const) {
      this.#relayLatency.zero({ event });
    }
  }

  /** Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  message(event: EventLabel): void {
    this.#messageTally.set(event, (this.#messageTally.get(event) ?? 0) + 1);
  }

  error(event: EventLabel, code: string): void {
    this.#errors.inc({ event, code: errorCodeLabel(code) });
  }

  rateLimited(limit: RateLimit): void {
    this.#rateLimited.inc({ limit });
  }

  callSetupEnded(end: CallSetupEnd): void {
    this.#callSetups.inc({ outcome: setupOutcome(end) });
  }

  turnCredentialIssued(event: EventLabel): void {
    this.#turnCredentials.inc({ event });
  }

  /** A relayed signal was emitted; `receivedAt` is the performance.now() of its arrival. */
  relayed(event: RelayEvent, receivedAt: number): void {
    this.#relayLatency.observe({ event }, (performance.now() - receivedAt) / 1000);
  }
}
