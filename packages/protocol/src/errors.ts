import * as z from 'zod/mini';

/**
 * Stable error codes sent on the wire. Codes are never renamed or reused:
 * the UI and embedding apps switch on them and translate them.
 */
export const ErrorCode = {
  /** The payload failed schema validation. */
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  /** A field (SDP, chat text, whole frame) is over its size limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** Too many messages in a short time from this connection. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The room already holds MAX_ROOM_SIZE participants. */
  ROOM_FULL: 'ROOM_FULL',
  /** The request needs the sender to have joined a room first. */
  NOT_IN_ROOM: 'NOT_IN_ROOM',
  /** The socket already joined a room; leave it first. */
  ALREADY_IN_ROOM: 'ALREADY_IN_ROOM',
  /** The target participant is not in the sender's room. */
  PEER_NOT_FOUND: 'PEER_NOT_FOUND',
  /** No such call, or the sender is not part of it. */
  CALL_NOT_FOUND: 'CALL_NOT_FOUND',
  /** The callee is already in (or ringing for) another call. */
  BUSY: 'BUSY',
  /** The call already has MESH_MAX_PARTICIPANTS members. */
  CALL_FULL: 'CALL_FULL',
  /** The request is not legal in the current call/room state. */
  INVALID_STATE: 'INVALID_STATE',
  /** The connection is not allowed (origin, credentials, token). */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The client speaks another protocol version. */
  PROTOCOL_VERSION_MISMATCH: 'PROTOCOL_VERSION_MISMATCH',
  /** A resume token that is not one of ours: malformed, forged or signed with another key. */
  RESUME_TOKEN_INVALID: 'RESUME_TOKEN_INVALID',
  /** A resume token past its expiry: join again. */
  RESUME_TOKEN_EXPIRED: 'RESUME_TOKEN_EXPIRED',
  /** A resume token for another room or another participant than the request names. */
  RESUME_TOKEN_MISMATCH: 'RESUME_TOKEN_MISMATCH',
  /** The session to resume has ended (left, or not back within RESUME_GRACE_MS): join again. */
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  /** The same session was resumed from another connection (e.g. a duplicated tab). */
  SESSION_REPLACED: 'SESSION_REPLACED',
  /** The server is shutting down or cannot serve now; retry (another node, or after restart). */
  UNAVAILABLE: 'UNAVAILABLE',
  /** The room has a password and none was given: ask for it. */
  PASSWORD_REQUIRED: 'PASSWORD_REQUIRED',
  /** The password was wrong (repeated tries get RATE_LIMITED with retryAfterMs). */
  WRONG_PASSWORD: 'WRONG_PASSWORD',
  /** The room is locked: nobody new gets in. */
  ROOM_LOCKED: 'ROOM_LOCKED',
  /**
   * Not an error of the request: the join put us in the waiting room. The
   * room is entered when a host admits us (waiting:admitted carries the
   * join result) or not (waiting:denied).
   */
  IN_WAITING_ROOM: 'IN_WAITING_ROOM',
  /** A host did not let us in (or sent us out of the room). */
  ENTRY_DENIED: 'ENTRY_DENIED',
  /** Only a host of the room may do this. */
  NOT_HOST: 'NOT_HOST',
  /** This server admits only holders of a join token (REQUIRE_JOIN_TOKEN). */
  JOIN_TOKEN_REQUIRED: 'JOIN_TOKEN_REQUIRED',
  /** The join token is not a JWT, or its claims are not a join token's. */
  JOIN_TOKEN_MALFORMED: 'JOIN_TOKEN_MALFORMED',
  /** The join token was signed with another key (or altered). */
  JOIN_TOKEN_BAD_SIGNATURE: 'JOIN_TOKEN_BAD_SIGNATURE',
  /** The join token uses another algorithm than HS256 (`alg: none` included). */
  JOIN_TOKEN_BAD_ALGORITHM: 'JOIN_TOKEN_BAD_ALGORITHM',
  /** The join token has expired: the app must mint a new one. */
  JOIN_TOKEN_EXPIRED: 'JOIN_TOKEN_EXPIRED',
  /** The join token is not valid yet (its not-before is in the future). */
  JOIN_TOKEN_NOT_YET_VALID: 'JOIN_TOKEN_NOT_YET_VALID',
  /** The join token is for another room. */
  JOIN_TOKEN_WRONG_ROOM: 'JOIN_TOKEN_WRONG_ROOM',
  /** The server failed; details are in the server log only. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ErrorCodeSchema = z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]);

export const ErrorPayloadSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string().check(z.maxLength(1000)),
  /** True when the same request may succeed if retried later. */
  retryable: z.optional(z.boolean()),
  /** When retryable: how long to wait before the next try. */
  retryAfterMs: z.optional(z.number().check(z.int(), z.nonnegative())),
});
export type ErrorPayload = z.infer<typeof ErrorPayloadSchema>;
