import type { UiDriver } from './driver.js';

/**
 * Observation-only instrumentation installed before the app loads: remembers
 * every RTCPeerConnection the page creates and counts description changes, so
 * a test can tell whether a renegotiation happened, read what a sender really
 * sends, and check that connections are closed after a call. It changes no
 * behaviour of the peer connections.
 */
export function installPcProbe(): void {
  const Native = window.RTCPeerConnection;
  if (window.__e2ePcProbe !== undefined || Native === undefined) return;
  const probe = { pcs: [] as RTCPeerConnection[], descriptions: 0 };
  window.__e2ePcProbe = probe;
  class ObservedPeerConnection extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      probe.pcs.push(this);
    }
  }
  type Method = (this: RTCPeerConnection, ...args: unknown[]) => Promise<void>;
  const counted = (method: Method): Method =>
    function (this: RTCPeerConnection, ...args: unknown[]) {
      probe.descriptions += 1;
      return method.apply(this, args);
    };
  const proto = Native.prototype as unknown as Record<
    'setLocalDescription' | 'setRemoteDescription',
    Method
  >;
  proto.setLocalDescription = counted(proto.setLocalDescription);
  proto.setRemoteDescription = counted(proto.setRemoteDescription);
  window.RTCPeerConnection = ObservedPeerConnection;
}

export interface PcSnapshot {
  readonly descriptions: number;
  readonly connections: ReadonlyArray<{
    readonly connectionState: string;
    readonly signalingState: string;
    /** Track ids of the video senders. */
    readonly videoSenderTrackIds: ReadonlyArray<string | null>;
  }>;
}

export async function readPcProbe(page: Pick<UiDriver, 'evaluate' | 'label'>): Promise<PcSnapshot> {
  const snapshot = await page.evaluate(() => {
    const probe = window.__e2ePcProbe;
    if (!probe) return null;
    return {
      descriptions: probe.descriptions,
      connections: probe.pcs.map((pc) => ({
        connectionState: pc.connectionState,
        signalingState: pc.signalingState,
        videoSenderTrackIds: pc
          .getSenders()
          .filter((s) => s.track?.kind === 'video')
          .map((s) => s.track?.id ?? null),
      })),
    };
  }, undefined);
  if (snapshot === null) throw new Error(`${page.label}: peer-connection probe not installed`);
  return snapshot;
}
