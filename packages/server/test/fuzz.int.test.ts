import { createConnection } from 'node:net';
import { ClientMessageSchemas, Limits } from '@parley/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllClients,
  joinedClient,
  okData,
  request,
  waitFor,
  type TestSocket,
} from './support/client.js';
import { RawSocket } from './support/rawSocket.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * Fuzz: tens of thousands of generated malformed and adversarial frames over
 * raw Engine.IO/Socket.IO and TCP clients, while a call in another room keeps
 * signaling. The process must stay up (vitest fails on any uncaught error),
 * memory stays bounded, no participant outlives its connection (grace
 * included) and the call's relay stays responsive (its latency is measured).
 */

const SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const FRAMES = Number(process.env['FUZZ_FRAMES'] ?? 24_000);
const CONNECTIONS = 48;
const GRACE_MS = 1000;

const EVENTS = Object.keys(ClientMessageSchemas);

/** Any JSON value, deep nesting and the keys that pollute prototypes included. */
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER * 4, -0, 0.1, 2 ** 53 + 1),
    fc.string({ maxLength: 300 }),
    fc.dictionary(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'room',
        'to',
        'callId',
        'from',
        'text',
        'token',
      ),
      tie('value'),
      { maxKeys: 4 },
    ),
    fc.array(tie('value'), { maxLength: 4 }),
  ),
})).value;

/** A message shaped like a real one, with some fields replaced by anything. */
const nearValid = fc.record(
  {
    room: fc.oneof(fc.constant('fuzz-room'), fc.string({ maxLength: 80 }), jsonish),
    name: fc.oneof(fc.constant('Fuzzer'), fc.string({ maxLength: 80 }), jsonish),
    to: fc.oneof(fc.string({ maxLength: 30 }), jsonish),
    callId: fc.oneof(fc.string({ maxLength: 30 }), jsonish),
    text: fc.oneof(fc.string({ maxLength: 50 }), jsonish),
    token: fc.oneof(fc.string({ maxLength: 200 }), jsonish),
    peer: fc.oneof(fc.string({ maxLength: 30 }), jsonish),
    media: jsonish,
    description: jsonish,
    candidate: jsonish,
  },
  { requiredKeys: [] },
);

const eventName = fc.oneof(
  fc.constantFrom(...EVENTS),
  fc.constantFrom(...EVENTS),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'error',
    'disconnecting',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

const deep = fc.integer({ min: 50, max: 3000 }).map((n) => `${'['.repeat(n)}1${']'.repeat(n)}`);

/** One frame as sent on the WebSocket (Engine.IO "4" = message, then a Socket.IO packet). */
const frame: fc.Arbitrary<string | Buffer> = fc.oneof(
  // Events, with and without an ack id.
  fc
    .tuple(
      fc.option(fc.nat({ max: 1e9 }), { nil: undefined }),
      eventName,
      fc.array(fc.oneof(nearValid, jsonish), { maxLength: 3 }),
    )
    .map(([id, name, args]) => `42${id ?? ''}${JSON.stringify([name, ...args])}`),
  // Deep nesting and raw JSON the serializer would not produce.
  deep.map((d) => `42["room:check",${d}]`),
  fc.constantFrom(
    '42["room:check",{"room":"a","__proto__":{"polluted":true}}]',
    '42["room:join",{"room":"a","name":"x","constructor":{"prototype":{"x":1}}}]',
    '42["chat:send",{"text":"hi"},{"text":"again"}]',
    '42[1e999]',
    '42["room:check",{"room":1e999}]',
    '42',
    '4',
    '42[',
    '42["x"',
    '43',
    '431[]',
    '4399999999999["x"]',
    '451-["room:check",{"_placeholder":true,"num":0}]',
    '452-["chat:send",{"_placeholder":true,"num":7},{"_placeholder":true,"num":1}]',
    '461-42[{"_placeholder":true,"num":0}]',
    '40/admin,{}',
    '40{"protocolVersion":2}',
    '41',
    '44{"message":"x"}',
    '1',
    '2',
    '3probe',
    '5',
    '6',
    'b' + Buffer.from('garbage').toString('base64'),
  ),
  // Garbage of every kind.
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  // Acks for requests the server never made.
  fc.tuple(fc.nat(), jsonish).map(([id, v]) => `43${id}${JSON.stringify([v])}`),
);

describe('fuzz: adversarial frames', () => {
  let server: TestServer;
  let ann: { socket: TestSocket };
  let bob: { socket: TestSocket; join: { self: { id: string } } };
  let callId: string;

  beforeAll(async () => {
    server = await startServer({ RESUME_GRACE_MS: String(GRACE_MS), CLOSED_TAB_GRACE_MS: '500' });
    ann = await joinedClient(server.url, 'legit-call', 'Ann');
    bob = await joinedClient(server.url, 'legit-call', 'Bob');
    const incoming = waitFor(bob.socket, 'call:incoming');
    callId = okData(await request(ann.socket, 'call:invite', { to: bob.join.self.id })).call.id;
    await incoming;
    okData(await request(bob.socket, 'call:accept', { callId }));
  });
  afterAll(async () => {
    closeAllClients();
    await server.close();
  });

  it(`survives ${FRAMES} generated frames over ${CONNECTIONS} raw connections plus TCP garbage; a call elsewhere stays responsive`, async () => {
    console.info(`[fuzz] seed ${SEED} (rerun with FUZZ_SEED=${SEED})`);
    // Some frames come as a join packed into one write with a disconnect (a ghost-seat attempt).
    const ghost = [
      `42${JSON.stringify(['room:join', { room: 'fuzz-room', name: 'Ghost' }])}`,
      '41',
    ];
    const frames = fc
      .sample(
        fc.oneof(
          { weight: 30, arbitrary: frame.map((f) => [f]) },
          { weight: 1, arbitrary: fc.constant(ghost) },
        ),
        {
          numRuns: FRAMES,
          seed: SEED,
        },
      )
      .flat();
    // A few oversized frames: they close that connection only.
    const oversized = `42["chat:send",{"text":"${'x'.repeat(Limits.FRAME_MAX + 10)}"}]`;

    // The call in another room relays candidates all along; latency = arrival - send.
    const latencies: number[] = [];
    bob.socket.on('signal:candidate', (m) => {
      const sentAt = Number(/sent=(\d+)/.exec(m.candidate?.candidate ?? '')?.[1]);
      if (Number.isFinite(sentAt)) latencies.push(Date.now() - sentAt);
    });
    let sent = 0;
    let relaying = true;
    const relay = (async () => {
      while (relaying) {
        sent += 1;
        void request(ann.socket, 'signal:candidate', {
          callId,
          to: bob.join.self.id,
          candidate: { candidate: `candidate:1 1 udp 1 127.0.0.1 9 typ host sent=${Date.now()}` },
        });
        await new Promise((r) => setTimeout(r, 40));
      }
    })();

    const rssBefore = process.memoryUsage().rss;
    const startedAt = Date.now();
    const perConnection = Math.ceil(frames.length / CONNECTIONS);
    let refusedHandshakes = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, c) => {
        let raw: RawSocket;
        try {
          raw = await RawSocket.connect(server.url);
        } catch {
          refusedHandshakes += 1;
          return;
        }
        const mine = frames.slice(c * perConnection, (c + 1) * perConnection);
        for (let i = 0; i < mine.length; i += 50) {
          // Reconnect when the server closed this one (a parser error closes the connection).
          if (raw.closed) raw = await RawSocket.connect(server.url).catch(() => raw);
          raw.send(...mine.slice(i, i + 50));
          if (c % 16 === 0 && i === 0) raw.send(oversized);
          await new Promise((r) => setImmediate(r));
        }
        raw.close();
      }),
    );
    // TCP clients that speak no HTTP at all, or broken HTTP.
    const garbage = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 2000 }), {
      numRuns: 200,
      seed: SEED,
    });
    await Promise.all(
      garbage.map(
        (bytes, i) =>
          new Promise<void>((resolve) => {
            const s = createConnection({ host: '127.0.0.1', port: server.port }, () => {
              s.write(
                i % 3 === 0
                  ? `GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n`
                  : Buffer.from(bytes),
              );
              s.end();
            });
            s.on('error', () => resolve());
            s.on('close', () => resolve());
            s.setTimeout(2000, () => s.destroy());
          }),
      ),
    );
    const fuzzMs = Date.now() - startedAt;
    relaying = false;
    await relay;
    await expect.poll(() => latencies.length, { timeout: 5000 }).toBeGreaterThanOrEqual(sent - 1);

    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
    const max = sorted.at(-1) ?? 0;
    const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    console.info(
      `[fuzz] ${frames.length} frames + ${garbage.length} TCP clients in ${fuzzMs} ms; ` +
        `relay latency in the other room p50 ${p50} ms, p95 ${p95} ms, max ${max} ms over ${sorted.length}; ` +
        `rss growth ${rssGrowthMb.toFixed(0)} MB; refused handshakes ${refusedHandshakes}`,
    );
    expect(p95).toBeLessThan(500);
    expect(rssGrowthMb).toBeLessThan(400);

    // Still serving; once the fuzzers' grace ran out, only the two real members remain.
    await new Promise((r) => setTimeout(r, GRACE_MS + 800));
    expect(
      okData(await request(ann.socket, 'room:check', { room: 'legit-call' })).participants,
    ).toBe(2);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as {
      participants?: number;
      rooms?: number;
    };
    expect(health).toMatchObject({ participants: 2, rooms: 1 });
    const ended = await request(ann.socket, 'call:hangup', { callId });
    expect(ended.ok).toBe(true);
  }, 120_000);
});
