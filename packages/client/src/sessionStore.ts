import { PeerIdSchema, SessionGrantSchema, type PeerId, type SessionGrant } from '@parley/protocol';
import * as z from 'zod/mini';

/** What the SDK keeps to resume a session after a page reload. */
export interface StoredSession {
  readonly peer: PeerId;
  readonly name: string;
  readonly grant: SessionGrant;
}

/**
 * Where resume tokens survive a page reload. The default keeps them in
 * `sessionStorage` (per tab, gone when the tab closes, never sent to a
 * server by the browser); pass `sessionStore: null` to keep nothing.
 */
export interface SessionStore {
  load(room: string): StoredSession | null;
  save(room: string, session: StoredSession): void;
  clear(room: string): void;
}

const StoredSessionSchema = z.object({
  peer: PeerIdSchema,
  name: z.string().check(z.minLength(1), z.maxLength(64)),
  grant: SessionGrantSchema,
});

const KEY_PREFIX = 'parley.session.';

/** A SessionStore over a Web Storage object (sessionStorage by default). */
export function webStorageSessionStore(storage: Storage): SessionStore {
  return {
    load(room) {
      let raw: string | null;
      try {
        raw = storage.getItem(KEY_PREFIX + room);
      } catch {
        return null; // storage disabled (privacy mode)
      }
      if (raw === null) return null;
      try {
        const parsed = StoredSessionSchema.safeParse(JSON.parse(raw));
        if (parsed.success && parsed.data.grant.expiresAt > Date.now()) return parsed.data;
      } catch {
        // corrupt entry: forget it
      }
      this.clear(room);
      return null;
    },
    save(room, session) {
      try {
        storage.setItem(KEY_PREFIX + room, JSON.stringify(session));
      } catch {
        // quota or disabled storage: resume after a reload is then not possible
      }
    },
    clear(room) {
      try {
        storage.removeItem(KEY_PREFIX + room);
      } catch {
        // nothing to clear
      }
    },
  };
}

/** sessionStorage when the page has it, else nothing is kept. */
export function defaultSessionStore(): SessionStore | null {
  try {
    if (typeof sessionStorage !== 'undefined') return webStorageSessionStore(sessionStorage);
  } catch {
    // access denied (sandboxed iframe)
  }
  return null;
}
