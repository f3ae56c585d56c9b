import { describe, expect, it } from 'vitest';
import {
  attr,
  Attr,
  bytesToIp,
  decodeMessage,
  decodeMessageType,
  encodeMessage,
  encodeMessageType,
  ipToBytes,
  longTermKey,
  MessageClass,
  Method,
  read,
  verifyFingerprint,
  verifyIntegrity,
} from './stun.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 5769 test vectors (short-term password for all three).
const RFC5769_PASSWORD = Buffer.from('VOkJxbRl1RmTxUk/WvJxBt');
const RFC5769_REQUEST = hex(`
  0001 0058 2112a442 b7e7a701 bc34d686 fa87dfae
  8022 0010 5354554e 20746573 7420636c 69656e74
  0024 0004 6e0001ff
  8029 0008 932ff9b1 51263b36
  0006 0009 6576746a 3a683676 59202020
  0008 0014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
  8028 0004 e57a3bcf`);
const RFC5769_IPV4_RESPONSE = hex(`
  0101 003c 2112a442 b7e7a701 bc34d686 fa87dfae
  8022 000b 74657374 20766563 746f7220
  0020 0008 0001a147 e112a643
  0008 0014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
  8028 0004 c07d4c96`);
const RFC5769_IPV6_RESPONSE = hex(`
  0101 0048 2112a442 b7e7a701 bc34d686 fa87dfae
  8022 000b 74657374 20766563 746f7220
  0020 0014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9
  0008 0014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41
  8028 0004 c8fb0b4c`);

describe('STUN codec against RFC 5769 vectors', () => {
  it('decodes the sample request and verifies its integrity and fingerprint', () => {
    const m = decodeMessage(RFC5769_REQUEST);
    expect(m.method).toBe(Method.Binding);
    expect(m.cls).toBe(MessageClass.Request);
    expect(read.username(m)).toBe('evtj:h6vY');
    expect(read.software(m)).toBe('STUN test client');
    expect(verifyIntegrity(m, RFC5769_PASSWORD)).toBe(true);
    expect(verifyIntegrity(m, Buffer.from('wrong password'))).toBe(false);
    expect(verifyFingerprint(m)).toBe(true);
  });

  it('decodes XOR-MAPPED-ADDRESS for IPv4 and IPv6 sample responses', () => {
    const v4 = decodeMessage(RFC5769_IPV4_RESPONSE);
    expect(v4.cls).toBe(MessageClass.Success);
    expect(read.xorMappedAddress(v4)).toEqual({ ip: '192.0.2.1', port: 32853 });
    expect(verifyIntegrity(v4, RFC5769_PASSWORD)).toBe(true);
    expect(verifyFingerprint(v4)).toBe(true);

    const v6 = decodeMessage(RFC5769_IPV6_RESPONSE);
    expect(read.xorMappedAddress(v6)).toEqual({
      ip: '2001:db8:1234:5678:11:2233:4455:6677',
      port: 32853,
    });
    expect(verifyIntegrity(v6, RFC5769_PASSWORD)).toBe(true);
    expect(verifyFingerprint(v6)).toBe(true);
  });

  it('detects a flipped byte through FINGERPRINT and MESSAGE-INTEGRITY', () => {
    const tampered = Buffer.from(RFC5769_IPV4_RESPONSE);
    tampered[34] = (tampered[34] ?? 0) ^ 0x01; // inside XOR-MAPPED-ADDRESS
    const m = decodeMessage(tampered);
    expect(verifyFingerprint(m)).toBe(false);
    expect(verifyIntegrity(m, RFC5769_PASSWORD)).toBe(false);
  });

  it('re-encodes the IPv4 sample response byte for byte', () => {
    const m = decodeMessage(RFC5769_IPV4_RESPONSE);
    const software = { type: Attr.Software, value: Buffer.from('test vector') };
    const xorMapped = m.attributes.find((a) => a.type === Attr.XorMappedAddress);
    expect(xorMapped).toBeDefined();
    const again = encodeMessage(
      Method.Binding,
      MessageClass.Success,
      m.transactionId,
      [software, xorMapped!],
      {
        integrityKey: RFC5769_PASSWORD,
        fingerprint: true,
      },
    );
    // RFC 5769 pads SOFTWARE with a space where we pad with zero: compare around it.
    expect(again.length).toBe(RFC5769_IPV4_RESPONSE.length);
    expect(again.subarray(0, 35).equals(RFC5769_IPV4_RESPONSE.subarray(0, 35))).toBe(true);
    expect(verifyIntegrity(decodeMessage(again), RFC5769_PASSWORD)).toBe(true);
  });
});

describe('STUN message types', () => {
  it.each([
    [Method.Binding, MessageClass.Request, 0x0001],
    [Method.Binding, MessageClass.Success, 0x0101],
    [Method.Allocate, MessageClass.Request, 0x0003],
    [Method.Allocate, MessageClass.Success, 0x0103],
    [Method.Allocate, MessageClass.Error, 0x0113],
    [Method.Refresh, MessageClass.Request, 0x0004],
    [Method.Send, MessageClass.Indication, 0x0016],
    [Method.Data, MessageClass.Indication, 0x0017],
    [Method.CreatePermission, MessageClass.Request, 0x0008],
    [Method.ChannelBind, MessageClass.Error, 0x0119],
  ])('method %i class %i is type 0x%s', (method, cls, type) => {
    expect(encodeMessageType(method, cls)).toBe(type);
    expect(decodeMessageType(type)).toEqual({ method, cls });
  });
});

describe('TURN attributes', () => {
  const tid = Buffer.from('0102030405060708090a0b0c', 'hex');

  it.each([
    '1.2.3.4',
    '127.0.0.1',
    '::1',
    '2001:db8::1',
    '::ffff:169.254.169.254',
    'fe80::1',
    '64:ff9b::a9fe:a9fe',
  ])('round-trips XOR-PEER-ADDRESS %s', (ip) => {
    const packet = encodeMessage(Method.CreatePermission, MessageClass.Request, tid, [
      attr.xorPeerAddress({ ip, port: 4242 }, tid),
    ]);
    const peer = read.xorPeerAddress(decodeMessage(packet));
    expect(peer?.port).toBe(4242);
    expect(ipToBytes(peer?.ip ?? '').equals(ipToBytes(ip))).toBe(true);
  });

  it('parses and prints IP literals', () => {
    expect([...ipToBytes('10.0.0.1')]).toEqual([10, 0, 0, 1]);
    expect(ipToBytes('::ffff:127.0.0.1').toString('hex')).toBe('00000000000000000000ffff7f000001');
    expect(ipToBytes('2002:a9fe:a9fe::1').toString('hex')).toBe('2002a9fea9fe00000000000000000001');
    expect(ipToBytes('fc00::').toString('hex')).toBe('fc000000000000000000000000000000');
    expect(bytesToIp(ipToBytes('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(bytesToIp(ipToBytes('::'))).toBe('::');
    expect(() => ipToBytes('10.0.0.0/8')).toThrow();
  });

  it('carries integrity over authenticated TURN requests and rejects the wrong key', () => {
    const key = longTermKey('1700000000:alice', 'parley', 'secret');
    expect(key.toString('hex')).toHaveLength(32);
    const packet = encodeMessage(
      Method.Allocate,
      MessageClass.Request,
      tid,
      [
        attr.requestedTransport(17),
        attr.username('1700000000:alice'),
        attr.realm('parley'),
        attr.nonce('abc'),
      ],
      { integrityKey: key, fingerprint: true },
    );
    const m = decodeMessage(packet);
    expect(verifyIntegrity(m, key)).toBe(true);
    expect(verifyIntegrity(m, longTermKey('1700000000:alice', 'parley', 'other'))).toBe(false);
    expect(verifyFingerprint(m)).toBe(true);
    expect(read.realm(m)).toBe('parley');
  });

  it('reads ERROR-CODE and strips the NUL coturn leaves at the end of some reasons', () => {
    const value = Buffer.concat([Buffer.from([0, 0, 4, 3]), Buffer.from('Forbidden IP\0')]);
    const m = decodeMessage(
      encodeMessage(Method.CreatePermission, MessageClass.Error, tid, [
        { type: Attr.ErrorCode, value },
      ]),
    );
    expect(read.errorCode(m)).toEqual({ code: 403, reason: 'Forbidden IP' });
  });

  it('reads LIFETIME, DATA and several XOR-RELAYED-ADDRESS attributes', () => {
    const relayed4 = attr.xorPeerAddress({ ip: '127.0.0.1', port: 50000 }, tid);
    const relayed6 = attr.xorPeerAddress({ ip: '::1', port: 50001 }, tid);
    const m = decodeMessage(
      encodeMessage(Method.Allocate, MessageClass.Success, tid, [
        { type: Attr.XorRelayedAddress, value: relayed4.value },
        { type: Attr.XorRelayedAddress, value: relayed6.value },
        attr.lifetime(600),
        attr.data(Buffer.from('hi')),
      ]),
    );
    expect(read.xorRelayedAddresses(m)).toEqual([
      { ip: '127.0.0.1', port: 50000 },
      { ip: '::1', port: 50001 },
    ]);
    expect(read.lifetime(m)).toBe(600);
    expect(read.data(m)?.toString()).toBe('hi');
  });

  it('refuses truncated messages', () => {
    expect(() => decodeMessage(RFC5769_IPV4_RESPONSE.subarray(0, 40))).toThrow(/length/);
    expect(() => decodeMessage(Buffer.alloc(10))).toThrow(/not a STUN/);
  });
});
