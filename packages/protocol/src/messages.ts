import * as z from 'zod/mini';
import { CallIdSchema, DisplayNameSchema, PeerIdSchema, RoomIdSchema } from './ids.js';
import { Limits } from './limits.js';
import {
  CallEndReasonSchema,
  CallInfoSchema,
  ChatMessageSchema,
  IceCandidateSchema,
  IceConfigSchema,
  MediaStateSchema,
  PeerInfoSchema,
  PeerLeftReasonSchema,
  RoomOptionsSchema,
  PeerConnectionSchema,
  RoomAccessSchema,
  RoomPasswordSchema,
  RoomRoleSchema,
  RoomStatusSchema,
  SessionDescriptionSchema,
  SessionGrantSchema,
  WaitingGuestSchema,
} from './models.js';

/*
 * One schema per message, per direction. Inbound client messages are
 * `strict()`: an unknown field is an error, not silently ignored, so a
 * client cannot smuggle e.g. a `from` field into a relayed message.
 */

// ---- client -> server -------------------------------------------------------

export const RoomCheckSchema = z.strictObject({ room: RoomIdSchema });
export const RoomJoinSchema = z.strictObject({
  room: RoomIdSchema,
  name: DisplayNameSchema,
  media: z.optional(z.strictObject(MediaStateSchema.shape)),
  /** Used only when this join creates the room; see RoomOptionsSchema. */
  options: z.optional(z.strictObject(z.partial(RoomOptionsSchema).shape)),
  /**
   * Entering a room with a password: the password. Creating a room: its
   * password (optional). Sent in the message, never in a URL.
   */
  password: z.optional(RoomPasswordSchema),
  /** Creating a room: guests wait until a host admits them. */
  waitingRoom: z.optional(z.boolean()),
});
/** A host admits or turns away someone in the waiting room. */
export const WaitingDecisionSchema = z.strictObject({ id: PeerIdSchema });
/** A host sends a participant out of the room (it needs admission to come back). */
export const RoomRemoveSchema = z.strictObject({ peer: PeerIdSchema });
/** A host switches the waiting room on or off. */
export const RoomWaitingSchema = z.strictObject({ enabled: z.boolean() });
/** A member sets, changes (a string) or removes (null) the room's password. */
export const RoomSetPasswordSchema = z.strictObject({ password: z.nullable(RoomPasswordSchema) });
/** A member locks the room (nobody new gets in) or opens it again. */
export const RoomLockSchema = z.strictObject({ locked: z.boolean() });
export const RoomLeaveSchema = z.strictObject({});
/**
 * Come back as the same participant after the connection dropped (or the
 * server restarted): the token from the join result / the last session:token.
 * `room` and `peer` must be the ones the token names.
 */
export const SessionResumeSchema = z.strictObject({
  room: RoomIdSchema,
  peer: PeerIdSchema,
  token: z.string().check(z.minLength(1), z.maxLength(Limits.RESUME_TOKEN_MAX)),
  /** What we send now (mute, camera, screen) so the room sees the same media state. */
  media: z.optional(z.strictObject(MediaStateSchema.shape)),
  /**
   * The client lost its peer connections (a page reload): the other members
   * of its call connect to it anew instead of waiting for the old ones.
   */
  reloaded: z.optional(z.boolean()),
});
export const EmptyRequestSchema = z.strictObject({});
export const MediaUpdateSchema = z.strictObject(MediaStateSchema.shape);
export const CallInviteSchema = z.strictObject({ to: PeerIdSchema });
export const CallRefSchema = z.strictObject({ callId: CallIdSchema });
export const SignalDescriptionSchema = z.strictObject({
  callId: CallIdSchema,
  to: PeerIdSchema,
  description: z.strictObject({
    ...SessionDescriptionSchema.shape,
    sdp: z.string().check(z.maxLength(Limits.SDP_MAX)),
  }),
});
export const SignalCandidateSchema = z.strictObject({
  callId: CallIdSchema,
  to: PeerIdSchema,
  candidate: z.nullable(
    z.strictObject({
      ...IceCandidateSchema.shape,
      candidate: z.string().check(z.maxLength(Limits.CANDIDATE_MAX)),
    }),
  ),
});
export const IceRefreshSchema = z.strictObject({});
/** Chat text: trimmed, 1..CHAT_TEXT_MAX characters, plain text. */
export const ChatSendSchema = z.strictObject({
  text: z
    .string()
    .check(z.trim(), z.minLength(1, 'message is empty'), z.maxLength(Limits.CHAT_TEXT_MAX)),
  /**
   * Chosen by the client once per message and sent again with a retry (the
   * connection dropped before the answer): the server stores and relays a
   * message once per sender and nonce, and answers a retry with the stored one.
   */
  nonce: z.optional(z.string().check(z.minLength(8), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/))),
});

export const ClientMessageSchemas = {
  'room:check': RoomCheckSchema,
  'room:join': RoomJoinSchema,
  'room:leave': RoomLeaveSchema,
  'room:set-password': RoomSetPasswordSchema,
  'room:lock': RoomLockSchema,
  'room:waiting': RoomWaitingSchema,
  'room:remove': RoomRemoveSchema,
  'waiting:admit': WaitingDecisionSchema,
  'waiting:deny': WaitingDecisionSchema,
  'session:resume': SessionResumeSchema,
  /** A fresh resume token before the current one expires. */
  'session:renew': EmptyRequestSchema,
  /**
   * The page is going away (pagehide): when this connection drops, keep the
   * seat only for a short grace (a reload comes back within it; a closed tab
   * is seen as gone within seconds instead of RESUME_GRACE_MS).
   */
  'session:closing': EmptyRequestSchema,
  'media:update': MediaUpdateSchema,
  /**
   * Ring `to` into a call. When the inviter is in the room's ongoing call,
   * `to` is rung into that call (a room has at most one call); otherwise a
   * new call starts. A callee already in the room's call answers BUSY.
   */
  'call:invite': CallInviteSchema,
  /** Join the room's ongoing call without being rung (CALL_FULL past MESH_MAX_PARTICIPANTS). */
  'call:join': CallRefSchema,
  'call:accept': CallRefSchema,
  'call:decline': CallRefSchema,
  'call:cancel': CallRefSchema,
  'call:hangup': CallRefSchema,
  'signal:description': SignalDescriptionSchema,
  'signal:candidate': SignalCandidateSchema,
  'ice:refresh': IceRefreshSchema,
  'chat:send': ChatSendSchema,
} as const;
export type ClientEventName = keyof typeof ClientMessageSchemas;
export type ClientMessage<E extends ClientEventName> = z.input<(typeof ClientMessageSchemas)[E]>;
export type ParsedClientMessage<E extends ClientEventName> = z.output<
  (typeof ClientMessageSchemas)[E]
>;

// ---- acknowledgement data (server -> client, per request) -------------------

export const JoinResultSchema = z.object({
  room: RoomIdSchema,
  self: PeerInfoSchema,
  /** Everyone else already in the room. */
  peers: z.array(PeerInfoSchema),
  capacity: z.number().check(z.int(), z.positive()),
  /** ICE servers for this participant (short-lived TURN credentials). */
  ice: IceConfigSchema,
  options: RoomOptionsSchema,
  /** Password and lock state of the room. */
  access: RoomAccessSchema,
  /** Our role in the room (host: from a join token, or the room's creator). */
  role: RoomRoleSchema,
  /**
   * The room's call at the moment of joining (null = none). In a
   * joinCallOnEntry room the joiner is already one of its participants.
   */
  call: z.nullable(CallInfoSchema),
  /** Recent chat, oldest first (at most CHAT_HISTORY_MAX). */
  chat: z.array(ChatMessageSchema).check(z.maxLength(Limits.CHAT_HISTORY_MAX)),
  /** How to resume this session after a drop. */
  session: SessionGrantSchema,
  /**
   * Instant answer (INSTANT_ANSWER, on by default): while a call rings, its
   * members already connect (ICE + DTLS) without sending media, so an accept
   * has media at once. Absent or false: nothing crosses before accept.
   */
  instantAnswer: z.optional(z.boolean()),
});
export type JoinResult = z.infer<typeof JoinResultSchema>;

/** The room as it is now, for the member who resumed (same shape as a join). */
export const ResumeResultSchema = z.extend(JoinResultSchema, {
  /** The server had lost the room (restart) and rebuilt it from resume tokens. */
  restored: z.boolean(),
});
export type ResumeResult = z.infer<typeof ResumeResultSchema>;

export const CallResultSchema = z.object({ call: CallInfoSchema });
export type CallResult = z.infer<typeof CallResultSchema>;

export const EmptyResultSchema = z.object({});

export const ChatResultSchema = z.object({ message: ChatMessageSchema });
export type ChatResult = z.infer<typeof ChatResultSchema>;
export type EmptyResult = z.infer<typeof EmptyResultSchema>;

export const AckDataSchemas = {
  'room:check': RoomStatusSchema,
  'room:join': JoinResultSchema,
  'room:leave': EmptyResultSchema,
  'room:set-password': RoomAccessSchema,
  'room:lock': RoomAccessSchema,
  'room:waiting': RoomAccessSchema,
  'room:remove': EmptyResultSchema,
  'waiting:admit': EmptyResultSchema,
  'waiting:deny': EmptyResultSchema,
  'session:resume': ResumeResultSchema,
  'session:renew': SessionGrantSchema,
  'session:closing': EmptyResultSchema,
  'media:update': EmptyResultSchema,
  'call:invite': CallResultSchema,
  'call:join': CallResultSchema,
  'call:accept': CallResultSchema,
  'call:decline': EmptyResultSchema,
  'call:cancel': EmptyResultSchema,
  'call:hangup': EmptyResultSchema,
  'signal:description': EmptyResultSchema,
  'signal:candidate': EmptyResultSchema,
  'ice:refresh': IceConfigSchema,
  'chat:send': ChatResultSchema,
} as const satisfies Record<ClientEventName, z.ZodMiniType>;
export type AckData<E extends ClientEventName> = z.infer<(typeof AckDataSchemas)[E]>;

// ---- server -> client notifications ----------------------------------------

export const PeerLeftSchema = z.object({ id: PeerIdSchema, reason: PeerLeftReasonSchema });
export const CallIncomingSchema = z.object({ call: CallInfoSchema, from: PeerInfoSchema });
export const CallUpdatedSchema = z.object({ call: CallInfoSchema });
export const CallEndedSchema = z.object({
  callId: CallIdSchema,
  reason: CallEndReasonSchema,
  /** The member whose action or departure ended the call, if any. */
  by: z.optional(PeerIdSchema),
});
export const RelayedDescriptionSchema = z.object({
  callId: CallIdSchema,
  from: PeerIdSchema,
  description: SessionDescriptionSchema,
});
export const RelayedCandidateSchema = z.object({
  callId: CallIdSchema,
  from: PeerIdSchema,
  candidate: z.nullable(IceCandidateSchema),
});
/** The room's call changed (or ended: call null); sent to every member of the room. */
export const RoomCallSchema = z.object({ call: z.nullable(CallInfoSchema) });
/** A member's connection went down (seat held) or came back. */
export const PeerConnectionChangedSchema = z.object({
  id: PeerIdSchema,
  connection: PeerConnectionSchema,
  /** It came back without its peer connections (page reload): connect to it anew. */
  reloaded: z.optional(z.boolean()),
});
/**
 * The server is shutting down (deploy, restart): keep the call, reconnect
 * after `retryInMs` (to this server once restarted, or another node) and
 * resume.
 */
export const ServerDrainingSchema = z.object({
  retryInMs: z.number().check(z.int(), z.nonnegative()),
});
export const ServerErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** The client event that caused it, when it was sent without an ack. */
  event: z.optional(z.string()),
});

export const ServerMessageSchemas = {
  'peer:joined': PeerInfoSchema,
  'peer:left': PeerLeftSchema,
  'peer:updated': PeerInfoSchema,
  'peer:connection': PeerConnectionChangedSchema,
  /** The room's password or lock changed (to every member). */
  'room:access': RoomAccessSchema,
  /** Who is in the waiting room (to hosts only, whenever it changes). */
  'waiting:updated': z.object({ waiting: z.array(WaitingGuestSchema).check(z.maxLength(100)) }),
  /** A host let us in: the room as a join result would give it. */
  'waiting:admitted': JoinResultSchema,
  /** A host did not let us in. */
  'waiting:denied': z.object({ reason: z.enum(['denied', 'room-closed']) }),
  /** A host sent us out of the room; the session is over. */
  'room:removed': z.object({ reason: z.literal('removed') }),
  /** A fresh resume token (what it names changed: e.g. we entered or left the call). */
  'session:token': SessionGrantSchema,
  'server:draining': ServerDrainingSchema,
  'call:incoming': CallIncomingSchema,
  'call:updated': CallUpdatedSchema,
  'call:ended': CallEndedSchema,
  'signal:description': RelayedDescriptionSchema,
  'signal:candidate': RelayedCandidateSchema,
  'room:call': RoomCallSchema,
  /** A chat message from another member (the sender gets its own in the ack). */
  'chat:message': ChatMessageSchema,
  'server:error': ServerErrorSchema,
} as const;
export type ServerEventName = keyof typeof ServerMessageSchemas;
export type ServerMessage<E extends ServerEventName> = z.infer<(typeof ServerMessageSchemas)[E]>;
