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
  const probe = {
    pcs: [] as RTCPeerConnection[],
    descriptions: 0,
    iceRestarts: 0,
    trace: [] as string[],
  };
  /** The ICE ufrag of each connection's last local description, to count restarts. */
  const lastLocalUfrag = new WeakMap<RTCPeerConnection, string>();
  window.__e2ePcProbe = probe;
  const started = Date.now();
  // The trace says, after a failure, in which order descriptions, candidates
  // and state changes happened on each connection (bounded: newest kept).
  const note = (pc: RTCPeerConnection, what: string) => {
    probe.trace.push(`+${Date.now() - started}ms pc${probe.pcs.indexOf(pc)} ${what}`);
    if (probe.trace.length > 400) probe.trace.shift();
  };
  const ufragOf = (sdp: string | undefined) => /a=ice-ufrag:(\S+)/.exec(sdp ?? '')?.[1] ?? '-';
  const brief = (c: string) => {
    const f = c.split(' ');
    const ufrag = /ufrag (\S+)/.exec(c)?.[1] ?? '-';
    return `${f[7] ?? '?'} ${f[2] ?? ''} ${f[4] ?? ''}:${f[5] ?? ''} ufrag=${ufrag}`;
  };
  class ObservedPeerConnection extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      probe.pcs.push(this);
      note(this, `created policy=${config?.iceTransportPolicy ?? 'all'}`);
      for (const ev of [
        'signalingstatechange',
        'iceconnectionstatechange',
        'connectionstatechange',
        'icegatheringstatechange',
      ] as const) {
        this.addEventListener(ev, () =>
          note(
            this,
            `${ev}: sig=${this.signalingState} ice=${this.iceConnectionState} conn=${this.connectionState} gather=${this.iceGatheringState}`,
          ),
        );
      }
      this.addEventListener('icecandidate', (e) =>
        note(this, `local candidate ${e.candidate ? brief(e.candidate.candidate) : 'end'}`),
      );
      this.addEventListener('icecandidateerror', (e) =>
        note(this, `candidate error ${e.errorCode} ${e.errorText} ${e.url}`),
      );
    }
  }
  type Method = (this: RTCPeerConnection, ...args: unknown[]) => Promise<void>;
  const counted = (name: string, method: Method): Method =>
    function (this: RTCPeerConnection, ...args: unknown[]) {
      probe.descriptions += 1;
      const d = args[0] as RTCSessionDescriptionInit | undefined;
      note(this, `${name}(${d?.type ?? 'implicit'} ufrag=${ufragOf(d?.sdp)})`);
      return method.apply(this, args).then(
        (v) => {
          const local = this.localDescription;
          if (name === 'setLocalDescription' && d?.type !== 'rollback' && local) {
            // A local offer with new ICE credentials is an ICE restart (its answer is not counted).
            const ufrag = ufragOf(local.sdp);
            const before = lastLocalUfrag.get(this);
            if (local.type === 'offer' && before !== undefined && before !== ufrag) {
              probe.iceRestarts += 1;
            }
            lastLocalUfrag.set(this, ufrag);
          }
          note(
            this,
            `${name} done (ufrag local=${ufragOf(this.localDescription?.sdp)} remote=${ufragOf(this.remoteDescription?.sdp)})`,
          );
          return v;
        },
        (err: unknown) => {
          note(this, `${name} failed: ${String(err)}`);
          throw err;
        },
      );
    };
  const proto = Native.prototype as unknown as Record<
    'setLocalDescription' | 'setRemoteDescription' | 'addIceCandidate',
    Method
  >;
  proto.setLocalDescription = counted('setLocalDescription', proto.setLocalDescription);
  proto.setRemoteDescription = counted('setRemoteDescription', proto.setRemoteDescription);
  const addIceCandidate = proto.addIceCandidate;
  proto.addIceCandidate = function (this: RTCPeerConnection, ...args: unknown[]) {
    const c = args[0] as RTCIceCandidateInit | undefined;
    note(this, `addIceCandidate ${c?.candidate ? brief(c.candidate) : 'end'}`);
    return addIceCandidate.apply(this, args).catch((err: unknown) => {
      note(this, `addIceCandidate failed: ${String(err)}`);
      throw err;
    });
  };
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
