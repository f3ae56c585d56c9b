/**
 * @parley/client: the Parley browser SDK. Public exports only; see README.md
 * for the contract.
 */
export {
  ParleyClient,
  DEFAULT_CLIENT_OPTIONS,
  type ParleyClientOptions,
  type ResolvedClientOptions,
} from './ParleyClient.js';
export { Call } from './Call.js';
export type { CallStatus } from './CallStateMachine.js';
export { LocalMedia } from './LocalMedia.js';
export {
  DEFAULT_AUDIO_CONSTRAINTS,
  DEFAULT_VIDEO_CONSTRAINTS,
  type MediaStartOptions,
  type VideoConstraintOptions,
} from './mediaConstraints.js';
export type { DeviceInfo, DeviceList, SelectedDevices } from './devices.js';
export {
  ClientEvent,
  CallEvent,
  MediaEvent,
  type ClientEvents,
  type CallEvents,
  type MediaEvents,
  type ConnectionState,
} from './events.js';
export { ParleyError, ClientErrorCode, isParleyError, type ParleyErrorCode } from './errors.js';
export type { ConnectionType } from './iceStats.js';
export type { Check, NetworkTestResult, NetworkVerdict } from './networkTest.js';
export type { RecoveryTiming } from './negotiation.js';
export { TypedEmitter } from './TypedEmitter.js';
export type {
  CallEndReason,
  CallId,
  CallInfo,
  IceConfig,
  JoinResult,
  MediaState,
  PeerId,
  PeerInfo,
  PeerLeftReason,
  RoomId,
  RoomStatus,
} from '@parley/protocol';
