import type { FastifyInstance } from 'fastify';
import type { StateCounts } from '../state/StateStore.js';

export interface HealthSources {
  readonly counts: () => Promise<StateCounts>;
  readonly startedAt: number;
  readonly nodeId: string;
  /** 'unused' without REDIS_URL. */
  readonly redis: () => 'up' | 'down' | 'unused';
  /** SIGTERM received: new users should go elsewhere. */
  readonly draining: () => boolean;
}

/**
 * `GET /healthz`: liveness plus a few gauges (no room names, nothing
 * personal); it answers 200 while the process runs, also while Redis is
 * down (the node itself is alive). `GET /readyz`: 503 while this node
 * should get no new users (Redis unreachable, or draining), so a load
 * balancer sends them elsewhere.
 */
export function registerHealth(fastify: FastifyInstance, sources: HealthSources): void {
  fastify.get('/healthz', async (_req, reply) => {
    void reply.header('cache-control', 'no-store');
    const redis = sources.redis();
    // The shared store may be unreachable: say so, stay up.
    const counts: StateCounts | null = await sources.counts().catch(() => null);
    return {
      status: counts === null || redis === 'down' ? ('degraded' as const) : ('ok' as const),
      node: sources.nodeId,
      redis,
      rooms: counts?.rooms ?? null,
      participants: counts?.participants ?? null,
      calls: counts?.calls ?? null,
      uptimeSeconds: Math.floor((Date.now() - sources.startedAt) / 1000),
    };
  });

  fastify.get('/readyz', async (_req, reply) => {
    void reply.header('cache-control', 'no-store');
    const redis = sources.redis();
    const draining = sources.draining();
    const ready = redis !== 'down' && !draining;
    void reply.code(ready ? 200 : 503);
    return { ready, redis, draining };
  });
}
