import * as z from 'zod/mini';
import { CallIdSchema, DisplayNameSchema, PeerIdSchema, RoomIdSchema } from './ids.js';
import { Limits } from './limits.js';

/**
 * MediaStream ids as browsers make them (Chromium: a UUID; Firefox: a UUID in
 * braces). They travel in SDP `a=msid` lines, so the remote side sees the same
 * id in `RTCTrackEvent.streams[0].id`.
 */
export const StreamIdSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9{}_-]+$/));

/**
 * What a participant currently sends: microphone (mute state), camera, and
 * the id of the MediaStream that carries a screen share (null = not sharing),
 * so that receivers can tell the screen track from the camera track.
 * `screen` may be omitted by a sender (defaults to null).
 */
export const MediaStateSchema = z.object({
  audio: z.boolean(),
  video: z.boolean(),
  screen: z._default(z.nullable(StreamIdSchema), null),
});
export type MediaState = z.infer<typeof MediaStateSchema>;

/**
 * A member's signaling connection as the server sees it: 'connected', or
 * 'reconnecting' while its socket is down and the server holds its seat
 * (and its place in the call) for RESUME_GRACE_MS. A reconnecting member is
 * not gone: its media may well still flow peer to peer.
 */
export const PeerConnectionSchema = z.enum(['connected', 'reconnecting']);
export type PeerConnection = z.infer<typeof PeerConnectionSchema>;

export const PeerInfoSchema = z.object({
  id: PeerIdSchema,
  name: DisplayNameSchema,
  media: MediaStateSchema,
  /** Server time (ms since epoch) when the participant joined. */
  joinedAt: z.number().check(z.int(), z.nonnegative()),
  connection: PeerConnectionSchema,
});
export type PeerInfo = z.infer<typeof PeerInfoSchema>;

/** ICE server entry as RTCPeerConnection expects it. */
export const IceServerSchema = z.object({
  urls: z.union([
    z.string().check(z.maxLength(512)),
    z.array(z.string().check(z.maxLength(512))).check(z.maxLength(16)),
  ]),
  username: z.optional(z.string().check(z.maxLength(512))),
  credential: z.optional(z.string().check(z.maxLength(512))),
});
export type IceServer = z.infer<typeof IceServerSchema>;

export const IceConfigSchema = z.object({
  iceServers: z.array(IceServerSchema).check(z.maxLength(16)),
  /** Unix time (ms) after which TURN credentials are stale; null = no TURN. */
  expiresAt: z.nullable(z.number().check(z.int())),
});
export type IceConfig = z.infer<typeof IceConfigSchema>;

/**
 * Server-side call object. A call has members in two sets: `participants`
 * have accepted (or started) the call, `invited` are ringing. The server is
 * authoritative; the SDK mirrors it.
 */
export const CallStateSchema = z.enum(['ringing', 'active']);
export type CallState = z.infer<typeof CallStateSchema>;

export const CallInfoSchema = z.object({
  id: CallIdSchema,
  room: RoomIdSchema,
  initiator: PeerIdSchema,
  state: CallStateSchema,
  participants: z.array(PeerIdSchema),
  invited: z.array(PeerIdSchema),
  createdAt: z.number().check(z.int(), z.nonnegative()),
});
export type CallInfo = z.infer<typeof CallInfoSchema>;

/**
 * Why a call ended, or why one member's part in it ended.
 * - declined: the callee said no
 * - busy: the callee was in another call
 * - missed: nobody answered before RING_TIMEOUT_MS
 * - cancelled: the caller gave up before an answer
 * - hung-up: a member ended an active call
 * - left: a member left the room
 * - disconnected: a member's connection dropped
 * - failed: media could not be established
 */
export const CallEndReasonSchema = z.enum([
  'declined',
  'busy',
  'missed',
  'cancelled',
  'hung-up',
  'left',
  'disconnected',
  'failed',
]);
export type CallEndReason = z.infer<typeof CallEndReasonSchema>;

/** removed: a host sent the member out (it needs admission to come back). */
export const PeerLeftReasonSchema = z.enum(['left', 'disconnected', 'removed']);
export type PeerLeftReason = z.infer<typeof PeerLeftReasonSchema>;

export const SessionDescriptionSchema = z.object({
  type: z.enum(['offer', 'answer']),
  sdp: z.string(),
});
export type SessionDescription = z.infer<typeof SessionDescriptionSchema>;

/** RTCIceCandidateInit; `null` on the wire means end-of-candidates. */
export const IceCandidateSchema = z.object({
  candidate: z.string(),
  sdpMid: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
  sdpMLineIndex: z.optional(z.nullable(z.number().check(z.int(), z.gte(0), z.lte(64)))),
  usernameFragment: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
});
export type IceCandidate = z.infer<typeof IceCandidateSchema>;

/**
 * Options a room gets from the member who creates it (its first join); later
 * joiners' options are ignored and they learn the room's from the join result.
 * - joinCallOnEntry: a meeting link: every member is in the room's call as
 *   soon as they enter (no ringing); the call starts when a second member
 *   enters and lasts while two or more remain.
 */
export const RoomOptionsSchema = z.object({
  joinCallOnEntry: z.boolean(),
});
export type RoomOptions = z.infer<typeof RoomOptionsSchema>;

/**
 * A room's password (chosen by whoever creates it or a member later):
 * never trimmed, never stored or logged in clear, never in a URL.
 */
export const RoomPasswordSchema = z
  .string()
  .check(z.minLength(1, 'password is empty'), z.maxLength(128));

/**
 * A member's role. Hosts come from a join token, or created the room (when
 * the server takes no join tokens); later: hosts admit guests from the
 * waiting room and may remove participants.
 */
export const RoomRoleSchema = z.enum(['host', 'guest']);
export type RoomRole = z.infer<typeof RoomRoleSchema>;

/** Who gets in: a password, or nobody new at all (locked). Members see it; the lobby asks. */
export const RoomAccessSchema = z.object({
  passwordRequired: z.boolean(),
  locked: z.boolean(),
  /** Guests wait until a host admits them (set by the creator, a host, or a guest's join token). */
  waitingRoom: z.boolean(),
});

/** Someone in the waiting room, as hosts see them. */
export const WaitingGuestSchema = z.object({
  id: PeerIdSchema,
  name: DisplayNameSchema,
  /** Server time (ms) since when they wait. */
  since: z.number().check(z.int(), z.nonnegative()),
});
export type WaitingGuest = z.infer<typeof WaitingGuestSchema>;
export type RoomAccess = z.infer<typeof RoomAccessSchema>;

export const RoomStatusSchema = z.object({
  room: RoomIdSchema,
  exists: z.boolean(),
  participants: z.number().check(z.int(), z.nonnegative()),
  capacity: z.number().check(z.int(), z.positive()),
  full: z.boolean(),
  /** The room's options when it exists, null otherwise. */
  options: z.nullable(RoomOptionsSchema),
  /** Whether entering needs a password / is closed, when it exists. */
  access: z.nullable(RoomAccessSchema),
});
export type RoomStatus = z.infer<typeof RoomStatusSchema>;

/**
 * A chat message as the server relays and stores it: id, sender id and
 * sender name are stamped by the server, never taken from the client. The
 * text is plain text: clients must render it as text, never as HTML.
 */
export const ChatMessageSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  from: PeerIdSchema,
  name: z.string().check(z.maxLength(Limits.DISPLAY_NAME_MAX)),
  text: z.string().check(z.maxLength(Limits.CHAT_TEXT_MAX)),
  /** Server time (ms since epoch). */
  sentAt: z.number().check(z.int(), z.nonnegative()),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/**
 * What a member needs to resume its session after its connection dropped,
 * even on a restarted server: an opaque signed token (room, participant id,
 * call, expiry), refreshed by `session:token` whenever what it names changes.
 */
export const SessionGrantSchema = z.object({
  token: z.string().check(z.minLength(1), z.maxLength(Limits.RESUME_TOKEN_MAX)),
  /** Unix time (ms) after which the token is refused; renew it before (session:renew). */
  expiresAt: z.number().check(z.int(), z.nonnegative()),
  /** How long the server keeps a dropped member's seat (RESUME_GRACE_MS). */
  graceMs: z.number().check(z.int(), z.positive()),
});
export type SessionGrant = z.infer<typeof SessionGrantSchema>;
