import * as z from 'zod/mini';
import { Limits } from './limits.js';

/**
 * Room ids are chosen by users (they appear in `/r/<room>` links), so they are
 * limited to URL-safe characters. Participant and call ids are server-assigned
 * random strings; clients never invent them.
 */
export const RoomIdSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1),
    z.maxLength(Limits.ROOM_ID_MAX),
    z.regex(/^[A-Za-z0-9_-]+$/, 'room id may contain only letters, digits, "-" and "_"'),
  )
  .brand<'RoomId'>();
export type RoomId = z.infer<typeof RoomIdSchema>;

const serverId = z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/));

export const PeerIdSchema = serverId.brand<'PeerId'>();
export type PeerId = z.infer<typeof PeerIdSchema>;

export const CallIdSchema = serverId.brand<'CallId'>();
export type CallId = z.infer<typeof CallIdSchema>;

/**
 * Display names: trimmed, 1..40 characters, no control characters (they
 * would break layouts and logs). Unicode letters are welcome (e.g. Chinese).
 */
export const DisplayNameSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((s: string) => s.replace(/\s+/g, ' ').trim()),
  ),
  z.string().check(
    z.minLength(1, 'name is empty'),
    z.maxLength(Limits.DISPLAY_NAME_MAX, 'name is too long'),
    // eslint-disable-next-line no-control-regex
    z.regex(/^[^\u0000-\u001f\u007f-\u009f]+$/, 'name contains control characters'),
  ),
);
