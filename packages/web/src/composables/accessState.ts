import { ClientEvent, ParleyError, type ParleyClient } from '@parley/client';
import type { PeerId, RoomAccess, RoomRole, WaitingGuest } from '@parley/protocol';
import { readonly, ref, shallowRef } from 'vue';
import type { UiError } from '../i18n/describeError';

/**
 * Who gets into the room, as the UI sees it: the room's password, lock and
 * waiting room, our role, and (hosts) who waits; with the actions that
 * change them. Split out of useParley, which composes it, so access control
 * lives in one piece next to the call, media and chat state.
 */
export function createAccessState(client: ParleyClient) {
  const roomAccess = shallowRef<RoomAccess | null>(null);
  /** Our role: hosts admit guests from the waiting room and may remove participants. */
  const role = ref<RoomRole | null>(null);
  /** Hosts: who waits to be let in. */
  const waiting = shallowRef<readonly WaitingGuest[]>([]);

  client.on(ClientEvent.RoomAccessChanged, (access) => {
    roomAccess.value = access;
  });
  client.on(ClientEvent.WaitingChanged, (list) => {
    waiting.value = list;
  });

  /** After a join/resume: read what the SDK knows. */
  function sync(): void {
    roomAccess.value = client.roomAccess;
    role.value = client.role;
    waiting.value = client.waiting;
  }

  function reset(): void {
    roomAccess.value = null;
    role.value = null;
    waiting.value = [];
  }

  /** Run an action; a failure comes back as the error to show. */
  async function run(action: () => Promise<unknown>): Promise<UiError | null> {
    try {
      await action();
      return null;
    } catch (error) {
      if (error instanceof ParleyError) return { code: error.code };
      console.error('Unexpected error', error);
      return { code: 'INTERNAL' };
    }
  }

  return {
    roomAccess,
    role: readonly(role),
    waiting,
    sync,
    reset,
    /** Set, change (a string) or remove (null) the room's password. */
    setRoomPassword: (password: string | null) => run(() => client.setRoomPassword(password)),
    setRoomLocked: (locked: boolean) => run(() => client.setRoomLocked(locked)),
    admit: (id: PeerId) => run(() => client.admit(id)),
    deny: (id: PeerId) => run(() => client.deny(id)),
    removeParticipant: (id: PeerId) => run(() => client.removeParticipant(id)),
    setWaitingRoom: (enabled: boolean) => run(() => client.setWaitingRoom(enabled)),
  };
}

export type AccessState = ReturnType<typeof createAccessState>;
