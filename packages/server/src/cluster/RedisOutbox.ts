import { Limits, type PeerId, type RoomId } from '@parley/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { OutboxMessage, OutboxStore } from '../session/Outbox.js';
import type { RedisClient } from './redisClients.js';

/**
 * The outbox in Redis: a list per member, so a member that resumes on
 * another node than the one that held its signals still gets them. The
 * list expires with the member's grace period (nothing outlives it).
 */
export class RedisOutbox implements OutboxStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  push(room: RoomId, peer: PeerId, message: OutboxMessage): void {
    const key = this.#key(room, peer);
    this.client
      .multi()
      .rPush(key, JSON.stringify(message))
      .lTrim(key, 0, Limits.OUTBOX_MAX - 1)
      .pExpire(key, this.ttlMs)
      .exec()
      .catch((err: unknown) => this.#failed('push', err));
  }

  async take(room: RoomId, peer: PeerId): Promise<OutboxMessage[]> {
    const key = this.#key(room, peer);
    try {
      const [items] = (await this.client.multi().lRange(key, 0, -1).del(key).exec()) as unknown as [
        string[],
        number,
      ];
      return items.map((item) => JSON.parse(item) as OutboxMessage);
    } catch (err) {
      // Lost signals are recovered by the peers' ICE recovery: never fail a resume for them.
      this.#failed('take', err);
      return [];
    }
  }

  discard(room: RoomId, peer: PeerId): void {
    this.client.del(this.#key(room, peer)).catch((err: unknown) => this.#failed('discard', err));
  }

  #key(room: RoomId, peer: PeerId): string {
    return `${this.prefix}outbox:${room}:${peer}`;
  }

  #failed(op: string, err: unknown): void {
    this.log.warn({ op, err: err instanceof Error ? err.message : String(err) }, 'outbox in redis');
  }
}
