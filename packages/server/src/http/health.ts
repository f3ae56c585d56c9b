import type { FastifyInstance } from 'fastify';
import type { StateCounts } from '../state/StateStore.js';

/** `GET /healthz`: liveness plus a few gauges (no room names, nothing personal). */
export function registerHealth(
  fastify: FastifyInstance,
  counts: () => Promise<StateCounts>,
  startedAt: number,
): void {
  fastify.get('/healthz', async (_req, reply) => {
    const c = await counts();
    void reply.header('cache-control', 'no-store');
    return {
      status: 'ok' as const,
      rooms: c.rooms,
      participants: c.participants,
      calls: c.calls,
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
    };
  });
}
