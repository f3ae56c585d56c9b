import { randomBytes, randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCoturnConfig, type CoturnConfigOptions } from '../../src/turn/coturnConfig.js';
import { findTurnserver, startCoturn, type CoturnProcess } from '../../src/turn/coturnProcess.js';

/**
 * Starts a real coturn on loopback for the integration tests: listening on
 * 127.0.0.1 and ::1 with relays on both families (so IPv6 peers meet the deny
 * list instead of a 443 family mismatch), random ports below the Linux
 * ephemeral range.
 */

export const TEST_REALM = 'parley-test';

/** Fails (never skips) when the machine cannot run the tests: CI is root and installs coturn first. */
export function requireCoturnHost(): string {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'TURN integration tests must run as root (CI runs them as root inside `unshare -n`, see docs/turn.md)',
    );
  }
  const lo = networkInterfaces()['lo'] ?? [];
  if (!lo.some((a) => a.address === '::1') || !lo.some((a) => a.address === '127.0.0.1')) {
    throw new Error(
      'loopback needs 127.0.0.1 and ::1 (in a fresh `unshare -n`: ip link set lo up; if ::1 is still ' +
        'missing: sysctl -w net.ipv6.conf.lo.disable_ipv6=0 && ip -6 addr add ::1/128 dev lo)',
    );
  }
  const binary = findTurnserver();
  if (binary === null) {
    throw new Error(
      "turnserver not found: install Debian's coturn first (apt-get install -y coturn)",
    );
  }
  return binary;
}

/** True when this process sees only the loopback interface (an `unshare -n` namespace). */
export function isLoopbackOnlyNetwork(): boolean {
  return Object.keys(networkInterfaces()).every((name) => name === 'lo');
}

async function canBindTcp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function canBindUdp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

/** A port free for TCP and UDP on 127.0.0.1 and ::1 (coturn opens all four). */
export async function freeListeningPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = randomInt(10_000, 20_000);
    const free = await Promise.all([
      canBindTcp('127.0.0.1', port),
      canBindTcp('::1', port),
      canBindUdp('127.0.0.1', port),
      canBindUdp('::1', port),
    ]);
    if (free.every(Boolean)) return port;
  }
  throw new Error('no free listening port found');
}

export interface TestCoturnConfig {
  dir: string;
  port: number;
  secret: string;
  configText: string;
}

type Overrides = Partial<
  Pick<CoturnConfigOptions, 'allowLoopbackPeers' | 'userQuota' | 'totalQuota' | 'tls'>
>;

/** A rendered config on fresh random ports, in a fresh temporary directory. */
export async function testCoturnConfig(overrides: Overrides = {}): Promise<TestCoturnConfig> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-coturn-'));
  const port = await freeListeningPort();
  // Relay ports between 20000 and 32000: below the ephemeral range, apart from listeners.
  const minPort = randomInt(20_000, 32_000 - 64);
  const secret = randomBytes(32).toString('hex');
  const configText = renderCoturnConfig({
    secret,
    realm: TEST_REALM,
    listeningIps: ['127.0.0.1', '::1'],
    relayIps: ['127.0.0.1', '::1'],
    listeningPort: port,
    minPort,
    maxPort: minPort + 63,
    pidFile: join(dir, 'turnserver.pid'),
    userDbFile: join(dir, 'turndb'),
    ...overrides,
  });
  return { dir, port, secret, configText };
}

export interface TestCoturn extends TestCoturnConfig {
  turn: CoturnProcess;
  stop(): Promise<void>;
}

/** Starts coturn with `configText` (default: the production config on loopback) and a stop() that cleans up. */
export async function startTestCoturn(
  overrides: Overrides = {},
  edit: (configText: string) => string = (t) => t,
): Promise<TestCoturn> {
  const binary = requireCoturnHost();
  const config = await testCoturnConfig(overrides);
  const configText = edit(config.configText);
  const turn = await startCoturn({ configText, dir: config.dir, binary }).catch(
    async (e: unknown) => {
      await rm(config.dir, { recursive: true, force: true });
      throw e;
    },
  );
  return {
    ...config,
    configText,
    turn,
    stop: async () => {
      await turn.stop();
      await rm(config.dir, { recursive: true, force: true });
    },
  };
}
