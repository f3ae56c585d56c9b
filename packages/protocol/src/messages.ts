import { z } from 'zod';
import { CallIdSchema, DisplayNameSchema, PeerIdSchema, RoomIdSchema } from './ids.js';
import { Limits } from './limits.js';
import {
  CallEndReasonSchema,
  CallInfoSchema,
  IceCandidateSchema,
  IceConfigSchema,
  MediaStateSchema,
  PeerInfoSchema,
  PeerLeftReasonSchema,
  RoomStatusSchema,
  SessionDescriptionSchema,
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
  media: MediaStateSchema.optional(),
});
export const RoomLeaveSchema = z.strictObject({});
export const MediaUpdateSchema = MediaStateSchema.strict();
export const CallInviteSchema = z.strictObject({ to: PeerIdSchema });
export const CallRefSchema = z.strictObject({ callId: CallIdSchema });
export const SignalDescriptionSchema = z.strictObject({
  callId: CallIdSchema,
  to: PeerIdSchema,
  description: SessionDescriptionSchema.extend({
    sdp: z.string().max(Limits.SDP_MAX),
  }).strict(),
});
export const SignalCandidateSchema = z.strictObject({
  callId: CallIdSchema,
  to: PeerIdSchema,
  candidate: IceCandidateSchema.extend({
    candidate: z.string().max(Limits.CANDIDATE_MAX),
  })
    .strict()
    .nullable(),
});
export const IceRefreshSchema = z.strictObject({});

export const ClientMessageSchemas = {
  'room:check': RoomCheckSchema,
  'room:join': RoomJoinSchema,
  'room:leave': RoomLeaveSchema,
  'media:update': MediaUpdateSchema,
  'call:invite': CallInviteSchema,
  'call:accept': CallRefSchema,
  'call:decline': CallRefSchema,
  'call:cancel': CallRefSchema,
  'call:hangup': CallRefSchema,
  'signal:description': SignalDescriptionSchema,
  'signal:candidate': SignalCandidateSchema,
  'ice:refresh': IceRefreshSchema,
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
  capacity: z.number().int().positive(),
  /** ICE servers for this participant (short-lived TURN credentials). */
  ice: IceConfigSchema,
});
export type JoinResult = z.infer<typeof JoinResultSchema>;

export const CallResultSchema = z.object({ call: CallInfoSchema });
export type CallResult = z.infer<typeof CallResultSchema>;

export const EmptyResultSchema = z.object({});
export type EmptyResult = z.infer<typeof EmptyResultSchema>;

export const AckDataSchemas = {
  'room:check': RoomStatusSchema,
  'room:join': JoinResultSchema,
  'room:leave': EmptyResultSchema,
  'media:update': EmptyResultSchema,
  'call:invite': CallResultSchema,
  'call:accept': CallResultSchema,
  'call:decline': EmptyResultSchema,
  'call:cancel': EmptyResultSchema,
  'call:hangup': EmptyResultSchema,
  'signal:description': EmptyResultSchema,
  'signal:candidate': EmptyResultSchema,
  'ice:refresh': IceConfigSchema,
} as const satisfies Record<ClientEventName, z.ZodType>;
export type AckData<E extends ClientEventName> = z.infer<(typeof AckDataSchemas)[E]>;

// ---- server -> client notifications ----------------------------------------

export const PeerLeftSchema = z.object({ id: PeerIdSchema, reason: PeerLeftReasonSchema });
export const CallIncomingSchema = z.object({ call: CallInfoSchema, from: PeerInfoSchema });
export const CallUpdatedSchema = z.object({ call: CallInfoSchema });
export const CallEndedSchema = z.object({
  callId: CallIdSchema,
  reason: CallEndReasonSchema,
  /** The member whose action or departure ended the call, if any. */
  by: PeerIdSchema.optional(),
});
export const RelayedDescriptionSchema = z.object({
  callId: CallIdSchema,
  from: PeerIdSchema,
  description: SessionDescriptionSchema,
});
export const RelayedCandidateSchema = z.object({
  callId: CallIdSchema,
  from: PeerIdSchema,
  candidate: IceCandidateSchema.nullable(),
});
export const ServerErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** The client event that caused it, when it was sent without an ack. */
  event: z.string().optional(),
});

export const ServerMessageSchemas = {
  'peer:joined': PeerInfoSchema,
  'peer:left': PeerLeftSchema,
  'peer:updated': PeerInfoSchema,
  'call:incoming': CallIncomingSchema,
  'call:updated': CallUpdatedSchema,
  'call:ended': CallEndedSchema,
  'signal:description': RelayedDescriptionSchema,
  'signal:candidate': RelayedCandidateSchema,
  'server:error': ServerErrorSchema,
} as const;
export type ServerEventName = keyof typeof ServerMessageSchemas;
export type ServerMessage<E extends ServerEventName> = z.infer<(typeof ServerMessageSchemas)[E]>;
