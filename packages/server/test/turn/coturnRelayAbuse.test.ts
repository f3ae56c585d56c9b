import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintTurnCredential } from '../../src/turn/credentials.js';
import { isLoopbackOnlyNetwork, startTestCoturn, type TestCoturn } from './coturnHarness.js';
import { Family } from './stun.js';
import { TurnClient } from './turnClient.js';
import { openUdpListener, type UdpListener } from './udpListener.js';

/**
 * SSRF through the relay (reliability-scenarios S1), against the PRODUCTION
 * config (no allowLoopbackPeers): every internal, loopback, metadata,
 * multicast and IPv4-in-IPv6 target is refused with 403, a public control
 * address is accepted (CreatePermission sends nothing to the peer), and data
 * sent towards a loopback listener never arrives. Data goes to 127.0.0.1 / ::1
 * only; run inside `unshare -n` so that not even a wrong config could send
 * a packet off the machine.
 */

const V4_TARGETS = [
  '127.0.0.1',
  '127.1.2.3',
  '0.0.0.0',
  '10.0.0.1',
  '172.16.0.1',
  '192.168.0.1',
  '100.64.0.1',
  '169.254.169.254',
  '224.0.0.1',
  '255.255.255.255',
  '192.0.2.1',
  '198.18.0.1',
  '240.0.0.1',
];
const V6_TARGETS = [
  '::1',
  '::ffff:127.0.0.1',
  '::ffff:169.254.169.254',
  '64:ff9b::a9fe:a9fe',
  '2002:a9fe:a9fe::1',
  'fc00::1',
  'fe80::1',
  'ff02::1',
  '::127.0.0.1',
  '::169.254.169.254',
  '64:ff9b:1::a9fe:a9fe',
  '2001::a9fe:a9fe',
  '2001:db8::1',
  'fec0::1',
  '100::1',
];
const PUBLIC_V4 = '1.1.1.1';
const PUBLIC_V6 = '2606:4700:4700::1111';

interface ProbeRow {
  target: string;
  relay: 'IPv4' | 'IPv6';
  createPermission: number | 'ok';
  channelBind: number | 'ok';
}

let coturn: TestCoturn;
let relay4: TurnClient;
let relay6: TurnClient;
let listener4: UdpListener;
let listener6: UdpListener;
const rows: ProbeRow[] = [];
let nextChannel = 0x4000;

async function allocated(ip: string, family: Family): Promise<TurnClient> {
  const c = await TurnClient.open({ ip, port: coturn.port });
  const cred = mintTurnCredential(coturn.secret, `prober${family}`, 600, Date.now());
  const result = await c.allocate({
    credentials: { username: cred.username, password: cred.credential },
    family,
  });
  if (!result.ok) throw new Error(`allocation failed: ${result.code} ${result.reason}`);
  return c;
}

async function probe(
  client: TurnClient,
  relay: ProbeRow['relay'],
  target: string,
): Promise<ProbeRow> {
  const peer = { ip: target, port: 9 };
  const perm = await client.createPermission([peer]);
  const bind = await client.channelBind(nextChannel++, peer);
  const row: ProbeRow = {
    target,
    relay,
    createPermission: perm.ok ? 'ok' : perm.code,
    channelBind: bind.ok ? 'ok' : bind.code,
  };
  rows.push(row);
  return row;
}

beforeAll(async () => {
  if (!isLoopbackOnlyNetwork()) {
    console.warn(
      'TURN relay-abuse test is not inside a loopback-only network namespace (see docs/turn.md)',
    );
  }
  coturn = await startTestCoturn();
  expect(coturn.configText).not.toContain('allow-loopback-peers');
  relay4 = await allocated('127.0.0.1', Family.IPv4);
  relay6 = await allocated('::1', Family.IPv6);
  listener4 = await openUdpListener('127.0.0.1');
  listener6 = await openUdpListener('::1');
});

afterAll(async () => {
  for (const c of [relay4, relay6]) {
    if (c === undefined) continue;
    await c.refresh(0).catch(() => undefined);
    c.close();
  }
  await listener4?.close();
  await listener6?.close();
  await coturn?.stop();
  if (rows.length > 0) {
    const table = [
      '| target | relay | CreatePermission | ChannelBind |',
      '|---|---|---|---|',
      ...rows.map(
        (r) => `| \`${r.target}\` | ${r.relay} | ${r.createPermission} | ${r.channelBind} |`,
      ),
    ];
    console.info(`coturn relay probe (production config):\n${table.join('\n')}`);
  }
});

describe('relay to internal targets is refused (production config)', () => {
  it.each(V4_TARGETS)('IPv4 relay refuses %s with 403', async (target) => {
    const row = await probe(relay4, 'IPv4', target);
    expect(row.createPermission).toBe(403);
    expect(row.channelBind).toBe(403);
  });

  it.each(V6_TARGETS)('IPv6 relay refuses %s with 403', async (target) => {
    const row = await probe(relay6, 'IPv6', target);
    expect(row.createPermission).toBe(403);
    expect(row.channelBind).toBe(403);
  });

  it('accepts a public control address on both relays (so the config is not deny-all)', async () => {
    expect((await probe(relay4, 'IPv4', PUBLIC_V4)).createPermission).toBe('ok');
    expect((await probe(relay6, 'IPv6', PUBLIC_V6)).createPermission).toBe('ok');
  });
});

describe('data towards loopback never arrives', () => {
  it('drops Send indications to a UDP listener on 127.0.0.1 and ::1', async () => {
    const marker = randomBytes(16);
    // Ask for the permissions first (refused), then send anyway, as an attacker would.
    await relay4.createPermission([{ ip: '127.0.0.1', port: listener4.port }]);
    await relay6.createPermission([{ ip: '::1', port: listener6.port }]);
    await relay4.sendIndication({ ip: '127.0.0.1', port: listener4.port }, marker);
    await relay6.sendIndication({ ip: '::1', port: listener6.port }, marker);
    await relay6.sendIndication({ ip: '::ffff:127.0.0.1', port: listener4.port }, marker);
    const [got4, got6] = await Promise.all([listener4.next(1500), listener6.next(1500)]);
    expect(got4).toBeNull();
    expect(got6).toBeNull();
  });

  it('still answers the client: the allocation is alive while the data was dropped', async () => {
    expect((await relay4.refresh(600)).ok).toBe(true);
    expect((await relay6.refresh(600)).ok).toBe(true);
  });
});
