import { ErrorCode, type RoomId } from '@parley/protocol';
import type { RedisClient } from '../cluster/redisClients.js';
import { AppError } from '../errors.js';
import { randomId } from '../ids.js';
import { Room, type RoomSnapshot } from '../rooms/Room.js';
import type { RoomChange, StateCounts, StateStore } from './StateStore.js';

/**
 * Compare-and-set of one room: the write happens only if the room's
 * version is still the one `fn` was run on. Nodes never lock: a loser
 * re-reads and runs `fn` again (optimistic concurrency, as the StateStore
 * contract allows). One script call, so it works on a shared connection
 * (WATCH would need a connection per transaction).
 *
 * KEYS[1] room hash {v, d}, KEYS[2] per-room counts hash
 * ARGV[1] expected version ('' = absent), ARGV[2] snapshot ('' = delete),
 * ARGV[3] room id, ARGV[4] counts of the new room ("participants ringing active")
 */
const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], 'v')
if (current or '') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('HDEL', KEYS[2], ARGV[3])
else
  redis.call('HSET', KEYS[1], 'v', tostring((tonumber(current) or 0) + 1), 'd', ARGV[2])
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
end
return 1
`;

/** Conflicting updates of one room across nodes: retried this often before UNAVAILABLE. */
const MAX_ATTEMPTS = 64;
/** A command that gets no answer in this long fails (Redis hung or cut off). */
const COMMAND_TIMEOUT_MS = 2000;

interface Loaded {
  readonly version: string;
  readonly room: Room | undefined;
}

/**
 * Rooms (participants, calls, waiting room, chat history) in Redis, one
 * hash per room holding a JSON snapshot and a version. Every node runs the
 * same room logic on a room rebuilt from its snapshot; updates of one room
 * on this node are also queued locally so they do not conflict with each
 * other, only with other nodes.
 */
export class RedisStateStore implements StateStore {
  readonly #client: RedisClient;
  readonly #prefix: string;
  readonly #chains = new Map<RoomId, Promise<unknown>>();

  #epoch: string;

  private constructor(client: RedisClient, prefix: string, epoch: string) {
    this.#client = client.withCommandOptions({
      timeout: COMMAND_TIMEOUT_MS,
      rejectInFlight: true,
    }) as RedisClient;
    this.#prefix = prefix;
    this.#epoch = epoch;
    // A Redis that comes back empty (restarted without persistence) lost every
    // room: a new epoch lets members' resume tokens rebuild them.
    client.on('ready', () => {
      readEpoch(client, prefix).then(
        (e) => {
          this.#epoch = e;
        },
        () => undefined,
      );
    });
  }

  /** The deployment's epoch is created once and shared by every node (it dies with Redis' data). */
  static async open(client: RedisClient, prefix: string): Promise<RedisStateStore> {
    return new RedisStateStore(client, prefix, await readEpoch(client, prefix));
  }

  get epoch(): string {
    return this.#epoch;
  }

  read<T>(id: RoomId, fn: (room: Room | undefined) => T): Promise<T> {
    return this.#load(id).then(({ room }) => fn(room));
  }

  update<T>(id: RoomId, fn: (room: Room | undefined) => RoomChange<T>): Promise<T> {
    const previous = this.#chains.get(id) ?? Promise.resolve();
    const run = previous.then(
      () => this.#update(id, fn),
      () => this.#update(id, fn),
    );
    const tail = run.catch(() => undefined);
    this.#chains.set(id, tail);
    void tail.then(() => {
      if (this.#chains.get(id) === tail) this.#chains.delete(id);
    });
    return run;
  }

  async counts(): Promise<StateCounts> {
    const values = await this.#call(() => this.#client.hVals(`${this.#prefix}roomstats`));
    let participants = 0;
    let ringingCalls = 0;
    let activeCalls = 0;
    for (const v of values) {
      const [p = 0, r = 0, a = 0] = v.split(' ').map(Number);
      participants += p;
      ringingCalls += r;
      activeCalls += a;
    }
    return {
      rooms: values.length,
      participants,
      calls: ringingCalls + activeCalls,
      ringingCalls,
      activeCalls,
    };
  }

  async #update<T>(id: RoomId, fn: (room: Room | undefined) => RoomChange<T>): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { version, room } = await this.#load(id);
      const { room: next, result } = fn(room);
      if (next === null && room === undefined) return result; // nothing to delete
      const snapshot = next === null ? '' : JSON.stringify(next.snapshot());
      const ok = await this.#call(() =>
        this.#client.eval(COMPARE_AND_SET, {
          keys: [this.#roomKey(id), `${this.#prefix}roomstats`],
          arguments: [version, snapshot, id, next === null ? '' : countsOf(next)],
        }),
      );
      if (ok === 1) return result;
      // Another node changed the room meanwhile: back off a little, then run fn again.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 20)),
      );
    }
    throw new AppError(ErrorCode.UNAVAILABLE, 'the room is too busy: retry shortly', true);
  }

  async #load(id: RoomId): Promise<Loaded> {
    const [version, data] = await this.#call(() =>
      this.#client.hmGet(this.#roomKey(id), ['v', 'd']),
    );
    if (!version || !data) return { version: '', room: undefined };
    return { version, room: Room.fromSnapshot(JSON.parse(data) as RoomSnapshot) };
  }

  #roomKey(id: RoomId): string {
    return `${this.#prefix}room:${id}`;
  }

  /** A Redis failure is the client's UNAVAILABLE (retry shortly), never a crash or a hang. */
  async #call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError(
        ErrorCode.UNAVAILABLE,
        'the server cannot reach its state store: retry shortly',
        true,
      );
    }
  }
}

async function readEpoch(client: RedisClient, prefix: string): Promise<string> {
  const key = `${prefix}epoch`;
  await client.set(key, randomId(), { condition: 'NX' });
  const epoch = await client.get(key);
  if (epoch === null) throw new Error('could not read the deployment epoch from Redis');
  return epoch;
}

function countsOf(room: Room): string {
  const state = room.calls.current()?.currentState;
  return `${room.size} ${state === 'ringing' ? 1 : 0} ${state === 'active' ? 1 : 0}`;
}
