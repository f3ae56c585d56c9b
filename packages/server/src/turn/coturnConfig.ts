import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * Renders a hardened `turnserver.conf` for Debian's coturn 4.6.1. Every rule
 * here answers a measured weakness of that version (see docs/turn.md):
 * - deny ranges are written `start-end`, never CIDR (4.6.1 drops a CIDR line
 *   with only a log message);
 * - IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 forms are denied
 *   explicitly (IPv4 rules do not apply to them);
 * - IPv6 ranges cover whole prefixes (4.6.1 compares addresses byte by byte)
 *   and none starts at `::` (an all-zero bound means "unbounded": deny all);
 * - `allowed-peer-ip` beats the deny list, so it is only ever one address.
 */

export interface PeerRange {
  /** First address, or the only one. */
  readonly start: string;
  /** Last address; absent for a single address. */
  readonly end?: string;
  readonly why: string;
}

const r = (start: string, end: string | undefined, why: string): PeerRange =>
  end === undefined ? { start, why } : { start, end, why };

/** IPv4 peers the relay must never reach (RFC 6890 special-purpose blocks). */
export const DENIED_PEER_RANGES_V4: readonly PeerRange[] = Object.freeze([
  r('0.0.0.0', '0.255.255.255', '"this network" 0.0.0.0/8 (0.0.0.0 reaches local services)'),
  r('10.0.0.0', '10.255.255.255', 'private 10/8'),
  r('100.64.0.0', '100.127.255.255', 'carrier-grade NAT 100.64/10'),
  r('127.0.0.0', '127.255.255.255', 'loopback 127/8'),
  r('169.254.0.0', '169.254.255.255', 'link-local 169.254/16 (cloud metadata 169.254.169.254)'),
  r('172.16.0.0', '172.31.255.255', 'private 172.16/12'),
  r('192.0.0.0', '192.0.0.255', 'IETF protocol assignments 192.0.0/24'),
  r('192.0.2.0', '192.0.2.255', 'documentation TEST-NET-1 192.0.2/24'),
  r('192.88.99.0', '192.88.99.255', '6to4 relay anycast 192.88.99/24'),
  r('192.168.0.0', '192.168.255.255', 'private 192.168/16'),
  r('198.18.0.0', '198.19.255.255', 'benchmarking 198.18/15'),
  r('198.51.100.0', '198.51.100.255', 'documentation TEST-NET-2 198.51.100/24'),
  r('203.0.113.0', '203.0.113.255', 'documentation TEST-NET-3 203.0.113/24'),
  r('224.0.0.0', '239.255.255.255', 'multicast 224/4'),
  r('240.0.0.0', '255.255.255.255', 'reserved 240/4 and broadcast 255.255.255.255'),
]);

const FFFF6 = 'ffff:ffff:ffff:ffff:ffff:ffff';

/** IPv6 peers the relay must never reach; each range is one whole prefix. */
export const DENIED_PEER_RANGES_V6: readonly PeerRange[] = Object.freeze([
  r('::1', undefined, 'loopback ::1'),
  // IPv4-compatible ::a.b.c.d (::/96 without ::) as four prefix-aligned boxes,
  // because a range may not start at :: and must be aligned byte by byte.
  r('::1.0.0.0', '::255.255.255.255', 'IPv4-compatible ::/96, first octet 1-255'),
  r('::0.1.0.0', '::0.255.255.255', 'IPv4-compatible ::/96, ::0.b.c.d'),
  r('::0.0.1.0', '::0.0.255.255', 'IPv4-compatible ::/96, ::0.0.c.d'),
  r('::0.0.0.1', '::0.0.0.255', 'IPv4-compatible ::/96, ::0.0.0.d (includes ::1)'),
  r('::ffff:0.0.0.0', '::ffff:255.255.255.255', 'IPv4-mapped ::ffff:0:0/96 (IPv4 rules miss it)'),
  r('64:ff9b::', '64:ff9b::ffff:ffff', 'NAT64 64:ff9b::/96 (embeds any IPv4 address)'),
  r('64:ff9b:1::', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff', 'local-use NAT64 64:ff9b:1::/48'),
  r('100::', '100::ffff:ffff:ffff:ffff', 'discard-only 100::/64'),
  r(
    '2001::',
    '2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff',
    'IETF protocol assignments 2001::/23 (incl. Teredo 2001::/32)',
  ),
  r('2001:db8::', `2001:db8:${FFFF6}`, 'documentation 2001:db8::/32'),
  r('2002::', `2002:ffff:${FFFF6}`, '6to4 2002::/16 (embeds any IPv4 address)'),
  r('fc00::', `fdff:ffff:${FFFF6}`, 'unique local fc00::/7'),
  r('fe80::', `febf:ffff:${FFFF6}`, 'link-local fe80::/10'),
  r('fec0::', `feff:ffff:${FFFF6}`, 'site-local fec0::/10 (deprecated)'),
  r('ff00::', `ffff:ffff:${FFFF6}`, 'multicast ff00::/8'),
]);

export const DENIED_PEER_RANGES: readonly PeerRange[] = Object.freeze([
  ...DENIED_PEER_RANGES_V4,
  ...DENIED_PEER_RANGES_V6,
]);

// One list per family: Node's BlockList matches IPv4 addresses against
// IPv4-mapped IPv6 rules too, so a shared list would call 8.8.8.8 "denied".
function blockListOf(ranges: readonly PeerRange[], type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    if (range.end === undefined) list.addAddress(range.start, type);
    else list.addRange(range.start, range.end, type);
  }
  return list;
}
const deniedV4 = blockListOf(DENIED_PEER_RANGES_V4, 'ipv4');
const deniedV6 = blockListOf(DENIED_PEER_RANGES_V6, 'ipv6');

/** Whether the rendered deny list covers this address. */
export function isDeniedPeer(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) throw new Error(`not an IP address: ${ip}`);
  return family === 4 ? deniedV4.check(ip, 'ipv4') : deniedV6.check(ip, 'ipv6');
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || (isIPv4(ip) && ip.startsWith('127.'));
}

/** One `external-ip` entry: the public address, optionally mapped to a local relay address. */
export interface ExternalIp {
  readonly publicIp: string;
  readonly privateIp?: string;
}

export interface CoturnTls {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface CoturnConfigOptions {
  /** `static-auth-secret`: the same secret the Parley server mints credentials with. */
  readonly secret: string;
  readonly realm: string;
  /** Addresses to listen on; 0.0.0.0 (all IPv4) in production. */
  readonly listeningIps: readonly string[];
  /** The server's own addresses used for relayed traffic; always explicit. */
  readonly relayIps: readonly string[];
  /** 1:1 NAT (clouds): the public address(es) clients see instead of the relay address. */
  readonly externalIps?: readonly ExternalIp[];
  readonly listeningPort: number;
  /** TURN over TLS; null or absent disables TLS and DTLS. */
  readonly tls?: CoturnTls | null;
  readonly minPort: number;
  readonly maxPort: number;
  readonly userQuota?: number;
  readonly totalQuota?: number;
  readonly pidFile: string;
  /**
   * coturn opens an SQLite user DB even with a static secret; keeping it next
   * to the config keeps coturn out of /var/lib/turn (and works unprivileged).
   */
  readonly userDbFile?: string;
  /**
   * TEST ONLY. Lets the relay reach 127.0.0.1 and ::1 so that a forced-relay
   * browser test works on one machine. Production NEVER sets this: with it,
   * any TURN user can send UDP to services bound to the TURN host's loopback.
   */
  readonly allowLoopbackPeers?: boolean;
}

export const COTURN_DEFAULT_USER_QUOTA = 12;
export const COTURN_DEFAULT_TOTAL_QUOTA = 1200;

// A value must never break out of its line: one newline in a realm or path
// would let it inject any directive (e.g. allowed-peer-ip).
const SAFE_VALUE = /^[\x21-\x7e]+$/;
// Measured on 4.6.1: '#', quotes, backslashes and inner spaces reach coturn
// intact, but leading/trailing spaces are trimmed (every credential fails).
export const COTURN_SAFE_SECRET = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

function checkValue(name: string, value: string, pattern = SAFE_VALUE): string {
  if (!pattern.test(value)) {
    throw new Error(`coturn ${name} contains characters not allowed in turnserver.conf`);
  }
  return value;
}

function checkIp(name: string, ip: string): string {
  if (isIP(ip) === 0) throw new Error(`coturn ${name} is not an IP address: ${ip}`);
  return ip;
}

function checkPort(name: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`coturn ${name} must be a port number (1-65535), got ${port}`);
  }
  return port;
}

function checkPositiveInt(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`coturn ${name} must be a positive integer`);
  return n;
}

function rangeLine(directive: string, range: PeerRange): string {
  const value = range.end === undefined ? range.start : `${range.start}-${range.end}`;
  return `${directive}=${value}`;
}

/**
 * The addresses other clients see as relay candidates, which therefore must
 * stay reachable peers for relay-to-relay calls: the external (NATed public)
 * addresses when set, else the relay addresses themselves.
 */
export function advertisedRelayIps(options: CoturnConfigOptions): string[] {
  const external = options.externalIps ?? [];
  return external.length > 0 ? external.map((e) => e.publicIp) : [...options.relayIps];
}

/**
 * Relay addresses that fall in a denied range and get a single-address
 * `allowed-peer-ip` so relay-to-relay works. Loopback is skipped: coturn's
 * built-in loopback check refuses it anyway unless `allowLoopbackPeers`.
 */
export function relayAllowExceptions(options: CoturnConfigOptions): string[] {
  const seen = new Set<string>();
  for (const ip of advertisedRelayIps(options)) {
    if (isDeniedPeer(ip) && !isLoopback(ip)) seen.add(ip);
  }
  return [...seen];
}

export function renderCoturnConfig(options: CoturnConfigOptions): string {
  if (Buffer.byteLength(options.secret, 'utf8') < 32) {
    throw new Error('coturn static-auth-secret must be at least 32 bytes');
  }
  checkValue('static-auth-secret', options.secret, COTURN_SAFE_SECRET);
  checkValue('realm', options.realm);
  if (options.listeningIps.length === 0) throw new Error('coturn needs at least one listening-ip');
  if (options.relayIps.length === 0) throw new Error('coturn relay-ip must be set explicitly');
  options.listeningIps.forEach((ip) => checkIp('listening-ip', ip));
  for (const ip of options.relayIps) {
    checkIp('relay-ip', ip);
    if (ip === '0.0.0.0' || ip === '::') throw new Error('coturn relay-ip must be a real address');
  }
  for (const e of options.externalIps ?? []) {
    checkIp('external-ip', e.publicIp);
    if (e.privateIp !== undefined) checkIp('external-ip private part', e.privateIp);
  }
  checkPort('listening-port', options.listeningPort);
  checkPort('min-port', options.minPort);
  checkPort('max-port', options.maxPort);
  if (options.minPort > options.maxPort) throw new Error('coturn min-port must be <= max-port');
  const userQuota = checkPositiveInt('user-quota', options.userQuota ?? COTURN_DEFAULT_USER_QUOTA);
  const totalQuota = checkPositiveInt(
    'total-quota',
    options.totalQuota ?? COTURN_DEFAULT_TOTAL_QUOTA,
  );
  checkValue('pidfile', options.pidFile);
  if (options.userDbFile !== undefined) checkValue('userdb', options.userDbFile);
  const tls = options.tls ?? null;
  if (tls !== null) {
    checkPort('tls-listening-port', tls.port);
    checkValue('cert', tls.certFile);
    checkValue('pkey', tls.keyFile);
    if (tls.port === options.listeningPort)
      throw new Error('TLS port must differ from listening-port');
  }
  const allowLoopback = options.allowLoopbackPeers === true;

  const lines: string[] = [
    '# Parley coturn configuration, generated by `npm run turn` (docs/turn.md).',
    '# It contains the TURN secret: keep it private (mode 0600). Do not edit by hand;',
    '# change the TURN_* environment instead.',
    '',
    '# --- authentication: TURN REST API, short-lived HMAC credentials minted by the Parley server',
    'use-auth-secret',
    `static-auth-secret=${options.secret}`,
    `realm=${options.realm}`,
    'fingerprint',
    'stale-nonce=600',
    '',
    '# --- listeners',
    ...options.listeningIps.map((ip) => `listening-ip=${ip}`),
    `listening-port=${options.listeningPort}`,
  ];
  if (tls !== null) {
    lines.push(
      `tls-listening-port=${tls.port}`,
      `cert=${tls.certFile}`,
      `pkey=${tls.keyFile}`,
      '# Browsers never speak DTLS to a TURN server.',
      'no-dtls',
    );
  } else {
    lines.push('no-tls', 'no-dtls');
  }
  lines.push(
    'no-tlsv1',
    'no-tlsv1_1',
    '',
    '# --- relay',
    ...options.relayIps.map((ip) => `relay-ip=${ip}`),
    ...(options.externalIps ?? []).map((e) =>
      e.privateIp === undefined
        ? `external-ip=${e.publicIp}`
        : `external-ip=${e.publicIp}/${e.privateIp}`,
    ),
    `min-port=${options.minPort}`,
    `max-port=${options.maxPort}`,
    '# WebRTC media is UDP; TCP relays (RFC 6062) only widen the SSRF surface.',
    'no-tcp-relay',
    `user-quota=${userQuota}`,
    `total-quota=${totalQuota}`,
    '',
    '# --- surface reduction',
    'no-cli',
    'no-software-attribute',
    '# No RFC 5780 NAT discovery, no legacy STUN: smaller Binding answers, less amplification.',
    'no-rfc5780',
    'no-stun-backward-compatibility',
    'response-origin-only-with-rfc5780',
    '# Only the peer lists below count; nothing is added from a database.',
    'no-dynamic-ip-list',
    'no-dynamic-realms',
    '',
    '# --- process and logging',
    `pidfile=${options.pidFile}`,
    ...(options.userDbFile === undefined ? [] : [`userdb=${options.userDbFile}`]),
    'log-file=stdout',
    'simple-log',
    '',
    '# --- peers the relay must never reach (SSRF to loopback, internal networks, cloud metadata).',
    '# Ranges are start-end: coturn 4.6.1 silently drops CIDR lines.',
    'no-multicast-peers',
    ...DENIED_PEER_RANGES.map((range) => `${rangeLine('denied-peer-ip', range)}`),
  );

  const exceptions = relayAllowExceptions(options);
  if (exceptions.length > 0) {
    lines.push(
      '',
      '# The relay address itself is in a denied range: allow exactly that address so',
      '# that relay-to-relay calls work (allowed-peer-ip beats the deny list).',
      ...exceptions.map((ip) => `allowed-peer-ip=${ip}`),
    );
  }
  if (allowLoopback) {
    lines.push(
      '',
      '# !!! TEST ONLY: loopback peers allowed for a single-machine forced-relay test.',
      '# !!! A production configuration never contains these lines.',
      'allow-loopback-peers',
      'allowed-peer-ip=127.0.0.1',
      'allowed-peer-ip=::1',
    );
  }
  return `${lines.join('\n')}\n`;
}
