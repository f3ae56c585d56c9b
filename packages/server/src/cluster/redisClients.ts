import type { FastifyBaseLogger } from 'fastify';
import { createClient } from 'redis';
import type { RedisConfig } from '../config.js';

/**
 * RESP2: the reply shapes Socket.IO's Redis Streams adapter parses (XREAD
 * as arrays); node-redis 6 would default to RESP3.
 */
function newClient(url: string, offlineQueue: boolean) {
  return createClient({
    url,
    RESP: 2,
    disableOfflineQueue: !offlineQueue,
    socket: { reconnectStrategy: reconnectDelay, connectTimeout: 2000 },
  });
}

export type RedisClient = ReturnType<typeof newClient>;

/** Reconnect quickly after an outage (Redis restarts in about a second), capped at 2 s. */
function reconnectDelay(retries: number): number {
  return Math.min(100 * 2 ** Math.min(retries, 5), 2000);
}

export interface RedisClients {
  /**
   * Room state and the node registry: fails at once while Redis is away
   * (no offline queue), so a join gets UNAVAILABLE instead of hanging.
   */
  readonly state: RedisClient;
  /**
   * Socket.IO's adapter publishes on this one: it queues while Redis is
   * away and flushes when it is back, so cross-node messages sent during a
   * short outage arrive late, not never (the adapter duplicates it for
   * its blocking stream reads).
   */
  readonly adapter: RedisClient;
  /** Whether the state connection is up now (/readyz). */
  isReady(): boolean;
  close(): Promise<void>;
}

/**
 * Connect both clients. Errors are logged (rate-limited to state changes),
 * never thrown into the process: a Redis outage must not crash a node.
 */
export async function connectRedis(
  config: RedisConfig,
  log: FastifyBaseLogger,
): Promise<RedisClients> {
  const make = (name: string, offlineQueue: boolean): RedisClient => {
    const client = newClient(config.url, offlineQueue);
    let down = false;
    client.on('error', (err: unknown) => {
      if (down) return;
      down = true;
      log.error(
        { client: name, err: err instanceof Error ? err.message : String(err) },
        'redis error',
      );
    });
    client.on('ready', () => {
      if (down) log.info({ client: name }, 'redis connection back');
      down = false;
    });
    return client;
  };
  const state = make('state', false);
  const adapter = make('adapter', true);
  await Promise.all([state.connect(), adapter.connect()]);
  return {
    state,
    adapter,
    isReady: () => state.isReady,
    close: async () => {
      await Promise.allSettled([state.close(), adapter.close()]);
    },
  };
}
