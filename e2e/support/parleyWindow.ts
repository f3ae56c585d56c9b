import type { FrameSample, RecordedEvent } from './mediaTimeline.js';

/**
 * The slice of the SDK (packages/client/README.md) that tests read inside the
 * page through `window.__parley`, typed structurally so that the suite
 * type-checks without the SDK being built, and so that what e2e depends on is
 * visible in one place.
 */
export type ConnectionType = 'direct' | 'relay' | 'unknown';

export interface ParleyPeerInfo {
  readonly id: string;
  readonly name: string;
  readonly media: { readonly audio: boolean; readonly video: boolean };
}

export interface ParleyCallHandle {
  readonly id: string;
  readonly state: string;
  readonly endReason: string | null;
  readonly remotePeer: ParleyPeerInfo;
  readonly remoteStreams: ReadonlyMap<string, MediaStream>;
  /** Group calls: the other participants (self excluded), their screen shares, who speaks. */
  readonly participants: readonly string[];
  readonly remoteScreens: ReadonlyMap<string, MediaStream>;
  readonly activeSpeaker: string | null;
  /** The SDK's setup timeline (packages/client/src/setupTimeline.ts). */
  readonly setupTimeline: readonly {
    readonly step: string;
    readonly at: number;
    readonly peerId?: string;
  }[];
  connectionType(peerId: string): ConnectionType;
  getStats(peerId: string): Promise<RTCStatsReport>;
}

export interface ParleyChatMessage {
  readonly id: string;
  readonly from: string;
  readonly name: string;
  readonly text: string;
  readonly sentAt: number;
}

export interface ParleyHandle {
  readonly call: ParleyCallHandle | null;
  /** The room's call even when we are not in it. */
  readonly roomCall: { readonly id: string; readonly participants: readonly string[] } | null;
  readonly chat: readonly ParleyChatMessage[];
  readonly self: ParleyPeerInfo | null;
  readonly participants: ReadonlyMap<string, ParleyPeerInfo>;
  readonly media: {
    readonly stream: MediaStream | null;
    readonly state: { readonly audio: boolean; readonly video: boolean };
    readonly screenStream: MediaStream | null;
  };
  checkRoom(room: string): Promise<{
    exists: boolean;
    participants: number;
    capacity: number;
    full: boolean;
  }>;
}

/** Written by the instrumentation in pcProbe.ts (observation only). */
export interface PcProbe {
  readonly pcs: RTCPeerConnection[];
  /** setLocalDescription + setRemoteDescription calls over all peer connections. */
  descriptions: number;
  /** Local offers with new ICE credentials (ICE restarts this page made), over all connections. */
  iceRestarts: number;
  /** Time-stamped negotiation and ICE events of every connection (bounded), for failure reports. */
  readonly trace: string[];
}

declare global {
  interface Window {
    __parley?: ParleyHandle;
    __e2ePcProbe?: PcProbe;
    __e2eFirstFrame?: { acceptClickAt: number | null; firstFrameAt: number | null };
    __e2eTimeline?: {
      frames: FrameSample[];
      events: RecordedEvent[];
    };
  }
}
