import {
  DisplayNameSchema,
  ErrorCode,
  RoomIdSchema,
  RoomRoleSchema,
  type ErrorCode as ErrorCodeType,
} from '@parley/protocol';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * Join tokens: how an app with its own login lets its users into Parley
 * rooms. The app's backend signs a short-lived JWT (HS256, JOIN_TOKEN_SECRET)
 * naming the room, the display name and the role; the SDK sends it in the
 * Socket.IO handshake `auth` (never in a URL). Verified with `jose`, no
 * hand-written JWT code. Every way a token can be wrong has its own code.
 */

export const JoinRoleSchema = RoomRoleSchema;
export type JoinRole = z.infer<typeof JoinRoleSchema>;

export const JoinClaimsSchema = z.object({
  room: RoomIdSchema,
  name: DisplayNameSchema,
  role: JoinRoleSchema,
  /** Guests wait until a host admits them (the waiting room). */
  waitingRoom: z.boolean().optional(),
  exp: z.number(),
  nbf: z.number().optional(),
});
export type JoinClaims = z.infer<typeof JoinClaimsSchema>;

const ALGORITHM = 'HS256';

export function joinTokenKey(secret: string | Buffer): Uint8Array {
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret);
}

export interface MintOptions {
  readonly room: string;
  readonly name: string;
  readonly role: JoinRole;
  readonly waitingRoom?: boolean;
  /** Lifetime in seconds (default 10 minutes). */
  readonly ttlSeconds?: number;
  /** Not valid before this many seconds from now. */
  readonly notBeforeSeconds?: number;
}

/** For an app's backend (and `npm run token`): a join token for one person and one room. */
export async function mintJoinToken(
  secret: string | Buffer,
  options: MintOptions,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    room: options.room,
    name: options.name,
    role: options.role,
    ...(options.waitingRoom === undefined ? {} : { waitingRoom: options.waitingRoom }),
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + (options.ttlSeconds ?? 600));
  if (options.notBeforeSeconds !== undefined) jwt.setNotBefore(now + options.notBeforeSeconds);
  return jwt.sign(joinTokenKey(secret));
}

function refusal(code: ErrorCodeType, message: string): AppError {
  return new AppError(code, message);
}

/** The claims of a valid join token, or an AppError with the code that says what is wrong. */
export async function verifyJoinToken(token: unknown, key: Uint8Array): Promise<JoinClaims> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
    throw refusal(ErrorCode.JOIN_TOKEN_MALFORMED, 'the join token is not a JWT');
  }
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      requiredClaims: ['exp'],
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      throw refusal(ErrorCode.JOIN_TOKEN_EXPIRED, 'the join token has expired');
    }
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'nbf') {
      throw refusal(ErrorCode.JOIN_TOKEN_NOT_YET_VALID, 'the join token is not valid yet');
    }
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      throw refusal(ErrorCode.JOIN_TOKEN_BAD_SIGNATURE, 'the join token has a bad signature');
    }
    if (err instanceof errors.JOSEAlgNotAllowed) {
      throw refusal(ErrorCode.JOIN_TOKEN_BAD_ALGORITHM, 'join tokens must be signed with HS256');
    }
    throw refusal(ErrorCode.JOIN_TOKEN_MALFORMED, 'the join token is malformed');
  }
  const claims = JoinClaimsSchema.safeParse(payload);
  if (!claims.success) {
    throw refusal(ErrorCode.JOIN_TOKEN_MALFORMED, 'the join token lacks room, name or role');
  }
  return claims.data;
}
