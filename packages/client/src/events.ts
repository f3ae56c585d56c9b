import type {
  CallEndReason,
  MediaState,
  PeerId,
  PeerInfo,
  PeerLeftReason,
  RoomId,
} from '@parley/protocol';
import type { Call } from './Call.js';
import type { CallStatus } from './CallStateMachine.js';
import type { DeviceList } from './devices.js';
import type { ParleyError } from './errors.js';
import type { ConnectionType } from './iceStats.js';

/** State of the signaling connection. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export const ClientEvent = {
  ConnectionStateChanged: 'connectionStateChanged',
  /** Joined, left, or lost the room (also after an automatic rejoin). */
  RoomChanged: 'roomChanged',
  PeerJoined: 'peerJoined',
  PeerLeft: 'peerLeft',
  PeerUpdated: 'peerUpdated',
  IncomingCall: 'incomingCall',
  CallChanged: 'callChanged',
  Error: 'error',
} as const;

export type ClientEvents = {
  [ClientEvent.ConnectionStateChanged]: (state: ConnectionState) => void;
  [ClientEvent.RoomChanged]: (room: RoomId | null, self: PeerInfo | null) => void;
  [ClientEvent.PeerJoined]: (peer: PeerInfo) => void;
  [ClientEvent.PeerLeft]: (peer: PeerInfo, reason: PeerLeftReason) => void;
  [ClientEvent.PeerUpdated]: (peer: PeerInfo) => void;
  [ClientEvent.IncomingCall]: (call: Call) => void;
  [ClientEvent.CallChanged]: (call: Call | null) => void;
  [ClientEvent.Error]: (error: ParleyError) => void;
};

export const CallEvent = {
  StateChanged: 'stateChanged',
  Ended: 'ended',
  RemoteStream: 'remoteStream',
  RemoteStreamRemoved: 'remoteStreamRemoved',
  ConnectionTypeChanged: 'connectionTypeChanged',
  IceFailed: 'iceFailed',
} as const;

export type CallEvents = {
  [CallEvent.StateChanged]: (next: CallStatus, prev: CallStatus) => void;
  [CallEvent.Ended]: (reason: CallEndReason) => void;
  [CallEvent.RemoteStream]: (peerId: PeerId, stream: MediaStream) => void;
  [CallEvent.RemoteStreamRemoved]: (peerId: PeerId) => void;
  [CallEvent.ConnectionTypeChanged]: (peerId: PeerId, type: ConnectionType) => void;
  [CallEvent.IceFailed]: (peerId: PeerId) => void;
};

export const MediaEvent = {
  StreamChanged: 'streamChanged',
  StateChanged: 'stateChanged',
  DevicesChanged: 'devicesChanged',
} as const;

export type MediaEvents = {
  [MediaEvent.StreamChanged]: (stream: MediaStream | null) => void;
  [MediaEvent.StateChanged]: (state: MediaState) => void;
  [MediaEvent.DevicesChanged]: (devices: DeviceList) => void;
};
