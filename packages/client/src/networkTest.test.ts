import type { IceConfig } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import {
  iceUrlKind,
  networkVerdict,
  runNetworkTest,
  splitIceServers,
  toRtcIceServer,
  wantedCandidateType,
  type Check,
  type probeIceServers,
} from './networkTest.js';

describe('iceUrlKind', () => {
  it.each([
    ['stun:stun.example.org:3478', 'stun'],
    ['stuns:stun.example.org:5349', 'stun'],
    ['turn:turn.example.org:3478', 'turnUdp'],
    ['turn:turn.example.org:3478?transport=udp', 'turnUdp'],
    ['turn:turn.example.org:3478?transport=tcp', 'turnTcp'],
    ['TURN:turn.example.org?transport=TCP', 'turnTcp'],
    ['turns:turn.example.org:5349?transport=tcp', 'turnTls'],
    ['turns:turn.example.org:443', 'turnTls'],
    ['http://example.org', null],
  ])('%s -> %s', (url, kind) => {
    expect(iceUrlKind(url)).toBe(kind);
  });
});

describe('splitIceServers', () => {
  it('one entry per kind, each with only its URLs and the credentials', () => {
    const split = splitIceServers([
      { urls: ['stun:s.example:3478'] },
      {
        urls: [
          'turn:t.example:3478?transport=udp',
          'turn:t.example:3478?transport=tcp',
          'turns:t.example:5349',
        ],
        username: '1700000000:peer',
        credential: 'secret',
      },
    ]);
    expect(split.stun).toEqual([{ urls: ['stun:s.example:3478'] }]);
    expect(split.turnUdp).toEqual([
      {
        urls: ['turn:t.example:3478?transport=udp'],
        username: '1700000000:peer',
        credential: 'secret',
      },
    ]);
    expect(split.turnTcp[0]?.urls).toEqual(['turn:t.example:3478?transport=tcp']);
    expect(split.turnTls[0]?.urls).toEqual(['turns:t.example:5349']);
  });

  it('accepts a single URL string and leaves unconfigured kinds empty', () => {
    const split = splitIceServers([{ urls: 'stun:s.example' }]);
    expect(split.stun).toHaveLength(1);
    expect(split.turnUdp).toEqual([]);
    expect(split.turnTcp).toEqual([]);
    expect(split.turnTls).toEqual([]);
  });

  it('toRtcIceServer drops undefined optional fields', () => {
    expect(toRtcIceServer({ urls: 'stun:x', username: undefined })).toEqual({ urls: 'stun:x' });
  });
});

describe('networkVerdict', () => {
  const nc: Check = 'not-configured';
  it('local-only when nothing is configured', () => {
    expect(networkVerdict({ stun: nc, turnUdp: nc, turnTcp: nc, turnTls: nc })).toBe('local-only');
  });

  it('direct when a reflexive address was found, whatever TURN does', () => {
    expect(networkVerdict({ stun: 'ok', turnUdp: nc, turnTcp: nc, turnTls: nc })).toBe('direct');
    expect(
      networkVerdict({ stun: 'ok', turnUdp: 'failed', turnTcp: 'failed', turnTls: 'failed' }),
    ).toBe('direct');
  });

  it('relay-only when STUN fails (or is absent) but some relay works', () => {
    expect(networkVerdict({ stun: 'failed', turnUdp: 'failed', turnTcp: 'ok', turnTls: nc })).toBe(
      'relay-only',
    );
    expect(networkVerdict({ stun: nc, turnUdp: nc, turnTcp: nc, turnTls: 'ok' })).toBe(
      'relay-only',
    );
    expect(networkVerdict({ stun: 'failed', turnUdp: 'ok', turnTcp: 'ok', turnTls: 'ok' })).toBe(
      'relay-only',
    );
  });

  it('no-relay when something is configured but nothing gets off the network', () => {
    expect(
      networkVerdict({ stun: 'failed', turnUdp: 'failed', turnTcp: 'failed', turnTls: nc }),
    ).toBe('no-relay');
    expect(networkVerdict({ stun: nc, turnUdp: 'failed', turnTcp: nc, turnTls: nc })).toBe(
      'no-relay',
    );
    expect(networkVerdict({ stun: 'failed', turnUdp: nc, turnTcp: nc, turnTls: nc })).toBe(
      'no-relay',
    );
  });
});

describe('runNetworkTest', () => {
  const config: IceConfig = {
    iceServers: [
      { urls: ['stun:s.example:3478'] },
      {
        urls: ['turn:t.example:3478?transport=udp', 'turn:t.example:3478?transport=tcp'],
        username: 'u',
        credential: 'c',
      },
    ],
    expiresAt: 1,
  };

  it('probes each configured kind once with its own servers and the right policy/type', async () => {
    const calls: { urls: unknown; relayOnly: boolean; wanted: string }[] = [];
    const probe: typeof probeIceServers = async (servers, relayOnly, wanted) => {
      calls.push({ urls: servers.map((s) => s.urls), relayOnly, wanted });
      // Pretend UDP is blocked: STUN and TURN/UDP fail, TURN/TCP works.
      return JSON.stringify(servers).includes('transport=tcp');
    };
    const result = await runNetworkTest(config, probe);
    expect(result).toEqual({
      stun: 'failed',
      turnUdp: 'failed',
      turnTcp: 'ok',
      turnTls: 'not-configured',
      verdict: 'relay-only',
    });
    expect(calls).toHaveLength(3);
    expect(calls).toContainEqual({
      urls: [['stun:s.example:3478']],
      relayOnly: false,
      wanted: 'srflx',
    });
    expect(calls).toContainEqual({
      urls: [['turn:t.example:3478?transport=udp']],
      relayOnly: true,
      wanted: 'relay',
    });
  });

  it('with no servers nothing is probed and the verdict is local-only', async () => {
    const probe: typeof probeIceServers = () => {
      throw new Error('must not probe');
    };
    const result = await runNetworkTest({ iceServers: [], expiresAt: null }, probe);
    expect(result.verdict).toBe('local-only');
  });

  it('STUN proves itself with srflx, TURN with relay candidates', () => {
    expect(wantedCandidateType('stun')).toBe('srflx');
    expect(wantedCandidateType('turnUdp')).toBe('relay');
    expect(wantedCandidateType('turnTls')).toBe('relay');
  });
});
