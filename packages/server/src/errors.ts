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
  ) {
    super(message);
  }

  toPayload(): ErrorPayload {
    return this.retryable === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryable: this.retryable };
  }
}
