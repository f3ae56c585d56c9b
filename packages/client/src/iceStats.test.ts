import { describe, expect, it } from 'vitest';
import {
  candidateTypeOf,
  connectionTypeFromStats,
  iceUfragsOf,
  selectedCandidatePair,
  type StatLike,
} from './iceStats.js';

describe('candidateTypeOf', () => {
  it.each([
    [
      'candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.2 rport 46154 generation 0',
      'srflx',
    ],
    ['candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host generation 0 ufrag abcd', 'host'],
    [
      'a=candidate:3 1 udp 41885439 198.51.100.1 3478 typ relay raddr 203.0.113.7 rport 5000',
      'relay',
    ],
    ['candidate:4 1 tcp 1518280447 10.0.0.2 9 typ host tcptype active', 'host'],
    ['candidate:5 1 udp 1845501695 203.0.113.9 5000 typ prflx raddr 0.0.0.0 rport 0', 'prflx'],
    [
      'candidate:1 1 udp 2122260223 3f9e0c1a-1d2b-4d41-9c7e-0a1b2c3d4e5f.local 54321 typ host',
      'host',
    ],
  ])('%s', (line, type) => {
    expect(candidateTypeOf(line)).toBe(type);
  });

  it('null for a line without a known type', () => {
    expect(candidateTypeOf('')).toBeNull();
    expect(candidateTypeOf('candidate:1 1 udp 1 1.2.3.4 5 typ bogus')).toBeNull();
    expect(candidateTypeOf('candidate:1 1 udp 1 1.2.3.4 5')).toBeNull();
  });
});

/** Chromium-style report: transport -> selectedCandidatePairId -> candidates. */
function chromiumReport(local: string, remote: string): StatLike[] {
  return [
    { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1' },
    {
      id: 'CP0',
      type: 'candidate-pair',
      localCandidateId: 'L0',
      remoteCandidateId: 'R0',
      state: 'failed',
    },
    {
      id: 'CP1',
      type: 'candidate-pair',
      localCandidateId: 'L1',
      remoteCandidateId: 'R1',
      state: 'succeeded',
      nominated: true,
    },
    { id: 'L0', type: 'local-candidate', candidateType: 'relay' },
    { id: 'R0', type: 'remote-candidate', candidateType: 'relay' },
    { id: 'L1', type: 'local-candidate', candidateType: local },
    { id: 'R1', type: 'remote-candidate', candidateType: remote },
  ];
}

describe('connectionTypeFromStats', () => {
  it('direct when both ends of the selected pair are host/srflx/prflx', () => {
    expect(connectionTypeFromStats(chromiumReport('host', 'host'))).toBe('direct');
    expect(connectionTypeFromStats(chromiumReport('srflx', 'prflx'))).toBe('direct');
  });

  it('relay when our end is a relay candidate', () => {
    expect(connectionTypeFromStats(chromiumReport('relay', 'host'))).toBe('relay');
  });

  it('relay when only the remote end relays (the media still crosses TURN)', () => {
    expect(connectionTypeFromStats(chromiumReport('srflx', 'relay'))).toBe('relay');
  });

  it('reads only the selected pair, not other (failed) relay pairs', () => {
    const report = chromiumReport('host', 'srflx');
    expect(selectedCandidatePair(report)?.id).toBe('CP1');
    expect(connectionTypeFromStats(report)).toBe('direct');
  });

  it('Firefox style: a pair flagged selected', () => {
    const report: StatLike[] = [
      {
        id: 'p1',
        type: 'candidate-pair',
        localCandidateId: 'a',
        remoteCandidateId: 'b',
        selected: false,
        nominated: true,
        state: 'succeeded',
      },
      {
        id: 'p2',
        type: 'candidate-pair',
        localCandidateId: 'c',
        remoteCandidateId: 'd',
        selected: true,
        nominated: true,
        state: 'succeeded',
      },
      { id: 'a', type: 'local-candidate', candidateType: 'host' },
      { id: 'b', type: 'remote-candidate', candidateType: 'host' },
      { id: 'c', type: 'local-candidate', candidateType: 'relay' },
      { id: 'd', type: 'remote-candidate', candidateType: 'host' },
    ];
    expect(selectedCandidatePair(report)?.id).toBe('p2');
    expect(connectionTypeFromStats(report)).toBe('relay');
  });

  it('falls back to a nominated, succeeded pair', () => {
    const report: StatLike[] = [
      {
        id: 'p1',
        type: 'candidate-pair',
        localCandidateId: 'a',
        remoteCandidateId: 'b',
        nominated: false,
        state: 'succeeded',
      },
      {
        id: 'p2',
        type: 'candidate-pair',
        localCandidateId: 'a',
        remoteCandidateId: 'b',
        nominated: true,
        state: 'in-progress',
      },
      {
        id: 'p3',
        type: 'candidate-pair',
        localCandidateId: 'c',
        remoteCandidateId: 'b',
        nominated: true,
        state: 'succeeded',
      },
      { id: 'a', type: 'local-candidate', candidateType: 'host' },
      { id: 'b', type: 'remote-candidate', candidateType: 'srflx' },
      { id: 'c', type: 'local-candidate', candidateType: 'relay' },
    ];
    expect(selectedCandidatePair(report)?.id).toBe('p3');
    expect(connectionTypeFromStats(report)).toBe('relay');
  });

  it('unknown before any pair is selected', () => {
    expect(connectionTypeFromStats([])).toBe('unknown');
    expect(
      connectionTypeFromStats([
        { id: 'T', type: 'transport' },
        { id: 'p', type: 'candidate-pair', state: 'in-progress', nominated: false },
      ]),
    ).toBe('unknown');
  });

  it('a transport pointing at a missing pair falls back to the pair flags', () => {
    const report: StatLike[] = [
      { id: 'T', type: 'transport', selectedCandidatePairId: 'gone' },
      {
        id: 'p',
        type: 'candidate-pair',
        localCandidateId: 'a',
        remoteCandidateId: 'b',
        nominated: true,
        state: 'succeeded',
      },
      { id: 'a', type: 'local-candidate', candidateType: 'host' },
      { id: 'b', type: 'remote-candidate', candidateType: 'host' },
    ];
    expect(connectionTypeFromStats(report)).toBe('direct');
  });
});

describe('iceUfragsOf', () => {
  it('collects every a=ice-ufrag line (session or media level)', () => {
    const sdp = [
      'v=0',
      'o=- 1 2 IN IP4 127.0.0.1',
      'a=group:BUNDLE 0 1',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=ice-ufrag:AbC1',
      'a=ice-pwd:xyz',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=ice-ufrag:AbC1',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'a=ice-ufrag:Other+/2',
      '',
    ].join('\r\n');
    expect([...iceUfragsOf(sdp)].sort()).toEqual(['AbC1', 'Other+/2']);
  });

  it('empty for an SDP without ICE credentials', () => {
    expect(iceUfragsOf('v=0\r\n').size).toBe(0);
  });
});
