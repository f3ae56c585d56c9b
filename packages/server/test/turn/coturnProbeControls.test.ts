import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { mintTurnCredential } from '../../src/turn/credentials.js';
import { startTestCoturn, type TestCoturn } from './coturnHarness.js';
import { Family } from './stun.js';
import { TurnClient } from './turnClient.js';
import { openUdpListener, type UdpListener } from './udpListener.js';

/**
 * Controls for the relay-abuse probe, so that its "refused" and "nothing
 * arrived" results mean something:
 * - with the TEST-ONLY allowLoopbackPeers config the very same client and
 *   Send indication DO reach a loopback listener (the data path works), while
 *   every other denied target stays refused;
 * - without Parley's deny list, coturn 4.6.1 relays to internal targets (the
 *   probe detects a weak config).
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function allocated(
  server: { port: number; secret: string },
  ip: string,
  family: Family,
): Promise<TurnClient> {
  const c = await TurnClient.open({ ip, port: server.port });
  cleanups.push(async () => {
    await c.refresh(0).catch(() => undefined);
    c.close();
  });
  const cred = mintTurnCredential(server.secret, 'control', 600, Date.now());
  const result = await c.allocate({
    credentials: { username: cred.username, password: cred.credential },
    family,
  });
  if (!result.ok) throw new Error(`allocation failed: ${result.code} ${result.reason}`);
  return c;
}

async function listener(host: '127.0.0.1' | '::1'): Promise<UdpListener> {
  const l = await openUdpListener(host);
  cleanups.push(() => l.close());
  return l;
}

async function started(...args: Parameters<typeof startTestCoturn>): Promise<TestCoturn> {
  const c = await startTestCoturn(...args);
  cleanups.push(() => c.stop());
  return c;
}

describe('TEST-ONLY allowLoopbackPeers config (forced-relay browser test)', () => {
  it('relays a Send indication to 127.0.0.1 and ::1 and carries the answer back', async () => {
    const coturn = await started({ allowLoopbackPeers: true });
    for (const [host, family] of [
      ['127.0.0.1', Family.IPv4],
      ['::1', Family.IPv6],
    ] as const) {
      const client = await allocated(coturn, host, family);
      const peer = await listener(host);
      expect((await client.createPermission([{ ip: host, port: peer.port }])).ok).toBe(true);
      const marker = randomBytes(16);
      await client.sendIndication({ ip: host, port: peer.port }, marker);
      const got = await peer.next(3000);
      expect(got?.data.equals(marker)).toBe(true);
      // The datagram comes from the relayed address, and the reply comes back as a Data indication.
      const reply = Buffer.from('pong');
      peer.socket.send(reply, got?.from.port ?? 0, host);
      const back = await client.nextData(3000);
      expect(back?.data.equals(reply)).toBe(true);
      expect(back?.peer).toEqual({ ip: host, port: peer.port });
    }
  });

  it('still refuses every other denied target', async () => {
    const coturn = await started({ allowLoopbackPeers: true });
    const v4 = await allocated(coturn, '127.0.0.1', Family.IPv4);
    const v6 = await allocated(coturn, '::1', Family.IPv6);
    for (const target of ['127.1.2.3', '10.0.0.1', '169.254.169.254', '0.0.0.0']) {
      expect((await v4.createPermission([{ ip: target, port: 9 }])).ok, target).toBe(false);
    }
    for (const target of ['::ffff:127.0.0.1', 'fc00::1', 'fe80::1', '64:ff9b::a9fe:a9fe']) {
      expect((await v6.createPermission([{ ip: target, port: 9 }])).ok, target).toBe(false);
    }
  });
});

describe('the probe detects a weak config', () => {
  it('without the deny list coturn 4.6.1 accepts internal and IPv4-mapped targets', async () => {
    // Parley's config minus the deny list and no-multicast-peers: coturn 4.6.1 defaults.
    const weak = await started({}, (text) =>
      text
        .split('\n')
        .filter((l) => !l.startsWith('denied-peer-ip=') && l !== 'no-multicast-peers')
        .join('\n'),
    );
    expect(weak.configText).not.toContain('denied-peer-ip');
    const v4 = await allocated(weak, '127.0.0.1', Family.IPv4);
    const v6 = await allocated(weak, '::1', Family.IPv6);
    for (const target of ['10.0.0.1', '169.254.169.254', '192.168.0.1', '224.0.0.1']) {
      expect((await v4.createPermission([{ ip: target, port: 9 }])).ok, target).toBe(true);
    }
    for (const target of ['::ffff:127.0.0.1', 'fc00::1', '64:ff9b::a9fe:a9fe']) {
      expect((await v6.createPermission([{ ip: target, port: 9 }])).ok, target).toBe(true);
    }
  });
});
