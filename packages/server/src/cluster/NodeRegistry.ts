import type { PeerId, RoomId } from '@parley/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { RedisClient } from './redisClients.js';

/**
 * Which members a node is responsible for: those connected to it, and
 * those whose connection dropped there (it runs their grace timers). When
 * a node dies, another node takes these over, so nobody stays a ghost.
 */
export interface MemberIndex {
  /** `peer` of `room` is connected to this node on `socketId`. */
  connected(room: RoomId, peer: PeerId, socketId: string): void;
  /** Its connection dropped here: this node runs its grace timer. */
  dropped(room: RoomId, peer: PeerId): void;
  /** It left, expired or moved on: this node has nothing more to do for it. */
  released(room: RoomId, peer: PeerId): void;
}

/** One process: nothing to take over from anyone. */
export const LOCAL_MEMBER_INDEX: MemberIndex = {
  connected: () => {},
  dropped: () => {},
  released: () => {},
};

/** A member a dead node was responsible for; `socketId` is null if it had dropped already. */
export interface Orphan {
  readonly room: RoomId;
  readonly peer: PeerId;
  readonly socketId: string | null;
}

export interface NodeRegistryOptions {
  readonly nodeId: string;
  readonly prefix: string;
  /** How often this node says it is alive and looks for dead ones. */
  readonly heartbeatMs: number;
  /** A node that has not said so for this long is dead. */
  readonly ttlMs: number;
  /** Take over one member of a dead node (drop it, run its grace). */
  readonly adopt: (orphan: Orphan) => Promise<void>;
}

/**
 * Node heartbeats and the member index in Redis:
 *   {prefix}nodes            set of node ids
 *   {prefix}node:{id}        "alive" with a TTL, refreshed every heartbeat
 *   {prefix}members:{id}     hash "room\npeer" -> socket id ('' = dropped)
 * Every node checks the others on its heartbeat; the first to see a lapsed
 * node claims it (SET NX) and adopts its members, so each is adopted once.
 */
export class NodeRegistry implements MemberIndex {
  readonly #client: RedisClient;
  readonly #options: NodeRegistryOptions;
  readonly #log: FastifyBaseLogger;
  #timer: ReturnType<typeof setInterval> | undefined;
  #beating: Promise<void> | null = null;

  constructor(client: RedisClient, options: NodeRegistryOptions, log: FastifyBaseLogger) {
    this.#client = client;
    this.#options = options;
    this.#log = log.child({ component: 'cluster' });
  }

  async start(): Promise<void> {
    // A restart under the same NODE_ID within the TTL is never seen lapsed:
    // what the previous process held is adopted here.
    await this.#adoptAll(this.#options.nodeId).catch((err: unknown) => this.#failed('start', err));
    await this.#beat();
    this.#timer = setInterval(() => {
      this.#beating ??= this.#beat().finally(() => {
        this.#beating = null;
      });
    }, this.#options.heartbeatMs);
    this.#timer.unref();
  }

  /** Stop the heartbeat; the node key lapses and a live node adopts what is left. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#beating;
    // Lapse at once: the members still here are adopted on the next beat of another node.
    await this.#client.del(this.#key('node', this.#options.nodeId)).catch(() => undefined);
  }

  connected(room: RoomId, peer: PeerId, socketId: string): void {
    this.#set(room, peer, socketId);
  }

  dropped(room: RoomId, peer: PeerId): void {
    this.#set(room, peer, '');
  }

  released(room: RoomId, peer: PeerId): void {
    this.#client
      .hDel(this.#membersKey(this.#options.nodeId), field(room, peer))
      .catch((err: unknown) => this.#failed('release', err));
  }

  #set(room: RoomId, peer: PeerId, socketId: string): void {
    this.#client
      .hSet(this.#membersKey(this.#options.nodeId), field(room, peer), socketId)
      .catch((err: unknown) => this.#failed('index', err));
  }

  async #beat(): Promise<void> {
    const { nodeId, ttlMs } = this.#options;
    try {
      await this.#client
        .multi()
        .set(this.#key('node', nodeId), 'alive', { expiration: { type: 'PX', value: ttlMs } })
        .sAdd(this.#key('nodes'), nodeId)
        .exec();
      const nodes = await this.#client.sMembers(this.#key('nodes'));
      for (const other of nodes) {
        if (other === nodeId) continue;
        if ((await this.#client.exists(this.#key('node', other))) === 1) continue;
        await this.#takeOver(other);
      }
    } catch (err) {
      this.#failed('heartbeat', err);
    }
  }

  /** `dead` lapsed: claim it (once over all nodes) and adopt its members. */
  async #takeOver(dead: string): Promise<void> {
    const claimed = await this.#client.set(this.#key('reaping', dead), this.#options.nodeId, {
      condition: 'NX',
      expiration: { type: 'PX', value: 60_000 },
    });
    if (claimed !== 'OK') return;
    await this.#adoptAll(dead);
    await this.#client.sRem(this.#key('nodes'), dead);
    // A later incarnation of the same NODE_ID may lapse again and must be claimable.
    await this.#client.del(this.#key('reaping', dead));
  }

  async #adoptAll(dead: string): Promise<void> {
    const key = this.#membersKey(dead);
    const entries = await this.#client.hGetAll(key);
    await this.#client.del(key);
    const orphans = Object.entries(entries).flatMap(([member, socketId]) => {
      const [room, peer] = member.split('\n');
      if (!room || !peer) return [];
      return [{ room: room as RoomId, peer: peer as PeerId, socketId: socketId || null }];
    });
    if (orphans.length === 0) return;
    this.#log.warn(
      { node: dead, members: orphans.length },
      'adopting the members of a lapsed node',
    );
    for (const orphan of orphans) {
      try {
        await this.#options.adopt(orphan);
      } catch (err) {
        this.#failed('adopt', err);
      }
    }
  }

  #key(...parts: string[]): string {
    return `${this.#options.prefix}${parts.join(':')}`;
  }

  #membersKey(node: string): string {
    return this.#key('members', node);
  }

  #failed(op: string, err: unknown): void {
    this.#log.warn({ op, err: err instanceof Error ? err.message : String(err) }, 'cluster');
  }
}

function field(room: RoomId, peer: PeerId): string {
  return `${room}\n${peer}`;
}
