import type * as z from 'zod/mini';
import { ErrorCode } from './errors.js';

/**
 * Turn a validation failure into a wire error code. A field over its size
 * limit is PAYLOAD_TOO_LARGE (so a client can tell "too big" from "wrong"),
 * anything else INVALID_MESSAGE. The message names the first bad field only:
 * never echo the payload back.
 */
/** Longest error text sent back: a short human hint, never the client's input. */
export const ERROR_MESSAGE_MAX = 200;
const PATH_SEGMENT_MAX = 32;
const PATH_SEGMENTS_MAX = 4;

/** A field path for the message, cut so that client-chosen keys cannot make it long. */
function describePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'payload';
  const segments = path.slice(0, PATH_SEGMENTS_MAX).map((p) => {
    const text = typeof p === 'symbol' ? 'symbol' : String(p);
    return text.length > PATH_SEGMENT_MAX ? `${text.slice(0, PATH_SEGMENT_MAX)}…` : text;
  });
  return segments.join('.') + (path.length > PATH_SEGMENTS_MAX ? '.…' : '');
}

export function classifyValidationError(error: z.core.$ZodError): {
  code: typeof ErrorCode.INVALID_MESSAGE | typeof ErrorCode.PAYLOAD_TOO_LARGE;
  message: string;
} {
  const tooBig = error.issues.find((i) => i.code === 'too_big' && i.origin === 'string');
  const first = tooBig ?? error.issues[0];
  const path = first ? describePath(first.path) : 'payload';
  // zod lists every unrecognized key in its message: say how many, not which.
  const detail = !first
    ? 'invalid'
    : first.code === 'unrecognized_keys'
      ? `${first.keys.length} unknown field(s)`
      : first.message;
  const message = `${path}: ${detail}`.slice(0, ERROR_MESSAGE_MAX);
  return { code: tooBig ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.INVALID_MESSAGE, message };
}
