import type {
  CallStatus,
  ConnectionState,
  ConnectionType,
  DeviceInfo,
  DeviceList,
  NetworkTestResult,
  ParleyClient,
  PeerQuality,
  SessionState,
} from '@parley/client';
import { ClientEvent } from '@parley/client';
import type { RoomOptions, RoomStatus } from '@parley/protocol';
import { inject, type InjectionKey } from 'vue';
import type { UiError } from '../i18n/describeError';
import { createAccessState } from './accessState';
import { createCallState } from './callState';
import { createChatState } from './chatState';
import { createMediaState } from './mediaState';
import { createNetworkTest } from './networkTest';
import { createNotices, toUiError } from './notices';
import { createRoomState, type RoomEntry } from './roomState';

/*
 * The app's one session with the SDK, composed from pieces that each own
 * one concern, in the spirit of the SDK's own split (Call, LocalMedia,
 * SignalingChannel):
 *
 *   roomState.ts    the room, ourselves, its members, options and call
 *   accessState.ts  password, lock, waiting room, role, host actions
 *   callState.ts    the current call, its streams and the call actions
 *   mediaState.ts   our camera, microphone, devices, screen and speaker
 *   chatState.ts    the room's chat and its unread count
 *   networkTest.ts  the STUN/TURN reachability check
 *   notices.ts      connection and session state, lost view, errors
 *
 * Each piece subscribes to the SDK events that only touch its own state;
 * this file wires the ones that touch several (entering and leaving a room,
 * the SDK's calls) and runs the session's lifecycle (connect, join, resume,
 * retry, leave). Components render the refs and call the actions returned
 * below and never subscribe to the client themselves.
 *
 * SDK objects (Call, MediaStream) live in shallowRefs only: a deep reactive
 * proxy around them would break identity checks inside the SDK and the
 * browser's own objects.
 */

export type {
  CallStatus,
  ConnectionState,
  ConnectionType,
  DeviceInfo,
  DeviceList,
  NetworkTestResult,
  PeerQuality,
  SessionState,
};
export type { CallUiState } from './callState';
export { toUiError };

/** An action that failed returns the error instead of throwing: the caller shows it. */
type Outcome = Promise<UiError | null>;

export function createParleySession(client: ParleyClient) {
  const rooms = createRoomState(client);
  const notices = createNotices(client, () => rooms.room.value);
  /** Password, lock, waiting room, role and host actions (accessState.ts). */
  const access = createAccessState(client);
  const media = createMediaState(client, notices.notice);
  const calls = createCallState(client, {
    participants: rooms.participants,
    peersById: rooms.peersById,
    notice: notices.notice,
    mediaError: media.mediaError,
  });
  const chat = createChatState(client, () => rooms.self.value?.id ?? null);
  const network = createNetworkTest(client, notices.notice);

  // ---- events that touch several pieces ------------------------------------------

  client.on(ClientEvent.RoomChanged, (current, me) => {
    if (current === null) {
      const was = rooms.room.value;
      resetRoomState();
      notices.roomGone(was);
      return;
    }
    notices.dismissLost();
    enterRoom({ room: current, self: me, options: client.roomOptions });
  });
  client.on(ClientEvent.IncomingCall, (incoming) => calls.trackCall(incoming));
  client.on(ClientEvent.CallChanged, (current) => {
    if (current) calls.trackCall(current);
    else calls.releaseCall();
  });

  /** We are in a room: every piece reads its part of it from the SDK. */
  function enterRoom(entry: RoomEntry): void {
    rooms.enter(entry);
    access.sync();
    chat.sync();
  }

  /** We are in no room: forget it, its call and the notices about it. */
  function resetRoomState(): void {
    notices.lobbyNotice.value = null;
    rooms.reset();
    access.reset();
    chat.reset();
    calls.reset();
    network.reset();
    notices.notice.value = null;
  }

  /** Follow the call the SDK kept (or rebuilt) across a join or a retry. */
  function resumeCall(): void {
    if (client.call) calls.trackCall(client.call);
  }

  // ---- the session's lifecycle -----------------------------------------------------

  async function ensureConnected(): Promise<void> {
    if (notices.connectionState.value !== 'connected') await client.connect();
  }

  /** The room's status for the lobby (exists? its options); null when it cannot be asked. */
  async function checkRoom(roomId: string): Promise<RoomStatus | null> {
    try {
      await ensureConnected();
      return await client.checkRoom(roomId);
    } catch {
      // The lobby only uses this as a hint; joining reports real problems.
      return null;
    }
  }

  /** `options` apply only when this join creates the room; `password` enters (or protects) it. */
  async function join(
    roomId: string,
    name: string,
    options: RoomOptions & { password?: string; waitingRoom?: boolean },
  ): Outcome {
    try {
      await ensureConnected();
      // No room check first: the join itself says ROOM_FULL, and a round
      // trip less is a faster entry (a meeting room's call starts with it).
      const result = await client.join(roomId, name, options);
      notices.dismissLost();
      resetRoomState();
      rooms.setCapacity(result.capacity);
      enterRoom({ room: result.room, self: result.self, options: result.options });
      resumeCall();
      return null;
    } catch (error) {
      const uiError = toUiError(error);
      if (uiError.code === 'ROOM_FULL') {
        // The message names the room's size: ask for it now (the lobby may not have yet).
        const max = (await checkRoom(roomId))?.capacity ?? rooms.capacity.value;
        if (max !== null) {
          rooms.setCapacity(max);
          uiError.params = { max };
        }
      }
      return uiError;
    }
  }

  /**
   * After a page reload: come back into `roomId` as the same participant if
   * this tab was in it (the SDK keeps the resume token in sessionStorage),
   * with the camera and microphone on first so the call gets our media.
   */
  async function resumeStored(roomId: string): Outcome {
    const name = client.storedSessionName(roomId);
    if (name === null || rooms.room.value !== null) return null;
    return notices.whileResuming(roomId, async () => {
      await media.startMedia();
      return join(roomId, name, { joinCallOnEntry: false });
    });
  }

  /** The "connection lost" view's retry: connect again and resume (or rejoin) the room. */
  function retryLost(): Outcome {
    return notices.whileRetrying(async () => {
      await client.retry();
      notices.dismissLost();
      resumeCall();
    });
  }

  async function leave(): Promise<void> {
    try {
      await client.leave();
    } catch (error) {
      // Leaving locally still succeeds: the server drops us when the socket goes.
      console.warn('Leave failed', error);
    }
    resetRoomState();
  }

  async function sendChat(text: string): Outcome {
    try {
      await chat.send(text);
      return null;
    } catch (error) {
      return toUiError(error);
    }
  }

  return {
    client,
    connectionState: notices.connectionState,
    room: rooms.room,
    capacity: rooms.capacity,
    self: rooms.self,
    participants: rooms.participants,
    peersById: rooms.peersById,
    roomOptions: rooms.roomOptions,
    roomAccess: access.roomAccess,
    role: access.role,
    waiting: access.waiting,
    roomCall: rooms.roomCall,
    joined: rooms.joined,
    call: calls.call,
    callState: calls.callState,
    endReason: calls.endReason,
    callPeer: calls.callPeer,
    remotePeer: calls.remotePeer,
    inCall: calls.inCall,
    inMediaCall: calls.inMediaCall,
    callMembers: calls.callMembers,
    remoteStreams: calls.remoteStreams,
    remoteScreens: calls.remoteScreens,
    activeSpeaker: calls.activeSpeaker,
    qualities: calls.qualities,
    connectionTypes: calls.connectionTypes,
    iceFailed: calls.iceFailed,
    localStream: media.localStream,
    screenStream: media.screenStream,
    screenShareSupported: media.screenShareSupported,
    audioOutputSupported: media.audioOutputSupported,
    mediaState: media.mediaState,
    mediaStarting: media.mediaStarting,
    mediaError: media.mediaError,
    devices: media.devices,
    cameraId: media.cameraId,
    micId: media.micId,
    speakerId: media.speakerId,
    chat,
    notice: notices.notice,
    lobbyNotice: notices.lobbyNotice,
    rejoining: notices.rejoining,
    sessionState: notices.sessionState,
    lostRoom: notices.lostRoom,
    retrying: notices.retrying,
    resumingRoom: notices.resumingRoom,
    networkTest: network.networkTest,
    networkTestRunning: network.networkTestRunning,

    connect: ensureConnected,
    checkRoom,
    startMedia: media.startMedia,
    refreshDevices: media.refreshDevices,
    join,
    resumeStored,
    retryLost,
    setRoomPassword: access.setRoomPassword,
    setRoomLocked: access.setRoomLocked,
    admit: access.admit,
    deny: access.deny,
    removeParticipant: access.removeParticipant,
    setWaitingRoom: access.setWaitingRoom,
    dismissLost: notices.dismissLost,
    leave,
    invite: calls.invite,
    joinCall: calls.joinCall,
    toggleScreenShare: media.toggleScreenShare,
    selectSpeaker: media.selectSpeaker,
    applyAudioOutput: media.applyAudioOutput,
    sendChat,
    accept: calls.accept,
    decline: calls.decline,
    cancel: calls.cancel,
    hangup: calls.hangup,
    setMicEnabled: media.setMicEnabled,
    setCameraEnabled: media.setCameraEnabled,
    switchCamera: media.switchCamera,
    switchMic: media.switchMic,
    runNetworkTest: network.runNetworkTest,
  };
}

export type ParleySession = ReturnType<typeof createParleySession>;

export const ParleySessionKey: InjectionKey<ParleySession> = Symbol('ParleySession');

/** The page's session, provided once by main.ts. */
export function useParley(): ParleySession {
  const session = inject(ParleySessionKey);
  if (!session) throw new Error('useParley() used outside the Parley app');
  return session;
}
