import {
  ClientMessageSchemas,
  ErrorCode,
  classifyValidationError,
  type AckResponse,
  type ClientEventName,
  type ErrorPayload,
} from '@parley/protocol';
import { AppError } from '../errors.js';
import { eventLabel, type EventLabel } from '../metrics/labels.js';
import { issuesTurnCredential } from '../metrics/turnCredentials.js';
import { logsAt } from './socketContext.js';
import type { Handler, HandlerMap, Inbound, RequestContext } from './types.js';

/** What the wrapper needs from the connection it serves. */
export interface InboundConnection {
  readonly ctx: RequestContext;
  /** Rate limit: false when this message is over the socket's budget. */
  allow(): boolean;
  /** Run `task` after every earlier message of this socket has been handled. */
  enqueue(task: () => Promise<void> | void): void;
  /**
   * The same, but `task` may start before the call returns when nothing of
   * this socket is pending (the order is kept either way).
   */
  runNow(task: () => Promise<void> | void): void;
}

type AckFn = (res: AckResponse<unknown>) => void;

/** Longest event name echoed back in server:error (names are client-chosen). */
const EVENT_ECHO_MAX = 64;

/**
 * Events handled as soon as they arrive when the socket has nothing
 * pending: the relayed signals, the bulk of the traffic. Their handlers
 * create no state of the sender's and answer without waiting when the
 * rooms live in this process, so a signal costs no promise and no queue hop.
 */
const RUN_NOW: ReadonlySet<string> = new Set<ClientEventName>([
  'signal:description',
  'signal:candidate',
]);

function isClientEvent(event: string): event is ClientEventName {
  return Object.hasOwn(ClientMessageSchemas, event);
}

/** Socket.IO puts the ack callback last when the client asked for one. */
export function splitArgs(args: readonly unknown[]): { payloads: unknown[]; ack: AckFn | null } {
  const last = args.at(-1);
  if (typeof last === 'function') {
    return { payloads: args.slice(0, -1), ack: last as AckFn };
  }
  return { payloads: [...args], ack: null };
}

function toErrorPayload(err: unknown, ctx: RequestContext, event: string): ErrorPayload {
  if (err instanceof AppError) return err.toPayload();
  ctx.log.error({ err, event }, 'signaling handler failed');
  return { code: ErrorCode.INTERNAL, message: 'internal server error' };
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return value instanceof Promise;
}

/** One inbound message: what arrived, when, and how to answer it (no closures). */
class InboundRequest {
  /** What the handler learns besides the payload. */
  readonly inbound: Inbound = { receivedAt: performance.now() };
  readonly label: EventLabel;
  readonly ack: AckFn | null;
  /** Payload arguments: everything before the ack. */
  readonly count: number;

  constructor(
    readonly ctx: RequestContext,
    readonly event: unknown,
    readonly args: readonly unknown[],
  ) {
    const last = args.length > 0 ? args[args.length - 1] : undefined;
    this.ack = typeof last === 'function' ? (last as AckFn) : null;
    this.count = this.ack === null ? args.length : args.length - 1;
    // Metrics and logs name the event only if the protocol knows it (bounded).
    this.label = eventLabel(event);
  }

  /** Validate, run the handler, answer. Returns a promise only if the handler went async. */
  handle(handlers: HandlerMap, event: ClientEventName): Promise<void> | void {
    if (!this.ctx.socket.connected) return; // disconnected while queued
    try {
      const data = this.dispatch(handlers, event);
      if (isPromise(data)) {
        return data
          .then((d) => this.succeeded(event, d))
          .catch((err: unknown) => this.failed(err, event));
      }
      this.succeeded(event, data);
    } catch (err) {
      this.failed(err, event);
    }
  }

  private dispatch(handlers: HandlerMap, event: ClientEventName): unknown {
    if (this.count !== 1) {
      throw new AppError(
        ErrorCode.INVALID_MESSAGE,
        `payload: expected exactly one payload object, got ${this.count} arguments`,
      );
    }
    const parsed = ClientMessageSchemas[event].safeParse(this.args[0]);
    if (!parsed.success) {
      const { code, message } = classifyValidationError(parsed.error);
      throw new AppError(code, message);
    }
    // The schema for `event` produced `parsed.data`, so it fits `handlers[event]`;
    // TypeScript cannot correlate the two through the union, hence the cast.
    const handler = handlers[event] as Handler<ClientEventName>;
    return handler(this.ctx, parsed.data as never, this.inbound);
  }

  private succeeded(event: ClientEventName, data: unknown): void {
    if (issuesTurnCredential(data)) this.ctx.metrics.turnCredentialIssued(event);
    this.reply({ ok: true, data });
  }

  private failed(err: unknown, event: ClientEventName): void {
    const error = toErrorPayload(err, this.ctx, event);
    // The only limit a handler applies: room:join's wrong-password tries.
    if (error.code === ErrorCode.RATE_LIMITED) this.ctx.metrics.rateLimited('password');
    this.reply({ ok: false, error });
  }

  fail(code: ErrorPayload['code'], message: string, retryable?: boolean): void {
    this.reply({ ok: false, error: new AppError(code, message, retryable).toPayload() });
  }

  reply(res: AckResponse<unknown>): void {
    const { ctx } = this;
    if (!res.ok) ctx.metrics.error(this.label, res.error.code);
    // Never the payload: it may hold SDP, candidates, tokens or a password.
    // (Checked first: this runs for every message, and trace is usually off.)
    if (logsAt(ctx, 'trace')) {
      ctx.log.trace(
        {
          event: this.label,
          ...(res.ok ? {} : { code: res.error.code }),
          ms: Math.round((performance.now() - this.inbound.receivedAt) * 1000) / 1000,
        },
        res.ok ? 'signaling request handled' : 'signaling request refused',
      );
    }
    if (this.ack) {
      this.ack(res);
    } else if (!res.ok && ctx.socket.connected) {
      // Everything from the wire is checked, the event name too (any JSON value).
      const { event } = this;
      ctx.socket.emit('server:error', {
        code: res.error.code,
        message: res.error.message,
        ...(typeof event === 'string' ? { event: event.slice(0, EVENT_ECHO_MAX) } : {}),
      });
    }
  }
}

/**
 * The one entry point for every inbound event: rate limit, validate, run the
 * handler, answer. Nothing thrown by a handler escapes; every request gets
 * exactly one answer: through its ack if it has one, otherwise (failures
 * only) as `server:error`.
 */
export function handleInbound(
  conn: InboundConnection,
  handlers: HandlerMap,
  event: unknown,
  args: readonly unknown[],
): void {
  const { ctx } = conn;
  // Nothing runs for a socket that is gone: a packet that arrived in the same
  // write as its disconnect must not create state nobody will clean up.
  if (!ctx.socket.connected) return;
  const request = new InboundRequest(ctx, event, args);
  ctx.metrics.message(request.label);

  // Checked on arrival, before queueing, so a flood cannot grow the queue.
  if (!conn.allow()) {
    ctx.metrics.rateLimited('messages');
    request.fail(ErrorCode.RATE_LIMITED, 'too many messages: slow down', true);
    return;
  }
  if (typeof event !== 'string') {
    request.fail(ErrorCode.INVALID_MESSAGE, 'the event name must be a string');
    return;
  }
  if (!isClientEvent(event)) {
    request.fail(ErrorCode.INVALID_MESSAGE, 'unknown event');
    return;
  }
  if (RUN_NOW.has(event)) conn.runNow(() => request.handle(handlers, event));
  else conn.enqueue(() => request.handle(handlers, event));
}
