import {
  ClientEvent,
  ParleyError,
  type ConnectionState,
  type ParleyClient,
  type SessionState,
} from '@parley/client';
import { computed, readonly, ref, shallowRef } from 'vue';
import type { UiError } from '../i18n/describeError';

/**
 * What the UI tells the user about the connection and about failures: the
 * signaling and session state, the "reconnecting" banner, the "connection
 * lost" view (with its retry), a reload's resume, the room's notice and the
 * lobby's notice. Split out of useParley, which composes it, so every
 * message about "something went wrong" has one owner and one error mapping
 * (toUiError).
 */

/** An SDK failure as the UI shows it; anything that is not a ParleyError is a bug. */
export function toUiError(error: unknown): UiError {
  if (error instanceof ParleyError) return { code: error.code };
  console.error('Unexpected error', error);
  return { code: 'INTERNAL' };
}

/** `currentRoom` is the room the UI shows (roomState.ts): it decides where an error goes. */
export function createNotices(client: ParleyClient, currentRoom: () => string | null) {
  const connectionState = ref<ConnectionState>(client.connectionState);
  /** Our place in the room as the SDK keeps it (see SessionState). */
  const sessionState = ref<SessionState>(client.sessionState);
  /** Signaling is down: the room and the call are kept while the SDK resumes. */
  const rejoining = computed(() => sessionState.value === 'reconnecting');
  /** The room we lost (the session could not be resumed): offer a retry. */
  const lostRoom = ref<string | null>(null);
  const retrying = ref(false);
  /** A page reload is coming back into its room (the stored session). */
  const resumingRoom = ref<string | null>(null);
  /** The last asynchronous failure (server errors, failed call actions). */
  const notice = shallowRef<UiError | null>(null);
  /** Why the room was lost (shown in the lobby). */
  const lobbyNotice = shallowRef<UiError | null>(null);

  /*
   * A dropped connection keeps the room: the SDK holds room, members and
   * call (its media may well still flow) and resumes as the same
   * participant; the room view shows a "reconnecting" banner meanwhile. Only
   * a session that could not be resumed ends in 'lost', which shows the
   * "connection lost" view with a retry, never a silently frozen call.
   */
  client.on(ClientEvent.ConnectionStateChanged, (state) => {
    connectionState.value = state;
  });
  client.on(ClientEvent.SessionStateChanged, (state) => {
    const lostFrom = currentRoom() ?? client.room;
    sessionState.value = state;
    if (state === 'lost' && client.room === null && lostFrom !== null) lostRoom.value = lostFrom;
  });
  client.on(ClientEvent.Error, (error) => {
    const uiError = toUiError(error);
    // Trouble while signaling is down is the SDK retrying; it says so when it gives up.
    if (rejoining.value) return;
    if (currentRoom() === null) lobbyNotice.value = uiError;
    else notice.value = uiError;
  });

  /** The room went away under us (`was` is the room we were in). */
  function roomGone(was: string | null): void {
    if (was !== null && sessionState.value === 'reconnecting') lostRoom.value = was;
  }

  function dismissLost(): void {
    lostRoom.value = null;
  }

  /** The "connection lost" view's retry: one at a time; a failure comes back as the error. */
  async function whileRetrying(action: () => Promise<void>): Promise<UiError | null> {
    if (retrying.value) return null;
    retrying.value = true;
    try {
      await action();
      return null;
    } catch (error) {
      return toUiError(error);
    } finally {
      retrying.value = false;
    }
  }

  /** Show "coming back into `roomId`" while a reload resumes it. */
  async function whileResuming<T>(roomId: string, action: () => Promise<T>): Promise<T> {
    resumingRoom.value = roomId;
    try {
      return await action();
    } finally {
      resumingRoom.value = null;
    }
  }

  return {
    connectionState: readonly(connectionState),
    sessionState: readonly(sessionState),
    rejoining,
    lostRoom: readonly(lostRoom),
    retrying: readonly(retrying),
    resumingRoom: readonly(resumingRoom),
    notice,
    lobbyNotice,
    roomGone,
    dismissLost,
    whileRetrying,
    whileResuming,
  };
}

export type Notices = ReturnType<typeof createNotices>;
