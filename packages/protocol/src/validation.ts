import type { z } from 'zod';
import { ErrorCode } from './errors.js';

/**
 * Turn a validation failure into a wire error code. A field over its size
 * limit is PAYLOAD_TOO_LARGE (so a client can tell "too big" from "wrong"),
 * anything else INVALID_MESSAGE. The message names the first bad field only:
 * never echo the payload back.
 */
export function classifyValidationError(error: z.ZodError): {
  code: typeof ErrorCode.INVALID_MESSAGE | typeof ErrorCode.PAYLOAD_TOO_LARGE;
  message: string;
} {
  const tooBig = error.issues.find((i) => i.code === 'too_big' && i.origin === 'string');
  const first = tooBig ?? error.issues[0];
  const path = first && first.path.length > 0 ? first.path.join('.') : 'payload';
  const detail = first ? first.message : 'invalid';
  if (tooBig) {
    return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: `${path}: ${detail}` };
  }
  return { code: ErrorCode.INVALID_MESSAGE, message: `${path}: ${detail}` };
}
