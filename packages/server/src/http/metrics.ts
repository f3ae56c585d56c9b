import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics/Metrics.js';

/**
 * Whether an Authorization header carries `Bearer <token>`. Compared in
 * constant time, so the answer time does not tell an attacker how much of
 * a guess was right. Both sides are hashed first: timingSafeEqual needs
 * equal lengths, and comparing digests does not reveal the token's length.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const given = createHash('sha256')
    .update(match?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && match !== null;
}

/**
 * `GET /metrics`: Prometheus text format. With METRICS_TOKEN set, only for a
 * scraper that sends it as a bearer token; without, open (the operator keeps
 * the port private or behind the proxy, see METRICS_TOKEN).
 */
export function registerMetrics(
  fastify: FastifyInstance,
  metrics: Metrics,
  token: string | null,
): void {
  fastify.get('/metrics', async (req, reply) => {
    void reply.header('cache-control', 'no-store');
    if (token !== null && !bearerMatches(req.headers.authorization, token)) {
      void reply.code(401).header('www-authenticate', 'Bearer');
      return { error: 'unauthorized' };
    }
    const text = await metrics.text();
    void reply.type(metrics.contentType);
    return text;
  });
}
