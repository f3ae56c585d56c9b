import type { PeerId } from '@parley/protocol';
import {
  ActiveSpeakerDetector,
  intervalLevel,
  SPEAKER_SAMPLE_MS,
  type AudioCounters,
  type SpeakerSample,
} from './activeSpeaker.js';
import type { StatLike } from './iceStats.js';
import {
  computeQuality,
  QUALITY_INTERVAL_MS,
  snapshotFromStats,
  type PeerQuality,
  type StatsSnapshot,
} from './quality.js';

/** What the monitor reads from one peer connection. */
export interface MonitoredSession {
  readonly state: string;
  audioLevels(): Promise<{ track: MediaStreamTrack; sample: AudioCounters }[]>;
  localAudioLevel(): Promise<AudioCounters | null>;
  getStats(): Promise<RTCStatsReport>;
}

/** What the monitor needs from its Call. */
export interface MonitorTarget {
  readonly selfId: PeerId;
  sessions(): [PeerId, MonitoredSession][];
  /** The peer's camera/mic tracks (its screen's tab audio is not speech). */
  cameraTracks(peerId: PeerId): readonly MediaStreamTrack[];
  screenTrackIds(peerId: PeerId): ReadonlySet<string>;
  /** Whether a participant (self included) is muted (published media.audio false). */
  muted(id: PeerId): boolean;
  /** Whether the peer's camera is on (low fps then means trouble). */
  videoExpected(peerId: PeerId): boolean;
  localAudioTrack(): MediaStreamTrack | null;
  onActiveSpeaker(id: PeerId | null): void;
  onQuality(peerId: PeerId, quality: PeerQuality): void;
}

/**
 * One polling loop per call, for the active speaker and connection quality.
 * CPU matters (a 6-way mesh on a 2-core laptop), so the 250 ms speaker tick
 * reads only the audio receivers' and the audio sender's own stats
 * (selector getStats: small reports), skips a tick while the previous one is
 * still reading, and the full getStats() of each connection runs every 2 s
 * (every 8th tick), one connection after the other; it also feeds the
 * connection type.
 *
 * Levels are RMS over the tick from totalAudioEnergy/totalSamplesDuration
 * (Chromium and Firefox report them on inbound-rtp), not the instantaneous
 * audioLevel, which aliases with the pauses of speech (or of Chromium's fake
 * beep) at a 250 ms sampling.
 */
export class CallMonitor {
  readonly #target: MonitorTarget;
  readonly #speaker = new ActiveSpeakerDetector<PeerId>();
  readonly #snapshots = new Map<PeerId, StatsSnapshot>();
  readonly #quality = new Map<PeerId, PeerQuality>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticks = 0;
  /** Previous audio counters per remote track id / for self. */
  #prevCounters = new Map<string, AudioCounters>();
  #prevSelf: AudioCounters | undefined;
  #sampling = false;
  /** undefined: not tried yet; false: this browser has no media-source audio stats. */
  #selfViaStats: boolean | undefined;
  #meter: LocalLevelMeter | null = null;
  #qualityRunning = false;
  #stopped = false;

  constructor(target: MonitorTarget) {
    this.#target = target;
  }

  get activeSpeaker(): PeerId | null {
    return this.#speaker.active;
  }

  quality(peerId: PeerId): PeerQuality | null {
    return this.#quality.get(peerId) ?? null;
  }

  /** Start polling (idempotent). */
  start(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = setInterval(() => this.#tick(), SPEAKER_SAMPLE_MS);
  }

  /** A peer left the call: forget its numbers. */
  forget(peerId: PeerId): void {
    this.#snapshots.delete(peerId);
    this.#quality.delete(peerId);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#meter?.close();
    this.#meter = null;
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#ticks += 1;
    const sessions = this.#target.sessions();
    if (!this.#sampling) {
      this.#sampling = true;
      this.#sampleSpeakers(sessions)
        .catch(() => undefined) // a connection closed meanwhile: next tick
        .finally(() => {
          this.#sampling = false;
        });
    }
    if (this.#ticks % Math.round(QUALITY_INTERVAL_MS / SPEAKER_SAMPLE_MS) === 0) {
      void this.#pollQuality(sessions);
    }
  }

  async #sampleSpeakers(sessions: [PeerId, MonitoredSession][]): Promise<void> {
    const t = this.#target;
    const [remote, self] = await Promise.all([
      Promise.all(sessions.map(async ([id, s]) => [id, await s.audioLevels()] as const)),
      this.#selfLevel(sessions[0]?.[1]),
    ]);
    if (this.#stopped) return;
    const samples = new Map<PeerId, SpeakerSample>();
    const seen = new Map<string, AudioCounters>();
    for (const [peerId, levels] of remote) {
      const camera = t.cameraTracks(peerId);
      let level: number | null = null;
      for (const { track, sample } of levels) {
        seen.set(track.id, sample);
        if (!camera.includes(track)) continue; // screen tab audio is not speech
        const l = intervalLevel(this.#prevCounters.get(track.id), sample);
        if (l !== null) level = Math.max(level ?? 0, l);
      }
      samples.set(peerId, { level, muted: t.muted(peerId) });
    }
    this.#prevCounters = seen;
    samples.set(t.selfId, { level: self, muted: t.muted(t.selfId) });
    const before = this.#speaker.active;
    const after = this.#speaker.sample(Date.now(), samples);
    if (after !== before) t.onActiveSpeaker(after);
  }

  /** Our level: media-source stats where they exist, else Web Audio. */
  async #selfLevel(session: MonitoredSession | undefined): Promise<number | null> {
    const track = this.#target.localAudioTrack();
    if (!track) return null;
    if (this.#selfViaStats !== false && session) {
      const sample = await session.localAudioLevel().catch(() => null);
      if (sample && (sample.level !== null || sample.energy !== null)) {
        this.#selfViaStats = true;
        const level = intervalLevel(this.#prevSelf, sample);
        this.#prevSelf = sample;
        return level;
      }
      // Only a connected session's stats tell that the browser has none.
      if (this.#selfViaStats === true || !sample || session.state !== 'connected') return null;
      this.#selfViaStats = false;
    }
    if (this.#selfViaStats !== false) return null;
    if (this.#meter?.track !== track) {
      this.#meter?.close();
      this.#meter = LocalLevelMeter.create(track);
    }
    return this.#meter?.level() ?? null;
  }

  async #pollQuality(sessions: [PeerId, MonitoredSession][]): Promise<void> {
    if (this.#qualityRunning) return;
    this.#qualityRunning = true;
    try {
      for (const [peerId, session] of sessions) {
        if (this.#stopped) return;
        if (session.state === 'closed' || session.state === 'failed') continue;
        let report: RTCStatsReport;
        try {
          report = await session.getStats();
        } catch {
          continue; // closed meanwhile
        }
        if (this.#stopped || !this.#target.sessions().some(([id]) => id === peerId)) continue;
        const snap = snapshotFromStats(
          report.values() as Iterable<StatLike>,
          Date.now(),
          this.#target.screenTrackIds(peerId),
        );
        const q = computeQuality(
          this.#snapshots.get(peerId) ?? null,
          snap,
          this.#target.videoExpected(peerId),
        );
        this.#snapshots.set(peerId, snap);
        this.#quality.set(peerId, q);
        this.#target.onQuality(peerId, q);
      }
    } finally {
      this.#qualityRunning = false;
    }
  }
}

/**
 * Our microphone level through Web Audio, for browsers whose stats have no
 * media-source audioLevel (Firefox). RMS of the waveform, which is on the
 * same linear scale as WebRTC's audioLevel. Reports null while the
 * AudioContext is suspended (autoplay policy before any user gesture).
 */
class LocalLevelMeter {
  readonly track: MediaStreamTrack;
  readonly #ctx: AudioContext;
  readonly #analyser: AnalyserNode;
  readonly #buf: Float32Array<ArrayBuffer>;

  private constructor(track: MediaStreamTrack) {
    this.track = track;
    this.#ctx = new AudioContext();
    const source = this.#ctx.createMediaStreamSource(new MediaStream([track]));
    this.#analyser = this.#ctx.createAnalyser();
    this.#analyser.fftSize = 1024;
    source.connect(this.#analyser);
    this.#buf = new Float32Array(this.#analyser.fftSize);
    if (this.#ctx.state === 'suspended') void this.#ctx.resume().catch(() => undefined);
  }

  static create(track: MediaStreamTrack): LocalLevelMeter | null {
    if (typeof AudioContext === 'undefined') return null;
    try {
      return new LocalLevelMeter(track);
    } catch {
      return null;
    }
  }

  level(): number | null {
    if (this.#ctx.state !== 'running' || !this.track.enabled) return null;
    this.#analyser.getFloatTimeDomainData(this.#buf);
    let sum = 0;
    for (const v of this.#buf) sum += v * v;
    return Math.sqrt(sum / this.#buf.length);
  }

  close(): void {
    void this.#ctx.close().catch(() => undefined);
  }
}
