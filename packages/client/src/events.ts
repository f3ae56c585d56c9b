import type {
  CallEndReason,
  CallInfo,
  ChatMessage,
  MediaState,
  PeerId,
  PeerInfo,
  PeerLeftReason,
  RoomAccess,
  RoomId,
  WaitingGuest,
} from '@parley/protocol';
import type { Call } from './Call.js';
import type { SessionState } from './SessionStateMachine.js';
import type { CallStatus } from './CallStateMachine.js';
import type { DeviceList } from './devices.js';
import type { ParleyError } from './errors.js';
import type { ConnectionType } from './iceStats.js';
import type { PeerQuality } from './quality.js';

/** State of the signaling connection. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export const ClientEvent = {
  ConnectionStateChanged: 'connectionStateChanged',
  /**
   * Our place in the room: 'reconnecting' while signaling is down (room and
   * call are kept; media may well still flow), 'joined' again once resumed,
   * 'lost' when it could not be resumed (offer a retry).
   */
  SessionStateChanged: 'sessionStateChanged',
  /** A member's connection dropped ('reconnecting': seat and call held) or came back. */
  PeerConnectionChanged: 'peerConnectionChanged',
  /** The room's password or lock changed (client.roomAccess). */
  RoomAccessChanged: 'roomAccessChanged',
  /** Hosts: who waits in the waiting room changed (client.waiting). */
  WaitingChanged: 'waitingChanged',
  /** Joined, left, or lost the room (also after an automatic rejoin). */
  RoomChanged: 'roomChanged',
  PeerJoined: 'peerJoined',
  PeerLeft: 'peerLeft',
  PeerUpdated: 'peerUpdated',
  IncomingCall: 'incomingCall',
  CallChanged: 'callChanged',
  /** The room's call (client.roomCall) was created, changed or ended (null); also when we are not in it. */
  RoomCallChanged: 'roomCallChanged',
  /** A new chat message (others' via the server, ours once the server acknowledged it). */
  ChatMessage: 'chatMessage',
  Error: 'error',
} as const;

export type ClientEvents = {
  [ClientEvent.ConnectionStateChanged]: (state: ConnectionState) => void;
  [ClientEvent.SessionStateChanged]: (state: SessionState, prev: SessionState) => void;
  [ClientEvent.PeerConnectionChanged]: (peer: PeerInfo) => void;
  [ClientEvent.RoomAccessChanged]: (access: RoomAccess | null) => void;
  [ClientEvent.WaitingChanged]: (waiting: readonly WaitingGuest[]) => void;
  [ClientEvent.RoomChanged]: (room: RoomId | null, self: PeerInfo | null) => void;
  [ClientEvent.PeerJoined]: (peer: PeerInfo) => void;
  [ClientEvent.PeerLeft]: (peer: PeerInfo, reason: PeerLeftReason) => void;
  [ClientEvent.PeerUpdated]: (peer: PeerInfo) => void;
  [ClientEvent.IncomingCall]: (call: Call) => void;
  [ClientEvent.CallChanged]: (call: Call | null) => void;
  [ClientEvent.RoomCallChanged]: (call: CallInfo | null) => void;
  [ClientEvent.ChatMessage]: (message: ChatMessage) => void;
  [ClientEvent.Error]: (error: ParleyError) => void;
};

export const CallEvent = {
  StateChanged: 'stateChanged',
  Ended: 'ended',
  RemoteStream: 'remoteStream',
  RemoteStreamRemoved: 'remoteStreamRemoved',
  ConnectionTypeChanged: 'connectionTypeChanged',
  IceFailed: 'iceFailed',
  /** The other participants (call.participants) changed: someone joined or left the call. */
  ParticipantsChanged: 'participantsChanged',
  /** A participant's screen share arrived (call.remoteScreens). */
  RemoteScreen: 'remoteScreen',
  RemoteScreenRemoved: 'remoteScreenRemoved',
  /** call.activeSpeaker changed (self id when we speak; null = nobody). */
  ActiveSpeakerChanged: 'activeSpeakerChanged',
  /** Connection quality of one peer, every ~2 s. */
  QualityChanged: 'qualityChanged',
} as const;

export type CallEvents = {
  [CallEvent.StateChanged]: (next: CallStatus, prev: CallStatus) => void;
  [CallEvent.Ended]: (reason: CallEndReason) => void;
  [CallEvent.RemoteStream]: (peerId: PeerId, stream: MediaStream) => void;
  [CallEvent.RemoteStreamRemoved]: (peerId: PeerId) => void;
  [CallEvent.ConnectionTypeChanged]: (peerId: PeerId, type: ConnectionType) => void;
  [CallEvent.IceFailed]: (peerId: PeerId) => void;
  [CallEvent.ParticipantsChanged]: (participants: PeerId[]) => void;
  [CallEvent.RemoteScreen]: (peerId: PeerId, stream: MediaStream) => void;
  [CallEvent.RemoteScreenRemoved]: (peerId: PeerId) => void;
  [CallEvent.ActiveSpeakerChanged]: (peerId: PeerId | null) => void;
  [CallEvent.QualityChanged]: (peerId: PeerId, quality: PeerQuality) => void;
};

export const MediaEvent = {
  StreamChanged: 'streamChanged',
  StateChanged: 'stateChanged',
  DevicesChanged: 'devicesChanged',
  /** The local screen share started (stream) or stopped (null). */
  ScreenChanged: 'screenChanged',
  /** selectAudioOutput() chose another speaker (apply it with applyAudioOutput). */
  AudioOutputChanged: 'audioOutputChanged',
} as const;

export type MediaEvents = {
  [MediaEvent.StreamChanged]: (stream: MediaStream | null) => void;
  [MediaEvent.StateChanged]: (state: MediaState) => void;
  [MediaEvent.DevicesChanged]: (devices: DeviceList) => void;
  [MediaEvent.ScreenChanged]: (stream: MediaStream | null) => void;
  [MediaEvent.AudioOutputChanged]: (deviceId: string) => void;
};
