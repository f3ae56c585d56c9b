import { randomBytes, randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderCoturnConfig } from '../../packages/server/dist/turn/coturnConfig.js';
import { startCoturn, type CoturnProcess } from '../../packages/server/dist/turn/coturnProcess.js';

/**
 * A real coturn (Debian's turnserver) for the forced-relay test, configured
 * through the project's own renderer and process runner (the built server
 * package), listening and relaying on 127.0.0.1 only.
 *
 * TEST ONLY: `allowLoopbackPeers` lets the relay reach peers on 127.0.0.1.
 * This machine (the test network namespace) has nothing but loopback, so the
 * browsers' own addresses are 127.0.0.1; a production config never allows it.
 */
export interface TestTurnServer {
  readonly secret: string;
  readonly realm: string;
  readonly port: number;
  /** TURN_URLS for the Parley server. */
  readonly urls: string;
  /** coturn's relay port range: one UDP socket per live allocation. */
  readonly relayPorts: { readonly min: number; readonly max: number };
  /** The coturn running now (restart() replaces it). */
  readonly process: CoturnProcess;
  /**
   * Kill coturn and start it again with the same config and port: every
   * allocation (and so every relayed path) is lost, as when a TURN server
   * restarts mid-call.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function canBind(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
  if (!tcp) return false;
  return new Promise<boolean>((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** Ports below the Linux ephemeral range, so they do not collide with the browsers' sockets. */
async function freeTurnPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = randomInt(10_000, 20_000);
    if (await canBind(port)) return port;
  }
  throw new Error('no free port for coturn');
}

export async function startTestTurnServer(): Promise<TestTurnServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-e2e-coturn-'));
  const port = await freeTurnPort();
  const minPort = randomInt(20_000, 32_000 - 64);
  const secret = randomBytes(32).toString('hex');
  const realm = 'parley';
  const configText = renderCoturnConfig({
    secret,
    realm,
    listeningIps: ['127.0.0.1'],
    relayIps: ['127.0.0.1'],
    listeningPort: port,
    minPort,
    maxPort: minPort + 63,
    pidFile: path.join(dir, 'turnserver.pid'),
    userDbFile: path.join(dir, 'turndb'),
    // TEST ONLY (see above): the peers are on 127.0.0.1.
    allowLoopbackPeers: true,
  });
  let process: CoturnProcess;
  try {
    process = await startCoturn({ configText, dir });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    secret,
    realm,
    port,
    urls: `turn:127.0.0.1:${port}?transport=udp`,
    relayPorts: { min: minPort, max: minPort + 63 },
    get process() {
      return process;
    },
    restart: async () => {
      await process.stop();
      process = await startCoturn({ configText, dir });
    },
    stop: async () => {
      await process.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Which of `ports` (coturn relay ports, one per TURN allocation) have a UDP
 * socket open right now, read from /proc/net/udp of this network namespace.
 */
export async function openRelayPorts(ports: readonly number[]): Promise<number[]> {
  const { readFile } = await import('node:fs/promises');
  const open = new Set<number>();
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      const port = local ? parseInt(local.split(':')[1] ?? '', 16) : NaN;
      if (ports.includes(port)) open.add(port);
    }
  }
  return [...open].sort((a, b) => a - b);
}
