import { ClientMessageSchemas, ErrorCode, type ClientEventName } from '@parley/protocol';

/**
 * Label values for signaling metrics. Every value comes from a fixed list
 * the server knows, never from the client: an event name is any string a
 * client cares to send, and a label per distinct value would let one hostile
 * socket create series without bound (memory on this node and on the
 * Prometheus server).
 */

export const UNKNOWN = 'unknown';

export type EventLabel = ClientEventName | typeof UNKNOWN;
export type ErrorCodeLabel = ErrorCode | typeof UNKNOWN;

/** Every client event name, the label values of per-event metrics. */
export const CLIENT_EVENTS = Object.keys(ClientMessageSchemas) as readonly ClientEventName[];

const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** The event's name if it is one of the protocol's client events, else "unknown". */
export function eventLabel(event: unknown): EventLabel {
  return typeof event === 'string' && Object.hasOwn(ClientMessageSchemas, event)
    ? (event as ClientEventName)
    : UNKNOWN;
}

/**
 * The error code as sent. Codes are the server's own (AppError), so this is
 * only a guard against a code that is not in the protocol list.
 */
export function errorCodeLabel(code: string): ErrorCodeLabel {
  return ERROR_CODES.has(code) ? (code as ErrorCode) : UNKNOWN;
}
