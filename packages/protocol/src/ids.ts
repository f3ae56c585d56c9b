import { z } from 'zod';
import { Limits } from './limits.js';

/**
 * Room ids are chosen by users (they appear in `/r/<room>` links), so they are
 * limited to URL-safe characters. Participant and call ids are server-assigned
 * random strings; clients never invent them.
 */
export const RoomIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(Limits.ROOM_ID_MAX)
  .regex(/^[A-Za-z0-9_-]+$/, 'room id may contain only letters, digits, "-" and "_"')
  .brand<'RoomId'>();
export type RoomId = z.infer<typeof RoomIdSchema>;

const serverId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const PeerIdSchema = serverId.brand<'PeerId'>();
export type PeerId = z.infer<typeof PeerIdSchema>;

export const CallIdSchema = serverId.brand<'CallId'>();
export type CallId = z.infer<typeof CallIdSchema>;

/**
 * Display names: trimmed, 1..40 characters, no control characters (they
 * would break layouts and logs). Unicode letters are welcome (e.g. Chinese).
 */
export const DisplayNameSchema = z
  .string()
  .transform((s) => s.replace(/\s+/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, 'name is empty')
      .max(Limits.DISPLAY_NAME_MAX, 'name is too long')
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f\u007f-\u009f]+$/, 'name contains control characters'),
  );
