import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ipToBytes } from '../../test/turn/stun.js';
import {
  DENIED_PEER_RANGES,
  DENIED_PEER_RANGES_V6,
  isDeniedPeer,
  renderCoturnConfig,
  type CoturnConfigOptions,
} from './coturnConfig.js';

const production: CoturnConfigOptions = {
  secret: 'a'.repeat(64),
  realm: 'parley',
  listeningIps: ['0.0.0.0'],
  relayIps: ['198.51.100.7'.replace('198.51.100', '93.184.215')],
  listeningPort: 3478,
  minPort: 49160,
  maxPort: 49200,
  pidFile: '/srv/parley/.turn/turnserver.pid',
  userDbFile: '/srv/parley/.turn/turndb',
};

const directives = (text: string): string[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.trim());

const valuesOf = (text: string, key: string): string[] =>
  directives(text)
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));

/**
 * coturn 4.6.1 compares IPv6 range bounds byte by byte (every byte of the
 * peer must lie between the bounds' bytes), so a range means what it says
 * only if it is a "box": equal leading bytes, one byte spanning [a, b], then
 * 00..00 in the start and ff..ff in the end. Every CIDR block is such a box.
 */
function isByteBox(start: string, end: string): boolean {
  const a = ipToBytes(start);
  const b = ipToBytes(end);
  if (a.length !== b.length) return false;
  let k = 0;
  while (k < a.length && a[k] === b[k]) k++;
  return a.subarray(k + 1).every((x) => x === 0x00) && b.subarray(k + 1).every((x) => x === 0xff);
}

/** coturn 4.6.1's own range test (ioa_addr_in_range), re-implemented to cross-check isDeniedPeer. */
function coturnDenies(ip: string): boolean {
  const peer = ipToBytes(ip);
  return DENIED_PEER_RANGES.some((r) => {
    const lo = ipToBytes(r.start);
    const hi = ipToBytes(r.end ?? r.start);
    if (lo.length !== peer.length) return false;
    if (peer.length === 4)
      return (
        lo.readUInt32BE(0) <= peer.readUInt32BE(0) && peer.readUInt32BE(0) <= hi.readUInt32BE(0)
      );
    return [...peer].every((byte, i) => (lo[i] ?? 0) <= byte && byte <= (hi[i] ?? 0));
  });
}

const MUST_DENY = [
  '0.0.0.0',
  '0.1.2.3',
  '10.0.0.1',
  '10.255.255.255',
  '100.64.0.1',
  '100.127.255.254',
  '127.0.0.1',
  '127.1.2.3',
  '169.254.169.254',
  '172.16.0.1',
  '172.31.255.255',
  '192.0.0.8',
  '192.0.2.1',
  '192.88.99.1',
  '192.168.0.1',
  '198.18.0.1',
  '198.19.255.255',
  '198.51.100.1',
  '203.0.113.1',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255',
  '::1',
  '::0.0.0.1',
  '::127.0.0.1',
  '::169.254.169.254',
  '::0.0.1.0',
  '::0.1.0.0',
  '::ffff:127.0.0.1',
  '::ffff:169.254.169.254',
  '::ffff:8.8.8.8',
  '64:ff9b::a9fe:a9fe',
  '64:ff9b:1::1',
  '100::1',
  '2001::1',
  '2001:0:4136:e378::1',
  '2001:db8::1',
  '2002:a9fe:a9fe::1',
  'fc00::1',
  'fdff::1',
  'fe80::1',
  'febf::1',
  'fec0::1',
  'ff02::1',
  'ffff::1',
];
const MUST_ALLOW = [
  '1.1.1.1',
  '8.8.8.8',
  '93.184.215.7',
  '100.63.255.255',
  '100.128.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.169.0.1',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2a00:1450:4001::1',
  '2001:200::1',
  '2003::1',
  'fbff::1',
  '64:ff9c::1',
];

describe('renderCoturnConfig (production)', () => {
  const text = renderCoturnConfig(production);
  const lines = directives(text);

  it('contains every hardening directive', () => {
    for (const d of [
      'use-auth-secret',
      `static-auth-secret=${production.secret}`,
      'realm=parley',
      'fingerprint',
      'no-cli',
      'no-multicast-peers',
      'no-tcp-relay',
      'user-quota=12',
      'total-quota=1200',
      'stale-nonce=600',
      'no-tlsv1',
      'no-tlsv1_1',
      'no-tls',
      'no-dtls',
      'listening-ip=0.0.0.0',
      'listening-port=3478',
      'relay-ip=93.184.215.7',
      'min-port=49160',
      'max-port=49200',
      'pidfile=/srv/parley/.turn/turnserver.pid',
      'userdb=/srv/parley/.turn/turndb',
      'log-file=stdout',
      'simple-log',
      'no-software-attribute',
      'no-rfc5780',
      'no-dynamic-ip-list',
    ]) {
      expect(lines, d).toContain(d);
    }
  });

  it('never relays to loopback and never opens an admin interface', () => {
    expect(lines).not.toContain('allow-loopback-peers');
    expect(lines.some((l) => l.startsWith('web-admin') || l.startsWith('cli-'))).toBe(false);
    expect(
      lines.some((l) => l === 'no-auth' || l === 'lt-cred-mech' || l.startsWith('user=')),
    ).toBe(false);
    expect(valuesOf(text, 'allowed-peer-ip')).toEqual([]);
  });

  it('writes no CIDR: no address line contains "/"', () => {
    for (const key of ['denied-peer-ip', 'allowed-peer-ip', 'listening-ip', 'relay-ip']) {
      for (const v of valuesOf(text, key)) expect(v, `${key}=${v}`).not.toContain('/');
    }
  });

  it('writes every deny rule as one address or a start-end range of valid, ordered addresses', () => {
    const denied = valuesOf(text, 'denied-peer-ip');
    expect(denied).toHaveLength(DENIED_PEER_RANGES.length);
    for (const v of denied) {
      const [start = '', end, extra] = v.split('-');
      expect(extra, v).toBeUndefined();
      expect(isIP(start), v).not.toBe(0);
      if (end === undefined) continue;
      expect(isIP(end), v).toBe(isIP(start));
      expect(Buffer.compare(ipToBytes(start), ipToBytes(end)), v).toBeLessThan(0);
    }
  });

  it('writes every range as a byte-wise box (whole prefixes) and no IPv6 range starting at ::', () => {
    // An all-zero IPv6 bound means "unbounded" to coturn: `::-x` would deny everything.
    // (IPv4 0.0.0.0-0.255.255.255 is fine: coturn never compares across families.)
    for (const range of DENIED_PEER_RANGES_V6) {
      expect(
        ipToBytes(range.start).some((b) => b !== 0),
        range.start,
      ).toBe(true);
    }
    for (const range of DENIED_PEER_RANGES) {
      if (range.end !== undefined)
        expect(isByteBox(range.start, range.end), `${range.start}-${range.end}`).toBe(true);
    }
    expect(valuesOf(text, 'denied-peer-ip').some((v) => v === '::' || v.startsWith('::-'))).toBe(
      false,
    );
    // The check is not vacuous: a range that is not a box under-blocks on 4.6.1.
    expect(isByteBox('fc00::', 'fe00::')).toBe(false);
    expect(isByteBox('::1', 'ffff::')).toBe(false);
  });

  it.each(MUST_DENY)("denies %s (in our model and in coturn's byte-wise model)", (ip) => {
    expect(isDeniedPeer(ip)).toBe(true);
    expect(coturnDenies(ip)).toBe(true);
  });

  it.each(MUST_ALLOW)('leaves public %s reachable in both models', (ip) => {
    expect(isDeniedPeer(ip)).toBe(false);
    expect(coturnDenies(ip)).toBe(false);
  });

  it('denies the IPv4-compatible range in four boxes that exclude :: itself', () => {
    const compat = DENIED_PEER_RANGES_V6.filter(
      (r) => r.end !== undefined && /^::\d/.test(r.start),
    );
    expect(compat.map((r) => r.start)).toEqual([
      '::1.0.0.0',
      '::0.1.0.0',
      '::0.0.1.0',
      '::0.0.0.1',
    ]);
  });
});

describe('renderCoturnConfig options', () => {
  it('allows a relay address that falls in a denied range, as one address', () => {
    const text = renderCoturnConfig({
      ...production,
      listeningIps: ['10.91.3.2'],
      relayIps: ['10.91.3.2'],
    });
    expect(valuesOf(text, 'allowed-peer-ip')).toEqual(['10.91.3.2']);
    expect(valuesOf(text, 'denied-peer-ip')).toContain('10.0.0.0-10.255.255.255');
  });

  it('behind 1:1 NAT allows the public address only when it is denied, never the private one', () => {
    const nat = renderCoturnConfig({
      ...production,
      relayIps: ['10.0.0.5'],
      externalIps: [{ publicIp: '93.184.215.7', privateIp: '10.0.0.5' }],
    });
    expect(valuesOf(nat, 'external-ip')).toEqual(['93.184.215.7/10.0.0.5']);
    expect(valuesOf(nat, 'allowed-peer-ip')).toEqual([]);
  });

  it('does not allow a loopback relay address unless loopback peers are enabled', () => {
    const text = renderCoturnConfig({
      ...production,
      listeningIps: ['127.0.0.1', '::1'],
      relayIps: ['127.0.0.1', '::1'],
    });
    expect(valuesOf(text, 'allowed-peer-ip')).toEqual([]);
    expect(directives(text)).not.toContain('allow-loopback-peers');
  });

  it('TEST-ONLY allowLoopbackPeers adds allow-loopback-peers and exactly 127.0.0.1 and ::1', () => {
    const text = renderCoturnConfig({ ...production, allowLoopbackPeers: true });
    expect(directives(text)).toContain('allow-loopback-peers');
    expect(valuesOf(text, 'allowed-peer-ip')).toEqual(['127.0.0.1', '::1']);
    // The rest of the deny list stays: 127.1.2.3 is still refused.
    expect(valuesOf(text, 'denied-peer-ip')).toContain('127.0.0.0-127.255.255.255');
  });

  it('configures TLS with certificate and key instead of no-tls', () => {
    const text = renderCoturnConfig({
      ...production,
      tls: { port: 443, certFile: '/etc/parley/turn.crt', keyFile: '/etc/parley/turn.key' },
    });
    const lines = directives(text);
    expect(lines).toEqual(
      expect.arrayContaining([
        'tls-listening-port=443',
        'cert=/etc/parley/turn.crt',
        'pkey=/etc/parley/turn.key',
        'no-tlsv1',
        'no-tlsv1_1',
        'no-dtls',
      ]),
    );
    expect(lines).not.toContain('no-tls');
  });

  it('takes configured quotas', () => {
    const lines = directives(renderCoturnConfig({ ...production, userQuota: 4, totalQuota: 40 }));
    expect(lines).toEqual(expect.arrayContaining(['user-quota=4', 'total-quota=40']));
  });

  it('refuses values that are unsafe or would inject directives', () => {
    expect(() => renderCoturnConfig({ ...production, secret: 'short' })).toThrow(/32 bytes/);
    expect(() =>
      renderCoturnConfig({ ...production, secret: `${'a'.repeat(40)}\nallow-loopback-peers` }),
    ).toThrow();
    expect(() => renderCoturnConfig({ ...production, secret: ` ${'a'.repeat(40)}` })).toThrow();
    expect(() => renderCoturnConfig({ ...production, realm: 'parley\nno-auth' })).toThrow();
    expect(() =>
      renderCoturnConfig({
        ...production,
        pidFile: '/tmp/x\nallowed-peer-ip=10.0.0.0-10.255.255.255',
      }),
    ).toThrow();
    expect(() => renderCoturnConfig({ ...production, relayIps: [] })).toThrow(/relay-ip/);
    expect(() => renderCoturnConfig({ ...production, relayIps: ['0.0.0.0'] })).toThrow(/relay-ip/);
    expect(() => renderCoturnConfig({ ...production, relayIps: ['10.0.0.0/8'] })).toThrow(
      /IP address/,
    );
    expect(() => renderCoturnConfig({ ...production, minPort: 50000, maxPort: 49000 })).toThrow(
      /min-port/,
    );
  });
});
