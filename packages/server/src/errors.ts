import type { ErrorCode, ErrorPayload } from '@parley/protocol';

/**
 * A failure the client caused or may act on, with a stable wire code. The
 * handler wrapper turns it into `{ ok: false, error }`; anything that is not an
 * AppError becomes INTERNAL with a generic message (details stay in the log).
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** True when the same request may succeed later (room full, rate limited). */
    readonly retryable?: boolean,
    /** How long to wait before retrying (a rate limit). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  toPayload(): ErrorPayload {
    return {
      code: this.code,
      message: this.message,
      ...(this.retryable === undefined ? {} : { retryable: this.retryable }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
    };
  }
}
