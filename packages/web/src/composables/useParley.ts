import {
  CallEvent,
  ClientEvent,
  MediaEvent,
  ParleyError,
  type Call,
  type CallStatus,
  type ConnectionState,
  type ConnectionType,
  type DeviceInfo,
  type DeviceList,
  type NetworkTestResult,
  type ParleyClient,
  type PeerQuality,
  type SessionState,
} from '@parley/client';
import type {
  CallEndReason,
  CallInfo,
  MediaState,
  PeerId,
  PeerInfo,
  RoomOptions,
  RoomStatus,
} from '@parley/protocol';
import {
  computed,
  inject,
  readonly,
  ref,
  shallowRef,
  type InjectionKey,
  type ShallowRef,
} from 'vue';
import type { UiError } from '../i18n/describeError';
import { createAccessState } from './accessState';
import { createChatState } from './chatState';

/*
 * The only place the app listens to the SDK. SDK events become refs that
 * components render; components call the actions below and never subscribe
 * to the client themselves.
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
/** What the call-state element shows: no call yet, or the current/last call's state. */
export type CallUiState = 'idle' | CallStatus;

export function toUiError(error: unknown): UiError {
  if (error instanceof ParleyError) return { code: error.code };
  console.error('Unexpected error', error);
  return { code: 'INTERNAL' };
}

function copyMediaState(state: MediaState): MediaState {
  return { audio: state.audio, video: state.video, screen: state.screen };
}

/** Media failures where the microphone alone may still work. */
const AUDIO_ONLY_FALLBACK: ReadonlySet<string> = new Set([
  'MEDIA_DEVICE_NOT_FOUND',
  'MEDIA_DEVICE_IN_USE',
  'MEDIA_CONSTRAINTS',
]);

/** An action that failed returns the error instead of throwing: the caller shows it. */
type Outcome = Promise<UiError | null>;

export function createParleySession(client: ParleyClient) {
  const connectionState = ref<ConnectionState>(client.connectionState);
  const room = ref<string | null>(null);
  const capacity = ref<number | null>(null);
  const self = shallowRef<PeerInfo | null>(null);
  const participants = shallowRef<readonly PeerInfo[]>([]);
  const roomOptions = shallowRef<RoomOptions | null>(null);
  /** Password, lock, waiting room, role and host actions (accessState.ts). */
  const access = createAccessState(client);
  /** The room's call, also when we are not in it (others can see and join it). */
  const roomCall = shallowRef<CallInfo | null>(null);

  const call = shallowRef<Call | null>(null);
  const callState = ref<CallUiState>('idle');
  /** Why the last call ended; kept until the next call starts. */
  const endReason = ref<CallEndReason | null>(null);
  /** The other side of the current or last call (kept after they leave, for messages). */
  const callPeer = shallowRef<PeerInfo | null>(null);
  const remoteStreams = shallowRef<ReadonlyMap<PeerId, MediaStream>>(new Map());
  const connectionTypes = shallowRef<ReadonlyMap<PeerId, ConnectionType>>(new Map());
  const iceFailed = shallowRef<ReadonlySet<PeerId>>(new Set());
  /** The other participants of our call (self excluded), in the SDK's order. */
  const callMembers = shallowRef<readonly PeerId[]>([]);
  const remoteScreens = shallowRef<ReadonlyMap<PeerId, MediaStream>>(new Map());
  /** Who is speaking now (our own id when it is us); the SDK applies hysteresis. */
  const activeSpeaker = ref<PeerId | null>(null);
  const qualities = shallowRef<ReadonlyMap<PeerId, PeerQuality>>(new Map());

  const localStream = shallowRef<MediaStream | null>(client.media.stream);
  const mediaState = ref<MediaState>(copyMediaState(client.media.state));
  const mediaStarting = ref(false);
  const mediaError = shallowRef<UiError | null>(null);
  const screenStream = shallowRef<MediaStream | null>(client.media.screenStream);
  /** Phones (and old browsers) have no getDisplayMedia: no screen-share button there. */
  const screenShareSupported =
    typeof navigator !== 'undefined' &&
    typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  const audioOutputSupported = client.media.audioOutputSupported;
  const devices = shallowRef<DeviceList>({ audioinput: [], videoinput: [], audiooutput: [] });
  const cameraId = ref('');
  const micId = ref('');
  /** The chosen audio output; every audible media element applies it through the SDK. */
  const speakerId = ref(client.media.selectedDevices.audiooutput ?? '');

  /** The last asynchronous failure (server errors, failed call actions). */
  const notice = shallowRef<UiError | null>(null);
  /** Why the room was lost (shown in the lobby). */
  const lobbyNotice = shallowRef<UiError | null>(null);
  /** The connection dropped and the SDK is rejoining the room. */
  /** Our place in the room as the SDK keeps it (see SessionState). */
  const sessionState = ref<SessionState>(client.sessionState);
  /** Signaling is down: the room and the call are kept while the SDK resumes. */
  const rejoining = computed(() => sessionState.value === 'reconnecting');
  /** The room we lost (the session could not be resumed): offer a retry. */
  const lostRoom = ref<string | null>(null);
  const retrying = ref(false);
  /** A page reload is coming back into its room (the stored session). */
  const resumingRoom = ref<string | null>(null);
  const networkTest = shallowRef<NetworkTestResult | null>(null);
  const networkTestRunning = ref(false);

  const chat = createChatState(client, () => self.value?.id ?? null);

  const joined = computed(() => room.value !== null);
  /** The remote side with its latest media state (participants get peer:updated). */
  const remotePeer = computed<PeerInfo | null>(() => {
    const peer = callPeer.value;
    if (!peer) return null;
    return participants.value.find((p) => p.id === peer.id) ?? peer;
  });
  const inCall = computed(() => call.value !== null && callState.value !== 'ended');
  /** Connected (or connecting) to a call's media: the in-call view is up. */
  const inMediaCall = computed(() =>
    ['connecting', 'active', 'reconnecting'].includes(callState.value),
  );
  /** Room members by id, for names and media state of call members. */
  const peersById = computed(() => new Map(participants.value.map((p) => [p.id, p] as const)));

  // ---- client events ---------------------------------------------------------

  function syncParticipants(): void {
    participants.value = [...client.participants.values()];
  }

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
    const lostFrom = room.value ?? client.room;
    sessionState.value = state;
    if (state === 'lost' && client.room === null && lostFrom !== null) lostRoom.value = lostFrom;
  });
  client.on(ClientEvent.PeerConnectionChanged, syncParticipants);
  client.on(ClientEvent.RoomChanged, (current, me) => {
    if (current === null) {
      const was = room.value;
      resetRoomState();
      if (was !== null && sessionState.value === 'reconnecting') lostRoom.value = was;
      return;
    }
    lostRoom.value = null;
    room.value = current;
    self.value = me;
    roomOptions.value = client.roomOptions;
    access.sync();
    roomCall.value = client.roomCall;
    chat.sync();
    syncParticipants();
  });

  client.on(ClientEvent.RoomCallChanged, (info) => {
    roomCall.value = info;
  });
  client.on(ClientEvent.PeerJoined, syncParticipants);
  client.on(ClientEvent.PeerLeft, syncParticipants);
  client.on(ClientEvent.PeerUpdated, syncParticipants);
  client.on(ClientEvent.IncomingCall, (incoming) => trackCall(incoming));
  client.on(ClientEvent.CallChanged, (current) => {
    if (current) trackCall(current);
    else releaseCall();
  });
  client.on(ClientEvent.Error, (error) => {
    const uiError = toUiError(error);
    // Trouble while signaling is down is the SDK retrying; it says so when it gives up.
    if (rejoining.value) return;
    if (room.value === null) lobbyNotice.value = uiError;
    else notice.value = uiError;
  });

  client.media.on(MediaEvent.StreamChanged, (stream) => {
    localStream.value = stream;
  });
  client.media.on(MediaEvent.StateChanged, (state) => {
    mediaState.value = copyMediaState(state);
  });
  client.media.on(MediaEvent.DevicesChanged, (list) => {
    devices.value = list;
  });
  client.media.on(MediaEvent.ScreenChanged, (stream) => {
    screenStream.value = stream;
  });
  client.media.on(MediaEvent.AudioOutputChanged, () => {
    speakerId.value = client.media.selectedDevices.audiooutput ?? '';
  });

  // ---- call tracking -----------------------------------------------------------

  let detachCall: (() => void) | null = null;

  function updateMap<K, V>(target: ShallowRef<ReadonlyMap<K, V>>, key: K, value: V | null): void {
    const next = new Map(target.value);
    if (value === null) next.delete(key);
    else next.set(key, value);
    target.value = next;
  }

  function markEnded(reason: CallEndReason | null): void {
    callState.value = 'ended';
    if (reason) endReason.value = reason;
    remoteStreams.value = new Map();
    remoteScreens.value = new Map();
    callMembers.value = [];
    activeSpeaker.value = null;
    qualities.value = new Map();
  }

  /** A 1:1 view of a group call: when one other member is left, they are "the other side". */
  function syncMembers(members: readonly PeerId[]): void {
    callMembers.value = [...members];
    const only = members.length === 1 ? members[0] : undefined;
    const peer = only === undefined ? undefined : peersById.value.get(only);
    if (peer) callPeer.value = peer;
  }

  function trackCall(next: Call): void {
    if (call.value === next) return;
    detachCall?.();
    call.value = next;
    callPeer.value = next.remotePeer;
    // A new call starts: the previous end reason is no longer relevant.
    endReason.value = null;
    callState.value = next.state;
    remoteStreams.value = new Map(next.remoteStreams);
    connectionTypes.value = new Map(
      [...next.remoteStreams.keys()].map((id) => [id, next.connectionType(id)] as const),
    );
    iceFailed.value = new Set();
    syncMembers(next.participants);
    remoteScreens.value = new Map(next.remoteScreens);
    activeSpeaker.value = next.activeSpeaker;
    qualities.value = new Map(
      next.participants.flatMap((id) => {
        const quality = next.quality(id);
        return quality ? [[id, quality] as const] : [];
      }),
    );

    const onState = (state: CallStatus): void => {
      if (state === 'ended') markEnded(next.endReason);
      else callState.value = state;
    };
    const onEnded = (reason: CallEndReason): void => markEnded(reason);
    const onStream = (peerId: PeerId, stream: MediaStream): void => {
      updateMap(remoteStreams, peerId, stream);
      if (!connectionTypes.value.has(peerId)) {
        updateMap(connectionTypes, peerId, next.connectionType(peerId));
      }
    };
    const onStreamRemoved = (peerId: PeerId): void => updateMap(remoteStreams, peerId, null);
    const onConnectionType = (peerId: PeerId, type: ConnectionType): void =>
      updateMap(connectionTypes, peerId, type);
    const onIceFailed = (peerId: PeerId): void => {
      iceFailed.value = new Set([...iceFailed.value, peerId]);
    };
    const onMembers = (members: PeerId[]): void => syncMembers(members);
    const onScreen = (peerId: PeerId, stream: MediaStream): void =>
      updateMap(remoteScreens, peerId, stream);
    const onScreenRemoved = (peerId: PeerId): void => updateMap(remoteScreens, peerId, null);
    const onSpeaker = (peerId: PeerId | null): void => {
      activeSpeaker.value = peerId;
    };
    const onQuality = (peerId: PeerId, quality: PeerQuality): void =>
      updateMap(qualities, peerId, quality);

    next.on(CallEvent.StateChanged, onState);
    next.on(CallEvent.Ended, onEnded);
    next.on(CallEvent.RemoteStream, onStream);
    next.on(CallEvent.RemoteStreamRemoved, onStreamRemoved);
    next.on(CallEvent.ConnectionTypeChanged, onConnectionType);
    next.on(CallEvent.IceFailed, onIceFailed);
    next.on(CallEvent.ParticipantsChanged, onMembers);
    next.on(CallEvent.RemoteScreen, onScreen);
    next.on(CallEvent.RemoteScreenRemoved, onScreenRemoved);
    next.on(CallEvent.ActiveSpeakerChanged, onSpeaker);
    next.on(CallEvent.QualityChanged, onQuality);
    detachCall = () => {
      next.off(CallEvent.StateChanged, onState);
      next.off(CallEvent.Ended, onEnded);
      next.off(CallEvent.RemoteStream, onStream);
      next.off(CallEvent.RemoteStreamRemoved, onStreamRemoved);
      next.off(CallEvent.ConnectionTypeChanged, onConnectionType);
      next.off(CallEvent.IceFailed, onIceFailed);
      next.off(CallEvent.ParticipantsChanged, onMembers);
      next.off(CallEvent.RemoteScreen, onScreen);
      next.off(CallEvent.RemoteScreenRemoved, onScreenRemoved);
      next.off(CallEvent.ActiveSpeakerChanged, onSpeaker);
      next.off(CallEvent.QualityChanged, onQuality);
    };
    // The state may have moved on between the SDK creating the call and now.
    if (next.state === 'ended') markEnded(next.endReason);
  }

  /** client.call became null: keep showing how the call ended. */
  function releaseCall(): void {
    const last = call.value;
    if (!last) return;
    if (callState.value !== 'ended') markEnded(last.endReason);
    detachCall?.();
    detachCall = null;
    call.value = null;
  }

  function resetRoomState(): void {
    lobbyNotice.value = null;
    detachCall?.();
    detachCall = null;
    room.value = null;
    self.value = null;
    participants.value = [];
    roomOptions.value = null;
    access.reset();
    roomCall.value = null;
    chat.reset();
    call.value = null;
    callState.value = 'idle';
    endReason.value = null;
    callPeer.value = null;
    remoteStreams.value = new Map();
    connectionTypes.value = new Map();
    iceFailed.value = new Set();
    callMembers.value = [];
    remoteScreens.value = new Map();
    activeSpeaker.value = null;
    qualities.value = new Map();
    networkTest.value = null;
    notice.value = null;
  }

  // ---- actions -------------------------------------------------------------------

  async function ensureConnected(): Promise<void> {
    if (connectionState.value !== 'connected') await client.connect();
  }

  async function refreshDevices(): Promise<void> {
    try {
      devices.value = await client.media.listDevices();
    } catch (error) {
      console.warn('Could not list media devices', error);
    }
    const selected = client.media.selectedDevices;
    cameraId.value = selected.videoinput ?? '';
    micId.value = selected.audioinput ?? '';
  }

  /**
   * Start camera and microphone. If the camera is the problem (missing, busy,
   * unable to satisfy the constraints) fall back to the microphone alone, so
   * the user can still talk; the camera error stays visible either way.
   */
  /** The capture in progress: a second caller (a resume racing the lobby's preview) waits for it. */
  let mediaStart: Promise<void> | null = null;

  function startMedia(): Promise<void> {
    if (mediaStart) return mediaStart;
    mediaStarting.value = true;
    mediaStart = captureMedia().finally(() => {
      mediaStart = null;
      mediaStarting.value = false;
    });
    return mediaStart;
  }

  async function captureMedia(): Promise<void> {
    const devicesChosen = {
      ...(cameraId.value ? { videoDeviceId: cameraId.value } : {}),
      ...(micId.value ? { audioDeviceId: micId.value } : {}),
    };
    try {
      await client.media.start(devicesChosen);
      mediaError.value = null;
    } catch (error) {
      mediaError.value = toUiError(error);
      if (AUDIO_ONLY_FALLBACK.has(mediaError.value.code)) {
        try {
          await client.media.start({ ...devicesChosen, video: false });
        } catch {
          // No microphone either: the first error says what to fix.
        }
      }
    }
    localStream.value = client.media.stream;
    mediaState.value = copyMediaState(client.media.state);
    await refreshDevices();
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
      // Coming back after a reload holds a seat already: no "room is full" for it.
      if (!client.hasStoredSession(roomId)) {
        const status = await client.checkRoom(roomId);
        capacity.value = status.capacity;
        if (status.full) return { code: 'ROOM_FULL', params: { max: status.capacity } };
      }
      const result = await client.join(roomId, name, options);
      lostRoom.value = null;
      resetRoomState();
      room.value = result.room;
      capacity.value = result.capacity;
      self.value = result.self;
      roomOptions.value = result.options;
      access.sync();
      roomCall.value = client.roomCall;
      chat.sync();
      syncParticipants();
      if (client.call) trackCall(client.call);
      return null;
    } catch (error) {
      const uiError = toUiError(error);
      if (uiError.code === 'ROOM_FULL' && capacity.value !== null) {
        uiError.params = { max: capacity.value };
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
    if (name === null || room.value !== null) return null;
    resumingRoom.value = roomId;
    try {
      await startMedia();
      return await join(roomId, name, { joinCallOnEntry: false });
    } finally {
      resumingRoom.value = null;
    }
  }

  /** The "connection lost" view's retry: connect again and resume (or rejoin) the room. */
  async function retryLost(): Outcome {
    if (retrying.value) return null;
    retrying.value = true;
    try {
      await client.retry();
      lostRoom.value = null;
      if (client.call) trackCall(client.call);
      return null;
    } catch (error) {
      return toUiError(error);
    } finally {
      retrying.value = false;
    }
  }

  function dismissLost(): void {
    lostRoom.value = null;
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

  async function invite(peer: PeerInfo): Promise<void> {
    notice.value = null;
    if (inMediaCall.value) {
      // Ring them into our ongoing call: our own call state does not change.
      try {
        await client.invite(peer.id);
      } catch (error) {
        notice.value = toUiError(error);
      }
      return;
    }
    try {
      trackCall(await client.invite(peer.id));
    } catch (error) {
      const uiError = toUiError(error);
      if (uiError.code === 'BUSY') {
        // Show "X is busy" where every other call outcome is shown.
        callPeer.value = peer;
        endReason.value = 'busy';
        callState.value = 'ended';
      } else {
        reportActionError(error);
      }
    }
  }

  /** Show a failed action: media problems where the media error lives, the rest as the notice. */
  function reportActionError(error: unknown): void {
    const uiError = toUiError(error);
    if (uiError.code.startsWith('MEDIA_')) mediaError.value = uiError;
    else notice.value = uiError;
  }

  /** Run a call action; a failure is reported, not thrown. */
  async function onCall(action: (current: Call) => Promise<unknown>): Promise<void> {
    const current = call.value;
    if (!current) return;
    try {
      await action(current);
    } catch (error) {
      reportActionError(error);
    }
  }

  /** Join the room's ongoing call (we were not rung, or declined, or hung up). */
  async function joinCall(): Promise<void> {
    notice.value = null;
    try {
      trackCall(await client.joinCall());
    } catch (error) {
      reportActionError(error);
    }
  }

  async function toggleScreenShare(): Promise<void> {
    notice.value = null;
    try {
      if (client.media.screenStream) await client.media.stopScreenShare();
      else await client.media.startScreenShare();
    } catch (error) {
      const uiError = toUiError(error);
      // Refusing the browser's picker is a choice, not a broken camera: say it plainly.
      notice.value =
        uiError.code === 'MEDIA_PERMISSION_DENIED' ? { code: 'SCREEN_SHARE_DENIED' } : uiError;
    }
    screenStream.value = client.media.screenStream;
  }

  async function selectSpeaker(deviceId: string): Promise<void> {
    try {
      await client.media.selectAudioOutput(deviceId);
    } catch (error) {
      notice.value = toUiError(error);
    }
    speakerId.value = client.media.selectedDevices.audiooutput ?? '';
  }

  /** Route an audible element to the chosen speaker (a no-op where unsupported). */
  function applyAudioOutput(element: HTMLMediaElement): void {
    client.media.applyAudioOutput(element).catch((error: unknown) => {
      console.warn('Could not switch the audio output', error);
    });
  }

  async function sendChat(text: string): Outcome {
    try {
      await chat.send(text);
      return null;
    } catch (error) {
      return toUiError(error);
    }
  }

  async function setMicEnabled(enabled: boolean): Promise<void> {
    try {
      await client.media.setAudioEnabled(enabled);
    } catch (error) {
      notice.value = toUiError(error);
    }
    mediaState.value = copyMediaState(client.media.state);
  }

  async function setCameraEnabled(enabled: boolean): Promise<void> {
    try {
      await client.media.setVideoEnabled(enabled);
    } catch (error) {
      notice.value = toUiError(error);
    }
    mediaState.value = copyMediaState(client.media.state);
  }

  async function switchCamera(deviceId: string): Promise<void> {
    cameraId.value = deviceId;
    if (!client.media.stream) return startMedia();
    try {
      await client.media.switchVideoInput(deviceId);
      mediaError.value = null;
    } catch (error) {
      mediaError.value = toUiError(error);
    }
    localStream.value = client.media.stream;
  }

  async function switchMic(deviceId: string): Promise<void> {
    micId.value = deviceId;
    if (!client.media.stream) return startMedia();
    try {
      await client.media.switchAudioInput(deviceId);
      mediaError.value = null;
    } catch (error) {
      mediaError.value = toUiError(error);
    }
    localStream.value = client.media.stream;
  }

  async function runNetworkTest(): Promise<void> {
    if (networkTestRunning.value) return;
    networkTestRunning.value = true;
    networkTest.value = null;
    try {
      networkTest.value = await client.runNetworkTest();
    } catch (error) {
      notice.value = toUiError(error);
    } finally {
      networkTestRunning.value = false;
    }
  }

  return {
    client,
    connectionState: readonly(connectionState),
    room: readonly(room),
    capacity: readonly(capacity),
    self,
    participants,
    peersById,
    roomOptions,
    roomAccess: access.roomAccess,
    role: access.role,
    waiting: access.waiting,
    roomCall,
    joined,
    call,
    callState: readonly(callState),
    endReason: readonly(endReason),
    callPeer,
    remotePeer,
    inCall,
    inMediaCall,
    callMembers,
    remoteStreams,
    remoteScreens,
    activeSpeaker: readonly(activeSpeaker),
    qualities,
    connectionTypes,
    iceFailed,
    localStream,
    screenStream,
    screenShareSupported,
    audioOutputSupported,
    mediaState: readonly(mediaState),
    mediaStarting: readonly(mediaStarting),
    mediaError,
    devices,
    cameraId: readonly(cameraId),
    micId: readonly(micId),
    speakerId: readonly(speakerId),
    chat,
    notice,
    lobbyNotice,
    rejoining,
    sessionState: readonly(sessionState),
    lostRoom: readonly(lostRoom),
    retrying: readonly(retrying),
    resumingRoom: readonly(resumingRoom),
    networkTest,
    networkTestRunning: readonly(networkTestRunning),

    connect: ensureConnected,
    checkRoom,
    startMedia,
    refreshDevices,
    join,
    resumeStored,
    retryLost,
    setRoomPassword: access.setRoomPassword,
    setRoomLocked: access.setRoomLocked,
    admit: access.admit,
    deny: access.deny,
    removeParticipant: access.removeParticipant,
    setWaitingRoom: access.setWaitingRoom,
    dismissLost,
    leave,
    invite,
    joinCall,
    toggleScreenShare,
    selectSpeaker,
    applyAudioOutput,
    sendChat,
    accept: () => onCall((c) => c.accept()),
    decline: () => onCall((c) => c.decline()),
    cancel: () => onCall((c) => c.cancel()),
    hangup: () => onCall((c) => c.hangup()),
    setMicEnabled,
    setCameraEnabled,
    switchCamera,
    switchMic,
    runNetworkTest,
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
