/**
 * @parley/client: the Parley browser SDK. Public exports only; see README.md
 * for the contract.
 */
// First: the SDK validates with zod, which must not probe for eval under a strict CSP.
import './cspSafeZod.js';
export {
  ParleyClient,
  DEFAULT_CLIENT_OPTIONS,
  type JoinOptions,
  type ParleyClientOptions,
  type ResolvedClientOptions,
} from './ParleyClient.js';
export { Call } from './Call.js';
export {
  DefaultReconnectPolicy,
  DEFAULT_GIVE_UP_AFTER_MS,
  DEFAULT_RECONNECT_DELAYS_MS,
  type DefaultReconnectPolicyOptions,
  type ReconnectContext,
  type ReconnectPolicy,
} from './ReconnectPolicy.js';
export { SESSION_TRANSITIONS, type SessionState } from './SessionStateMachine.js';
export {
  defaultSessionStore,
  webStorageSessionStore,
  type SessionStore,
  type StoredSession,
} from './sessionStore.js';
export {
  CAMERA_BITRATE_CAPS,
  SCREEN_BITRATE_CAPS,
  cameraCap,
  screenCap,
  type VideoCap,
} from './bitrate.js';
export {
  DEFAULT_ACTIVE_SPEAKER_OPTIONS,
  SPEAKER_SAMPLE_MS,
  type ActiveSpeakerOptions,
} from './activeSpeaker.js';
export {
  QUALITY_INTERVAL_MS,
  QUALITY_THRESHOLDS,
  type PeerQuality,
  type QualityLevel,
} from './quality.js';
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
export type { SetupMark, SetupStep } from './setupTimeline.js';
export type { Check, NetworkTestResult, NetworkVerdict } from './networkTest.js';
export type { RecoveryTiming } from './negotiation.js';
export { TypedEmitter } from './TypedEmitter.js';
export type {
  CallEndReason,
  CallId,
  CallInfo,
  ChatMessage,
  IceConfig,
  JoinResult,
  MediaState,
  PeerId,
  PeerInfo,
  PeerLeftReason,
  RoomId,
  RoomOptions,
  RoomStatus,
} from '@parley/protocol';
