/**
 * Per-peer connection quality from two successive getStats() snapshots
 * (pure, unit-tested). Call polls each peer connection every
 * QUALITY_INTERVAL_MS and emits the result.
 */
import { connectionTypeFromStats, selectedCandidatePair, type StatLike } from './iceStats.js';
import type { ConnectionType } from './iceStats.js';

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface PeerQuality {
  level: QualityLevel;
  /** Round-trip time of the selected candidate pair (currentRoundTripTime). */
  rttMs: number | null;
  /** Packets lost / (lost + received) over the last interval, all inbound streams, %. */
  packetLossPct: number | null;
  /** Inbound audio jitter (video when there is no audio), ms. */
  jitterMs: number | null;
  /** Received / sent bitrate over the last interval, kbit/s. */
  inKbps: number | null;
  outKbps: number | null;
  /** Decoded frame rate of the peer's camera (screen share excluded). */
  fps: number | null;
  connectionType: ConnectionType;
}

/** How often full stats are read per peer connection. */
export const QUALITY_INTERVAL_MS = 2000;

/**
 * Thresholds: poor if loss > 5 % or RTT > 400 ms or (camera on and < 8 fps);
 * fair if loss > 1.5 % or RTT > 200 ms or jitter > 30 ms; good otherwise.
 * Around these values interactive audio degrades audibly (ITU-T G.114
 * puts the one-way comfort limit at 150-200 ms; Opus conceals ~1-2 % loss
 * well, 5 % clearly not) and video stops looking like motion below 8 fps.
 */
export const QUALITY_THRESHOLDS = {
  poorLossPct: 5,
  poorRttMs: 400,
  poorFps: 8,
  fairLossPct: 1.5,
  fairRttMs: 200,
  fairJitterMs: 30,
} as const;

/** The counters quality needs, read out of one getStats() report. */
export interface StatsSnapshot {
  /** Report time, ms (any monotonic clock; only differences are used). */
  at: number;
  rttMs: number | null;
  connectionType: ConnectionType;
  packetsLost: number;
  packetsReceived: number;
  /** Whether any inbound-rtp stream exists (loss is meaningless otherwise). */
  hasInbound: boolean;
  bytesReceived: number;
  bytesSent: number;
  audioJitterMs: number | null;
  videoJitterMs: number | null;
  /** Camera video: framesDecoded counter and the browser's own framesPerSecond. */
  framesDecoded: number | null;
  framesPerSecond: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Extract a snapshot. `screenTrackIds` are the remote screen-share tracks:
 * their frame rate says nothing about the camera (a static screen is sent at
 * a few fps), so they are left out of `fps` (they still count for bytes and loss).
 */
export function snapshotFromStats(
  stats: Iterable<StatLike>,
  at: number,
  screenTrackIds: ReadonlySet<string> = new Set(),
): StatsSnapshot {
  const all = [...stats];
  const pair = selectedCandidatePair(all);
  const rtt = num(pair?.['currentRoundTripTime']);
  const snap: StatsSnapshot = {
    at,
    rttMs: rtt === null ? null : rtt * 1000,
    connectionType: connectionTypeFromStats(all),
    packetsLost: 0,
    packetsReceived: 0,
    hasInbound: false,
    bytesReceived: 0,
    bytesSent: 0,
    audioJitterMs: null,
    videoJitterMs: null,
    framesDecoded: null,
    framesPerSecond: null,
  };
  for (const s of all) {
    if (s.type === 'inbound-rtp') {
      snap.hasInbound = true;
      snap.packetsLost += Math.max(0, num(s['packetsLost']) ?? 0);
      snap.packetsReceived += num(s['packetsReceived']) ?? 0;
      snap.bytesReceived += num(s['bytesReceived']) ?? 0;
      const jitter = num(s['jitter']);
      const kind = s['kind'] ?? s['mediaType'];
      if (kind === 'audio' && jitter !== null) {
        snap.audioJitterMs = Math.max(snap.audioJitterMs ?? 0, jitter * 1000);
      }
      if (kind === 'video') {
        if (jitter !== null) snap.videoJitterMs = Math.max(snap.videoJitterMs ?? 0, jitter * 1000);
        const trackId = s['trackIdentifier'];
        if (typeof trackId === 'string' && screenTrackIds.has(trackId)) continue;
        const decoded = num(s['framesDecoded']);
        if (decoded !== null) snap.framesDecoded = (snap.framesDecoded ?? 0) + decoded;
        const fps = num(s['framesPerSecond']);
        if (fps !== null) snap.framesPerSecond = Math.max(snap.framesPerSecond ?? 0, fps);
      }
    } else if (s.type === 'outbound-rtp') {
      snap.bytesSent += num(s['bytesSent']) ?? 0;
    }
  }
  return snap;
}

/** Quality over the interval prev -> cur. `videoExpected`: the peer's camera is on. */
export function computeQuality(
  prev: StatsSnapshot | null,
  cur: StatsSnapshot,
  videoExpected: boolean,
): PeerQuality {
  const dt = prev ? (cur.at - prev.at) / 1000 : 0;
  const usable = prev !== null && dt > 0;
  const delta = (a: number, b: number) => Math.max(0, a - b);

  let packetLossPct: number | null = null;
  let inKbps: number | null = null;
  let outKbps: number | null = null;
  let fps: number | null = cur.framesPerSecond;
  if (usable) {
    const lost = delta(cur.packetsLost, prev.packetsLost);
    const received = delta(cur.packetsReceived, prev.packetsReceived);
    if (cur.hasInbound && lost + received > 0) packetLossPct = (100 * lost) / (lost + received);
    inKbps = (8 * delta(cur.bytesReceived, prev.bytesReceived)) / 1000 / dt;
    outKbps = (8 * delta(cur.bytesSent, prev.bytesSent)) / 1000 / dt;
    if (fps === null && cur.framesDecoded !== null && prev.framesDecoded !== null) {
      fps = delta(cur.framesDecoded, prev.framesDecoded) / dt;
    }
  }
  const jitterMs = cur.audioJitterMs ?? cur.videoJitterMs;
  const q: Omit<PeerQuality, 'level'> = {
    rttMs: cur.rttMs,
    packetLossPct,
    jitterMs,
    inKbps,
    outKbps,
    fps,
    connectionType: cur.connectionType,
  };
  return { ...q, level: qualityLevel(q, videoExpected) };
}

/** The level for a set of measurements (thresholds: QUALITY_THRESHOLDS). */
export function qualityLevel(q: Omit<PeerQuality, 'level'>, videoExpected: boolean): QualityLevel {
  const t = QUALITY_THRESHOLDS;
  if (q.rttMs === null && q.packetLossPct === null) return 'unknown';
  const loss = q.packetLossPct ?? 0;
  const rtt = q.rttMs ?? 0;
  if (loss > t.poorLossPct || rtt > t.poorRttMs) return 'poor';
  if (videoExpected && q.fps !== null && q.fps < t.poorFps) return 'poor';
  if (loss > t.fairLossPct || rtt > t.fairRttMs || (q.jitterMs ?? 0) > t.fairJitterMs) {
    return 'fair';
  }
  return 'good';
}
