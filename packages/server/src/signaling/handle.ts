import {
  ClientMessageSchemas,
  ErrorCode,
  classifyValidationError,
  type AckResponse,
  type ClientEventName,
  type ErrorPayload,
} from '@parley/protocol';
import { AppError } from '../errors.js';
import { eventLabel } from '../metrics/labels.js';
import { issuesTurnCredential } from '../metrics/turnCredentials.js';
import type { Handler, HandlerMap, Inbound, RequestContext } from './types.js';

/** What the wrapper needs from the connection it serves. */
export interface InboundConnection {
  readonly ctx: RequestContext;
  /** Rate limit: false when this message is over the socket's budget. */
  allow(): boolean;
  /** Run `task` after every earlier message of this socket has been handled. */
  enqueue(task: () => Promise<void>): void;
}

type AckFn = (res: AckResponse<unknown>) => void;

/** Longest event name echoed back in server:error (names are client-chosen). */
const EVENT_ECHO_MAX = 64;

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

async function run(
  handlers: HandlerMap,
  ctx: RequestContext,
  event: ClientEventName,
  payloads: unknown[],
  inbound: Inbound,
): Promise<unknown> {
  if (payloads.length !== 1) {
    throw new AppError(
      ErrorCode.INVALID_MESSAGE,
      `payload: expected exactly one payload object, got ${payloads.length} arguments`,
    );
  }
  const parsed = ClientMessageSchemas[event].safeParse(payloads[0]);
  if (!parsed.success) {
    const { code, message } = classifyValidationError(parsed.error);
    throw new AppError(code, message);
  }
  // The schema for `event` produced `parsed.data`, so it fits `handlers[event]`;
  // TypeScript cannot correlate the two through the union, hence the cast.
  const handler = handlers[event] as Handler<ClientEventName>;
  return handler(ctx, parsed.data as never, inbound);
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
  const inbound: Inbound = { receivedAt: performance.now() };
  const { payloads, ack } = splitArgs(args);
  // Everything from the wire is checked, the event name too (any JSON value).
  const eventName = typeof event === 'string' ? event.slice(0, EVENT_ECHO_MAX) : null;
  // Metrics and logs name the event only if the protocol knows it (bounded).
  const label = eventLabel(event);
  ctx.metrics.message(label);

  const reply = (res: AckResponse<unknown>): void => {
    if (!res.ok) ctx.metrics.error(label, res.error.code);
    // Never the payload: it may hold SDP, candidates, tokens or a password.
    // (Checked first: this runs for every message, and trace is usually off.)
    if (ctx.log.level === 'trace') {
      ctx.log.trace(
        {
          event: label,
          ...(res.ok ? {} : { code: res.error.code }),
          ms: Math.round((performance.now() - inbound.receivedAt) * 1000) / 1000,
        },
        res.ok ? 'signaling request handled' : 'signaling request refused',
      );
    }
    if (ack) {
      ack(res);
    } else if (!res.ok && ctx.socket.connected) {
      ctx.socket.emit('server:error', {
        code: res.error.code,
        message: res.error.message,
        ...(eventName === null ? {} : { event: eventName }),
      });
    }
  };
  const fail = (code: ErrorPayload['code'], message: string, retryable?: boolean): void =>
    reply({ ok: false, error: new AppError(code, message, retryable).toPayload() });

  // Checked on arrival, before queueing, so a flood cannot grow the queue.
  if (!conn.allow()) {
    ctx.metrics.rateLimited('messages');
    fail(ErrorCode.RATE_LIMITED, 'too many messages: slow down', true);
    return;
  }
  if (typeof event !== 'string') {
    fail(ErrorCode.INVALID_MESSAGE, 'the event name must be a string');
    return;
  }
  if (!isClientEvent(event)) {
    fail(ErrorCode.INVALID_MESSAGE, 'unknown event');
    return;
  }

  conn.enqueue(async () => {
    if (!ctx.socket.connected) return; // disconnected while queued
    try {
      const data = await run(handlers, ctx, event, payloads, inbound);
      if (issuesTurnCredential(data)) ctx.metrics.turnCredentialIssued(event);
      reply({ ok: true, data });
    } catch (err) {
      const error = toErrorPayload(err, ctx, event);
      // The only limit a handler applies: room:join's wrong-password tries.
      if (error.code === ErrorCode.RATE_LIMITED) ctx.metrics.rateLimited('password');
      reply({ ok: false, error });
    }
  });
}
