import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * A small STUN codec (RFC 5389 / RFC 8489, TURN attributes from RFC 8656 and
 * RFC 6156), written for the coturn tests: just enough to Allocate,
 * CreatePermission, ChannelBind, Send and Refresh, and to check the server's
 * MESSAGE-INTEGRITY and FINGERPRINT. Not a general-purpose library.
 */

export const MAGIC_COOKIE = 0x2112a442;
const HEADER_BYTES = 20;
const FINGERPRINT_XOR = 0x5354554e;

export const Method = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
} as const;
export type Method = (typeof Method)[keyof typeof Method];

export const MessageClass = {
  Request: 0b00,
  Indication: 0b01,
  Success: 0b10,
  Error: 0b11,
} as const;
export type MessageClass = (typeof MessageClass)[keyof typeof MessageClass];

export const Attr = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  ChannelNumber: 0x000c,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedAddressFamily: 0x0017,
  RequestedTransport: 0x0019,
  XorMappedAddress: 0x0020,
  Software: 0x8022,
  Fingerprint: 0x8028,
} as const;

/** IANA protocol numbers carried in REQUESTED-TRANSPORT. */
export const Transport = { UDP: 17, TCP: 6 } as const;
/** RFC 6156 address family codes (the same values as in address attributes). */
export const Family = { IPv4: 0x01, IPv6: 0x02 } as const;
export type Family = (typeof Family)[keyof typeof Family];

export interface TransportAddress {
  ip: string;
  port: number;
}

export interface StunAttribute {
  type: number;
  value: Buffer;
}

export interface StunMessage {
  method: number;
  cls: MessageClass;
  transactionId: Buffer;
  attributes: StunAttribute[];
  /** The whole message as received (needed to check MESSAGE-INTEGRITY). */
  raw: Buffer;
}

export function newTransactionId(): Buffer {
  return randomBytes(12);
}

// The 14-bit message type interleaves the class bits C1 (bit 8) and C0 (bit 4)
// into the method bits (RFC 5389 section 6, figure 3).
export function encodeMessageType(method: number, cls: MessageClass): number {
  return (
    ((method & 0xf80) << 2) |
    ((method & 0x070) << 1) |
    (method & 0x00f) |
    ((cls & 0b10) << 7) |
    ((cls & 0b01) << 4)
  );
}

export function decodeMessageType(type: number): { method: number; cls: MessageClass } {
  const method = ((type & 0x3e00) >> 2) | ((type & 0x00e0) >> 1) | (type & 0x000f);
  const cls = (((type & 0x0100) >> 7) | ((type & 0x0010) >> 4)) as MessageClass;
  return { method, cls };
}

// ---------------------------------------------------------------- addresses

/** 4 or 16 bytes of an IP literal; throws on anything else. */
export function ipToBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map((o) => Number(o)));
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  let text = ip.split('%')[0] ?? ip;
  // An embedded dotted quad (::ffff:1.2.3.4) becomes two hex groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const b = ipToBytes(dotted[1]);
    const hi = ((b[0] ?? 0) << 8) | (b[1] ?? 0);
    const lo = ((b[2] ?? 0) << 8) | (b[3] ?? 0);
    text = `${text.slice(0, -dotted[1].length)}${hi.toString(16)}:${lo.toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = 8 - headGroups.length - tailGroups.length;
  const groups = [
    ...headGroups,
    ...new Array<string>(tail === undefined ? 0 : zeros).fill('0'),
    ...tailGroups,
  ];
  if (groups.length !== 8) throw new Error(`malformed IPv6 address: ${ip}`);
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export function bytesToIp(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) throw new Error(`address of ${bytes.length} bytes`);
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // Canonical-enough form: compress the longest run of zero groups.
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { start: i, len: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  const left = groups.slice(0, best.start).join(':');
  const right = groups.slice(best.start + best.len).join(':');
  return `${left}::${right}`;
}

function xorAddressValue(addr: TransportAddress, transactionId: Buffer): Buffer {
  const ipBytes = ipToBytes(addr.ip);
  const family = ipBytes.length === 4 ? Family.IPv4 : Family.IPv6;
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(mask, 4);
  const out = Buffer.alloc(4 + ipBytes.length);
  out.writeUInt8(0, 0);
  out.writeUInt8(family, 1);
  out.writeUInt16BE(addr.port ^ (MAGIC_COOKIE >>> 16), 2);
  for (let i = 0; i < ipBytes.length; i++) out[4 + i] = (ipBytes[i] ?? 0) ^ (mask[i] ?? 0);
  return out;
}

function decodeXorAddress(value: Buffer, transactionId: Buffer): TransportAddress {
  const family = value.readUInt8(1);
  const length = family === Family.IPv4 ? 4 : family === Family.IPv6 ? 16 : -1;
  if (length < 0 || value.length < 4 + length) throw new Error(`bad address family ${family}`);
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(mask, 4);
  const ip = Buffer.alloc(length);
  for (let i = 0; i < length; i++) ip[i] = (value[4 + i] ?? 0) ^ (mask[i] ?? 0);
  return { ip: bytesToIp(ip), port: value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16) };
}

// --------------------------------------------------------------- attributes

export const attr = {
  username: (name: string): StunAttribute => ({ type: Attr.Username, value: Buffer.from(name) }),
  realm: (realm: string): StunAttribute => ({ type: Attr.Realm, value: Buffer.from(realm) }),
  nonce: (nonce: string): StunAttribute => ({ type: Attr.Nonce, value: Buffer.from(nonce) }),
  lifetime: (seconds: number): StunAttribute => {
    const v = Buffer.alloc(4);
    v.writeUInt32BE(seconds, 0);
    return { type: Attr.Lifetime, value: v };
  },
  requestedTransport: (protocol: number): StunAttribute => {
    const v = Buffer.alloc(4);
    v.writeUInt8(protocol, 0);
    return { type: Attr.RequestedTransport, value: v };
  },
  requestedAddressFamily: (family: Family): StunAttribute => {
    const v = Buffer.alloc(4);
    v.writeUInt8(family, 0);
    return { type: Attr.RequestedAddressFamily, value: v };
  },
  channelNumber: (channel: number): StunAttribute => {
    const v = Buffer.alloc(4);
    v.writeUInt16BE(channel, 0);
    return { type: Attr.ChannelNumber, value: v };
  },
  data: (payload: Buffer): StunAttribute => ({ type: Attr.Data, value: payload }),
  /** XOR-PEER-ADDRESS; needs the transaction id because IPv6 is masked with it. */
  xorPeerAddress: (addr: TransportAddress, transactionId: Buffer): StunAttribute => ({
    type: Attr.XorPeerAddress,
    value: xorAddressValue(addr, transactionId),
  }),
};

// ------------------------------------------------------------------ encoding

export interface EncodeOptions {
  /** Long-term or short-term key: appends MESSAGE-INTEGRITY. */
  integrityKey?: Buffer;
  fingerprint?: boolean;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function encodeAttribute(a: StunAttribute): Buffer {
  const out = Buffer.alloc(4 + pad4(a.value.length));
  out.writeUInt16BE(a.type, 0);
  out.writeUInt16BE(a.value.length, 2);
  a.value.copy(out, 4);
  return out;
}

export function encodeMessage(
  method: number,
  cls: MessageClass,
  transactionId: Buffer,
  attributes: readonly StunAttribute[],
  options: EncodeOptions = {},
): Buffer {
  if (transactionId.length !== 12) throw new Error('transaction id must be 12 bytes');
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(encodeMessageType(method, cls), 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(header, 8);
  let msg = Buffer.concat([header, ...attributes.map(encodeAttribute)]);

  if (options.integrityKey !== undefined) {
    // The length field must already count MESSAGE-INTEGRITY (24 bytes) when the HMAC is computed.
    msg.writeUInt16BE(msg.length - HEADER_BYTES + 24, 2);
    const hmac = createHmac('sha1', options.integrityKey).update(msg).digest();
    msg = Buffer.concat([msg, encodeAttribute({ type: Attr.MessageIntegrity, value: hmac })]);
  }
  if (options.fingerprint === true) {
    msg.writeUInt16BE(msg.length - HEADER_BYTES + 8, 2);
    const v = Buffer.alloc(4);
    v.writeUInt32BE((crc32(msg) ^ FINGERPRINT_XOR) >>> 0, 0);
    msg = Buffer.concat([msg, encodeAttribute({ type: Attr.Fingerprint, value: v })]);
  }
  msg.writeUInt16BE(msg.length - HEADER_BYTES, 2);
  return msg;
}

// ------------------------------------------------------------------ decoding

/** True when the buffer starts like a STUN message (first two bits 0, magic cookie). */
export function looksLikeStun(buf: Buffer): boolean {
  return (
    buf.length >= HEADER_BYTES && (buf[0] ?? 0xff) < 0x40 && buf.readUInt32BE(4) === MAGIC_COOKIE
  );
}

export function decodeMessage(buf: Buffer): StunMessage {
  if (!looksLikeStun(buf)) throw new Error('not a STUN message');
  const length = buf.readUInt16BE(2);
  if (length % 4 !== 0 || HEADER_BYTES + length > buf.length) {
    throw new Error(`bad STUN length ${length} for ${buf.length} bytes`);
  }
  const { method, cls } = decodeMessageType(buf.readUInt16BE(0));
  const attributes: StunAttribute[] = [];
  let off = HEADER_BYTES;
  const end = HEADER_BYTES + length;
  while (off + 4 <= end) {
    const type = buf.readUInt16BE(off);
    const len = buf.readUInt16BE(off + 2);
    if (off + 4 + len > end) throw new Error(`attribute 0x${type.toString(16)} overruns message`);
    attributes.push({ type, value: Buffer.from(buf.subarray(off + 4, off + 4 + len)) });
    off += 4 + pad4(len);
  }
  return {
    method,
    cls,
    transactionId: Buffer.from(buf.subarray(8, 20)),
    attributes,
    raw: Buffer.from(buf.subarray(0, end)),
  };
}

export function findAttribute(msg: StunMessage, type: number): Buffer | undefined {
  return msg.attributes.find((a) => a.type === type)?.value;
}

function text(msg: StunMessage, type: number): string | undefined {
  return findAttribute(msg, type)?.toString('utf8');
}

export const read = {
  username: (m: StunMessage) => text(m, Attr.Username),
  realm: (m: StunMessage) => text(m, Attr.Realm),
  nonce: (m: StunMessage) => text(m, Attr.Nonce),
  software: (m: StunMessage) => text(m, Attr.Software),
  lifetime: (m: StunMessage): number | undefined =>
    findAttribute(m, Attr.Lifetime)?.readUInt32BE(0),
  data: (m: StunMessage) => findAttribute(m, Attr.Data),
  xorMappedAddress: (m: StunMessage) => xorAddress(m, Attr.XorMappedAddress),
  xorPeerAddress: (m: StunMessage) => xorAddress(m, Attr.XorPeerAddress),
  /** All XOR-RELAYED-ADDRESS attributes (RFC 8656 allows one per family). */
  xorRelayedAddresses: (m: StunMessage): TransportAddress[] =>
    m.attributes
      .filter((a) => a.type === Attr.XorRelayedAddress)
      .map((a) => decodeXorAddress(a.value, m.transactionId)),
  errorCode: (m: StunMessage): { code: number; reason: string } | undefined => {
    const v = findAttribute(m, Attr.ErrorCode);
    if (v === undefined || v.length < 4) return undefined;
    const code = (v.readUInt8(2) & 0x07) * 100 + v.readUInt8(3);
    // coturn ends some reason phrases with a NUL byte.
    const reason = v.subarray(4).toString('utf8').replace(/\0+$/, '');
    return { code, reason };
  },
};

function xorAddress(m: StunMessage, type: number): TransportAddress | undefined {
  const v = findAttribute(m, type);
  return v === undefined ? undefined : decodeXorAddress(v, m.transactionId);
}

// ------------------------------------------------------------- integrity

/** Long-term credential key (RFC 5389 section 15.4): MD5(username ":" realm ":" password). */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest();
}

function attributeOffset(msg: StunMessage, type: number): number | undefined {
  let off = HEADER_BYTES;
  for (const a of msg.attributes) {
    if (a.type === type) return off;
    off += 4 + pad4(a.value.length);
  }
  return undefined;
}

/** Checks MESSAGE-INTEGRITY; false when missing or wrong. */
export function verifyIntegrity(msg: StunMessage, key: Buffer): boolean {
  const off = attributeOffset(msg, Attr.MessageIntegrity);
  const expected = findAttribute(msg, Attr.MessageIntegrity);
  if (off === undefined || expected?.length !== 20) return false;
  const covered = Buffer.from(msg.raw.subarray(0, off));
  covered.writeUInt16BE(off - HEADER_BYTES + 24, 2);
  const actual = createHmac('sha1', key).update(covered).digest();
  return timingSafeEqual(actual, expected);
}

/** Checks FINGERPRINT; false when missing or wrong. */
export function verifyFingerprint(msg: StunMessage): boolean {
  const off = attributeOffset(msg, Attr.Fingerprint);
  const value = findAttribute(msg, Attr.Fingerprint);
  if (off === undefined || value?.length !== 4) return false;
  const covered = Buffer.from(msg.raw.subarray(0, off));
  covered.writeUInt16BE(off - HEADER_BYTES + 8, 2);
  return (crc32(covered) ^ FINGERPRINT_XOR) >>> 0 === value.readUInt32BE(0);
}
