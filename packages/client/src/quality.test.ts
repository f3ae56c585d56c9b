import { describe, expect, it } from 'vitest';
import type { StatLike } from './iceStats.js';
import { computeQuality, qualityLevel, snapshotFromStats, type StatsSnapshot } from './quality.js';

/** A Chromium-like report: transport -> selected pair -> candidates, inbound audio/video, outbound. */
function report(o: {
  rtt?: number;
  relay?: boolean;
  audio?: { lost: number; received: number; bytes: number; jitter: number };
  video?: { lost: number; received: number; bytes: number; decoded: number; fps?: number };
  screen?: { decoded: number; bytes: number };
  sent?: number;
}): StatLike[] {
  const out: StatLike[] = [
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
    {
      id: 'P',
      type: 'candidate-pair',
      localCandidateId: 'L',
      remoteCandidateId: 'R',
      ...(o.rtt === undefined ? {} : { currentRoundTripTime: o.rtt }),
    },
    { id: 'L', type: 'local-candidate', candidateType: o.relay ? 'relay' : 'host' },
    { id: 'R', type: 'remote-candidate', candidateType: 'srflx' },
  ];
  if (o.audio) {
    out.push({
      id: 'IA',
      type: 'inbound-rtp',
      kind: 'audio',
      packetsLost: o.audio.lost,
      packetsReceived: o.audio.received,
      bytesReceived: o.audio.bytes,
      jitter: o.audio.jitter,
    });
  }
  if (o.video) {
    out.push({
      id: 'IV',
      type: 'inbound-rtp',
      kind: 'video',
      trackIdentifier: 'cam',
      packetsLost: o.video.lost,
      packetsReceived: o.video.received,
      bytesReceived: o.video.bytes,
      jitter: 0.05,
      framesDecoded: o.video.decoded,
      ...(o.video.fps === undefined ? {} : { framesPerSecond: o.video.fps }),
    });
  }
  if (o.screen) {
    out.push({
      id: 'IS',
      type: 'inbound-rtp',
      kind: 'video',
      trackIdentifier: 'scr',
      packetsLost: 0,
      packetsReceived: 10,
      bytesReceived: o.screen.bytes,
      framesDecoded: o.screen.decoded,
    });
  }
  if (o.sent !== undefined)
    out.push({ id: 'O', type: 'outbound-rtp', kind: 'video', bytesSent: o.sent });
  return out;
}

describe('snapshotFromStats', () => {
  it('reads RTT, connection type, sums counters, keeps the screen out of the frame count', () => {
    const s = snapshotFromStats(
      report({
        rtt: 0.05,
        relay: true,
        audio: { lost: 1, received: 99, bytes: 1000, jitter: 0.004 },
        video: { lost: 2, received: 200, bytes: 50_000, decoded: 300 },
        screen: { decoded: 20, bytes: 7000 },
        sent: 4000,
      }),
      1000,
      new Set(['scr']),
    );
    expect(s.rttMs).toBeCloseTo(50);
    expect(s.connectionType).toBe('relay');
    expect(s.packetsLost).toBe(3);
    expect(s.packetsReceived).toBe(309);
    expect(s.bytesReceived).toBe(58_000);
    expect(s.bytesSent).toBe(4000);
    expect(s.audioJitterMs).toBeCloseTo(4);
    expect(s.framesDecoded).toBe(300);
  });

  it('no selected pair and no streams: nothing known', () => {
    const s = snapshotFromStats([], 0);
    expect(s.rttMs).toBeNull();
    expect(s.connectionType).toBe('unknown');
    expect(s.hasInbound).toBe(false);
    expect(computeQuality(null, s, true).level).toBe('unknown');
  });
});

describe('computeQuality', () => {
  const at = (t: number, r: StatLike[]): StatsSnapshot => snapshotFromStats(r, t);

  it('rates a clean connection good, with bitrates and fps from deltas', () => {
    const a = at(
      0,
      report({
        rtt: 0.03,
        audio: { lost: 0, received: 100, bytes: 0, jitter: 0.002 },
        video: { lost: 0, received: 100, bytes: 0, decoded: 0 },
        sent: 0,
      }),
    );
    const b = at(
      2000,
      report({
        rtt: 0.03,
        audio: { lost: 0, received: 200, bytes: 10_000, jitter: 0.002 },
        video: { lost: 0, received: 400, bytes: 240_000, decoded: 60 },
        sent: 250_000,
      }),
    );
    const q = computeQuality(a, b, true);
    expect(q.level).toBe('good');
    expect(q.rttMs).toBeCloseTo(30);
    expect(q.packetLossPct).toBe(0);
    expect(q.inKbps).toBeCloseTo(1000);
    expect(q.outKbps).toBeCloseTo(1000);
    expect(q.fps).toBeCloseTo(30);
    expect(q.jitterMs).toBeCloseTo(2);
    expect(q.connectionType).toBe('direct');
  });

  it('prefers the browser framesPerSecond when it is reported', () => {
    const a = at(
      0,
      report({ rtt: 0.01, video: { lost: 0, received: 0, bytes: 0, decoded: 0, fps: 24 } }),
    );
    const b = at(
      2000,
      report({ rtt: 0.01, video: { lost: 0, received: 10, bytes: 0, decoded: 2, fps: 24 } }),
    );
    expect(computeQuality(a, b, true).fps).toBe(24);
  });

  it('loss is computed from the interval deltas, not the totals', () => {
    const a = at(0, report({ rtt: 0.01, audio: { lost: 50, received: 100, bytes: 0, jitter: 0 } }));
    const b = at(
      2000,
      report({ rtt: 0.01, audio: { lost: 52, received: 198, bytes: 0, jitter: 0 } }),
    );
    const q = computeQuality(a, b, false);
    expect(q.packetLossPct).toBeCloseTo(2);
    expect(q.level).toBe('fair');
  });

  it('first snapshot: rtt-based level only, no rates', () => {
    const q = computeQuality(null, at(0, report({ rtt: 0.5 })), false);
    expect(q.level).toBe('poor');
    expect(q.inKbps).toBeNull();
    expect(q.packetLossPct).toBeNull();
  });
});

describe('qualityLevel thresholds', () => {
  const base = {
    rttMs: 50,
    packetLossPct: 0,
    jitterMs: 5,
    inKbps: 1,
    outKbps: 1,
    fps: 30,
    connectionType: 'direct' as const,
  };
  it.each([
    [{}, true, 'good'],
    [{ packetLossPct: 5.1 }, false, 'poor'],
    [{ packetLossPct: 5 }, false, 'fair'],
    [{ rttMs: 401 }, false, 'poor'],
    [{ rttMs: 201 }, false, 'fair'],
    [{ rttMs: 200 }, false, 'good'],
    [{ jitterMs: 31 }, false, 'fair'],
    [{ packetLossPct: 1.6 }, false, 'fair'],
    [{ fps: 7 }, true, 'poor'],
    [{ fps: 7 }, false, 'good'],
    [{ fps: null }, true, 'good'],
    [{ rttMs: null, packetLossPct: null }, true, 'unknown'],
  ] as const)('%o (video %s) -> %s', (over, video, level) => {
    expect(qualityLevel({ ...base, ...over }, video)).toBe(level);
  });
});
