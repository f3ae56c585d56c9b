import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import {
  CallIdSchema,
  ErrorCode,
  Limits,
  PeerIdSchema,
  RoomIdSchema,
  RoomOptionsSchema,
  RoomRoleSchema,
  type SessionGrant,
} from '@parley/protocol';
import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * Resume tokens: what lets a participant come back as itself after its
 * connection dropped, even to a server that restarted and lost every room
 * (the in-memory store). The token is the participant's signed record of
 * its place: room (with the settings it was created with), participant id
 * and name, and the call it takes part in with that call's members, so a
 * restarted server rebuilds room and call from the tokens its members
 * present. Signed with HMAC-SHA256 under SESSION_SECRET; opaque to clients.
 *
 * Format: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256("v1." + claims))>`.
 */

const VERSION = 'v1';

/** A member of the call named in a token, enough to hold its seat until it resumes. */
const CallMemberClaimSchema = z.object({
  id: PeerIdSchema,
  name: z.string().min(1).max(Limits.DISPLAY_NAME_MAX),
  joinedAt: z.number().int().nonnegative(),
});

export const CallClaimSchema = z.object({
  id: CallIdSchema,
  initiator: PeerIdSchema,
  createdAt: z.number().int().nonnegative(),
  /** Participants (accepted or joined; never the ringing), the holder included. */
  members: z.array(CallMemberClaimSchema).min(1).max(64),
});
export type CallClaim = z.infer<typeof CallClaimSchema>;

/**
 * The room as its creator set it up. Access control (passwords, hosts,
 * waiting room) adds its fields here, so a rebuilt room is exactly as
 * guarded as the lost one and nobody who races in first can re-set it.
 */
export const RoomClaimSchema = z.object({
  createdAt: z.number().int().nonnegative(),
  createdBy: PeerIdSchema,
  options: RoomOptionsSchema,
  /**
   * The room's password hash (scrypt record). In the token it is sealed
   * (AES-256-GCM under a key derived from SESSION_SECRET): a member who got
   * in with a join token, without the password, must not be able to attack
   * the hash offline.
   */
  passwordHash: z.string().max(512).nullable().default(null),
  locked: z.boolean().default(false),
  waitingRoom: z.boolean().default(false),
  /** Sent out by a host: never taken back without admission, a restart included. */
  removed: z.array(PeerIdSchema).max(64).default([]),
});
export type RoomClaim = z.infer<typeof RoomClaimSchema>;

export const ResumeClaimsSchema = z.object({
  /** The state store's epoch when issued: an older one means the store lost its state since. */
  epoch: z.string().min(1).max(64),
  room: RoomIdSchema,
  peer: PeerIdSchema,
  name: z.string().min(1).max(Limits.DISPLAY_NAME_MAX),
  joinedAt: z.number().int().nonnegative(),
  /** Host status survives a reconnect and a restart. */
  role: z._default(RoomRoleSchema, 'guest'),
  roomClaim: RoomClaimSchema,
  call: CallClaimSchema.nullable(),
  /** Expiry, Unix ms. */
  exp: z.number().int().nonnegative(),
});
export type ResumeClaims = z.infer<typeof ResumeClaimsSchema>;

/** What the room knows about a participant; the token service adds epoch and expiry. */
export type SessionRecord = Omit<ResumeClaims, 'epoch' | 'exp'>;

export interface ResumeTokenOptions {
  /** SESSION_SECRET, at least 32 bytes. */
  readonly secret: Buffer;
  /** Lifetime of a token; clients renew before it ends (session:renew). */
  readonly ttlMs: number;
  /** RESUME_GRACE_MS, told to the client with each token. */
  readonly graceMs: number;
  readonly now?: () => number;
}

export class ResumeTokens {
  readonly #secret: Buffer;
  readonly #ttlMs: number;
  readonly #graceMs: number;
  readonly #now: () => number;
  /** The sealing key, derived once. */
  readonly #sealKey: Buffer;

  constructor(options: ResumeTokenOptions) {
    if (options.secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 bytes');
    this.#secret = options.secret;
    this.#ttlMs = options.ttlMs;
    this.#graceMs = options.graceMs;
    this.#now = options.now ?? Date.now;
    this.#sealKey = createHmac('sha256', this.#secret).update('parley resume-token seal').digest();
  }

  issue(record: SessionRecord, epoch: string): SessionGrant {
    const exp = this.#now() + this.#ttlMs;
    const hash = record.roomClaim.passwordHash ?? null;
    const claims: ResumeClaims = {
      ...record,
      roomClaim: { ...record.roomClaim, passwordHash: hash === null ? null : this.#seal(hash) },
      epoch,
      exp,
    };
    const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    const token = `${VERSION}.${body}.${this.#mac(body)}`;
    if (token.length > Limits.RESUME_TOKEN_MAX) {
      // Cannot happen within the schema's bounds (64 members of 40-character names).
      throw new AppError(ErrorCode.INTERNAL, 'resume token too large');
    }
    return { token, expiresAt: exp, graceMs: this.#graceMs };
  }

  /**
   * The claims of a token this server signed. RESUME_TOKEN_INVALID for
   * anything malformed, forged or signed with another secret;
   * RESUME_TOKEN_EXPIRED once past its expiry. The signature is checked
   * before anything in the token is believed.
   */
  verify(token: string): ResumeClaims {
    const invalid = () => new AppError(ErrorCode.RESUME_TOKEN_INVALID, 'invalid resume token');
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) throw invalid();
    const [, body = '', mac = ''] = parts;
    const expected = Buffer.from(this.#mac(body), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    const claims = ResumeClaimsSchema.safeParse(json);
    if (!claims.success) throw invalid();
    if (claims.data.exp <= this.#now()) {
      throw new AppError(ErrorCode.RESUME_TOKEN_EXPIRED, 'resume token expired: join again');
    }
    const sealed = claims.data.roomClaim.passwordHash;
    const passwordHash = sealed === null ? null : this.#unseal(sealed);
    if (sealed !== null && passwordHash === null) throw invalid();
    return { ...claims.data, roomClaim: { ...claims.data.roomClaim, passwordHash } };
  }

  /** AES-256-GCM under a key of its own, derived from the secret: `iv.ciphertext.tag`. */
  #seal(text: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#sealKey, iv);
    const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return [iv, data, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
  }

  #unseal(sealed: string): string | null {
    const [iv, data, tag] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    if (!iv || !data || !tag || iv.length !== 12 || tag.length !== 16) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#sealKey, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#secret).update(`${VERSION}.${body}`).digest('base64url');
  }
}
