import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { FastifyBaseLogger } from 'fastify';
import type { Config, RedisConfig } from '../config.js';
import { RedisStateStore } from '../state/RedisStateStore.js';
import { NodeRegistry, type Orphan } from './NodeRegistry.js';
import { RedisOutbox } from './RedisOutbox.js';
import { connectRedis, type RedisClients } from './redisClients.js';

/** Heartbeat of a node; a node silent for HEARTBEAT_TTL_MS is dead and its members adopted. */
const HEARTBEAT_MS = 2000;
const HEARTBEAT_TTL_MS = 6000;

/** The parts of a multi-node deployment (REDIS_URL set). */
export interface Cluster {
  readonly clients: RedisClients;
  readonly store: RedisStateStore;
  readonly outbox: RedisOutbox;
  /** Socket.IO's Redis Streams adapter (io.adapter(...)). */
  readonly adapter: ReturnType<typeof createAdapter>;
  /** Heartbeat and member index; `adopt` takes over a dead node's members. */
  registry(adopt: (orphan: Orphan) => Promise<void>): NodeRegistry;
}

export async function startCluster(
  config: Config & { redis: RedisConfig },
  log: FastifyBaseLogger,
): Promise<Cluster> {
  const { prefix } = config.redis;
  const clients = await connectRedis(config.redis, log);
  const store = await RedisStateStore.open(clients.state, prefix);
  return {
    clients,
    store,
    outbox: new RedisOutbox(clients.state, prefix, config.session.resumeGraceMs + 5000, log),
    adapter: createAdapter(clients.adapter, {
      streamName: `${prefix}socket.io`,
      channelPrefix: `${prefix}socket.io`,
      sessionKeyPrefix: `${prefix}sio:session:`,
      // Our messages are JSON: skip the adapter's binary checks.
      onlyPlaintext: true,
      // Notice a dead node within seconds (serverSideEmit waits for live nodes only).
      heartbeatInterval: 2000,
      heartbeatTimeout: 5000,
    }),
    registry: (adopt) =>
      new NodeRegistry(
        clients.state,
        {
          nodeId: config.nodeId,
          prefix,
          heartbeatMs: HEARTBEAT_MS,
          ttlMs: HEARTBEAT_TTL_MS,
          adopt,
        },
        log,
      ),
  };
}
