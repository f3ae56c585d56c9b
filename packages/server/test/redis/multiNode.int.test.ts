import type { AddressInfo } from 'node:net';
import type { JoinResult, SessionGrant } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, loadConfig, type ParleyApp } from '../../src/app.js';
import {
  closeAllClients,
  connectClient,
  joinedClient,
  okData,
  request,
  waitFor,
  type TestSocket,
} from '../support/client.js';
import { startRedis, type TestRedis } from '../support/redisServer.js';

/**
 * Several signaling nodes sharing one real Redis (redis-server from
 * Debian's package): one deployment. Each node is a real server on its own
 * port with its own Redis connections and Socket.IO adapter, as separate
 * processes would have; the kill -9 of a node is in the e2e suite.
 */

const SECRET = 'multi-node-test-session-secret-0123456789abcdef';
let redis: TestRedis;
const nodes: Node[] = [];

interface Node {
  readonly app: ParleyApp;
  readonly url: string;
}

async function startNode(name: string, env: Record<string, string> = {}): Promise<Node> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: SECRET,
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'test:',
    NODE_ID: name,
    RESUME_GRACE_MS: '3000',
    CLOSED_TAB_GRACE_MS: '1000',
    MAX_ROOM_SIZE: '2',
    ...env,
  });
  const app = await buildApp(config);
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.fastify.server.address() as AddressInfo;
  const node = { app, url: `http://127.0.0.1:${port}` };
  nodes.push(node);
  return node;
}

/** Both adapters read their streams and see each other (messages before that would be missed). */
async function settled(...ns: Node[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const counts = await Promise.all(ns.map((n) => n.app.io.of('/').adapter.serverCount()));
    if (counts.every((c) => c >= ns.length)) return;
    if (Date.now() > deadline) throw new Error(`nodes do not see each other: ${counts.join(',')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis.close();
});

afterEach(async () => {
  closeAllClients();
  await Promise.all(nodes.splice(0).map((n) => n.app.close()));
});

let roomN = 0;
const newRoom = () => `multi-${++roomN}-${Date.now()}`;

interface Member {
  socket: TestSocket;
  join: JoinResult;
  grant: SessionGrant;
}

async function member(url: string, room: string, name: string): Promise<Member> {
  const { socket, join } = await joinedClient(url, room, name);
  const m: Member = { socket, join, grant: join.session };
  socket.on('session:token', (grant) => {
    m.grant = grant;
  });
  return m;
}

describe('two nodes, one Redis', () => {
  it('a room spans the nodes: presence, a call, SDP and candidates, chat and media state cross', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    await settled(a, b);
    const room = newRoom();
    const ann = await member(a.url, room, 'Ann');
    const joined = waitFor(ann.socket, 'peer:joined');
    const bob = await member(b.url, room, 'Bob');
    expect(bob.join.peers.map((p) => p.name)).toEqual(['Ann']);
    expect((await joined).name).toBe('Bob');

    const incoming = waitFor(bob.socket, 'call:incoming');
    const call = okData(await request(ann.socket, 'call:invite', { to: bob.join.self.id })).call;
    expect((await incoming).from.name).toBe('Ann');
    const updated = waitFor(ann.socket, 'call:updated');
    okData(await request(bob.socket, 'call:accept', { callId: call.id }));
    expect((await updated).call.state).toBe('active');

    const offer = waitFor(bob.socket, 'signal:description');
    okData(
      await request(ann.socket, 'signal:description', {
        callId: call.id,
        to: bob.join.self.id,
        description: { type: 'offer', sdp: 'v=0\r\n' },
      }),
    );
    expect(await offer).toMatchObject({ from: ann.join.self.id, description: { type: 'offer' } });
    const candidate = waitFor(ann.socket, 'signal:candidate');
    okData(
      await request(bob.socket, 'signal:candidate', {
        callId: call.id,
        to: ann.join.self.id,
        candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' },
      }),
    );
    expect((await candidate).from).toBe(bob.join.self.id);

    const lines: string[] = [];
    ann.socket.on('chat:message', (m) => lines.push(m.text));
    okData(await request(bob.socket, 'chat:send', { text: 'hello across nodes' }));
    const muted = waitFor(ann.socket, 'peer:updated');
    okData(await request(bob.socket, 'media:update', { audio: false, video: true, screen: null }));
    expect((await muted).media.audio).toBe(false);
    expect(lines).toEqual(['hello across nodes']);

    const health = (await (await fetch(`${a.url}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ redis: 'up', rooms: 1, participants: 2, calls: 1 });
  });

  it('20 concurrent joins over two nodes for a 2-seat room admit exactly 2, 20 times over', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    await settled(a, b);
    const sockets = await Promise.all(
      Array.from({ length: 20 }, (_, i) => connectClient(i % 2 === 0 ? a.url : b.url)),
    );
    for (let round = 0; round < 20; round++) {
      const room = newRoom();
      const results = await Promise.all(
        sockets.map((s, i) => request(s, 'room:join', { room, name: `p${i}` }, 10_000)),
      );
      const admitted = results.filter((r) => r.ok);
      const refused = results.filter((r) => !r.ok);
      expect(admitted).toHaveLength(2);
      expect(refused.every((r) => !r.ok && r.error.code === 'ROOM_FULL')).toBe(true);
      const status = okData(await request(sockets[0]!, 'room:check', { room }));
      expect(status).toMatchObject({ participants: 2, full: true });
      await Promise.all(
        results.map((r, i) => (r.ok ? request(sockets[i]!, 'room:leave', {}) : null)),
      );
    }
  }, 60_000);

  it('an answer on one node racing a cancel on the other: exactly one wins, 20 times over', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    await settled(a, b);
    for (let round = 0; round < 20; round++) {
      const room = newRoom();
      const ann = await member(a.url, room, 'Ann');
      const bob = await member(b.url, room, 'Bob');
      const incoming = waitFor(bob.socket, 'call:incoming');
      const call = okData(await request(ann.socket, 'call:invite', { to: bob.join.self.id })).call;
      await incoming;
      const [cancel, accept] = await Promise.all([
        request(ann.socket, 'call:cancel', { callId: call.id }),
        request(bob.socket, 'call:accept', { callId: call.id }),
      ]);
      expect([cancel.ok, accept.ok].filter(Boolean)).toHaveLength(1);
      const status = okData(await request(ann.socket, 'room:check', { room }));
      expect(status.participants).toBe(2);
      const bobSees = okData(await request(bob.socket, 'room:check', { room }));
      expect(bobSees).toEqual(status);
      ann.socket.disconnect();
      bob.socket.disconnect();
    }
  }, 60_000);

  it('a ring timeout fires once over the deployment: both sides hear "missed" once', async () => {
    const a = await startNode('node-a', { RING_TIMEOUT_MS: '1000' });
    const b = await startNode('node-b', { RING_TIMEOUT_MS: '1000' });
    await settled(a, b);
    const room = newRoom();
    const ann = await member(a.url, room, 'Ann');
    const bob = await member(b.url, room, 'Bob');
    const ends: string[] = [];
    ann.socket.on('call:ended', (e) => ends.push(`ann:${e.reason}`));
    bob.socket.on('call:ended', (e) => ends.push(`bob:${e.reason}`));
    okData(await request(ann.socket, 'call:invite', { to: bob.join.self.id }));
    await new Promise((r) => setTimeout(r, 2500));
    expect(ends.sort()).toEqual(['ann:missed', 'bob:missed']);
    const health = (await (await fetch(`${b.url}/healthz`)).json()) as { calls: number };
    expect(health.calls).toBe(0);
  });

  it('a member resumes on the other node: same id, no leave, signals that waited are delivered', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    await settled(a, b);
    const room = newRoom();
    const ann = await member(a.url, room, 'Ann');
    const bob = await member(b.url, room, 'Bob');
    const incoming = waitFor(bob.socket, 'call:incoming');
    const call = okData(await request(ann.socket, 'call:invite', { to: bob.join.self.id })).call;
    await incoming;
    const token = waitFor(ann.socket, 'session:token');
    okData(await request(bob.socket, 'call:accept', { callId: call.id }));
    await token;

    const reconnecting = waitFor(bob.socket, 'peer:connection');
    ann.socket.io.engine.close(); // a network drop: no leave
    expect(await reconnecting).toEqual({ id: ann.join.self.id, connection: 'reconnecting' });
    // Bob's candidate for Ann waits for her (in Redis: she comes back elsewhere).
    okData(
      await request(bob.socket, 'signal:candidate', {
        callId: call.id,
        to: ann.join.self.id,
        candidate: { candidate: 'candidate:2 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' },
      }),
    );

    const socket = await connectClient(b.url);
    const waited = waitFor(socket, 'signal:candidate');
    const connected = waitFor(bob.socket, 'peer:connection');
    const resumed = okData(
      await request(socket, 'session:resume', {
        room,
        peer: ann.join.self.id,
        token: ann.grant.token,
      }),
    );
    expect(resumed.self.id).toBe(ann.join.self.id);
    expect(resumed.call?.id).toBe(call.id);
    expect(resumed.restored).toBe(false);
    expect(await connected).toEqual({ id: ann.join.self.id, connection: 'connected' });
    expect((await waited).from).toBe(bob.join.self.id);
  });

  it('a host on one node admits a guest waiting on the other', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    await settled(a, b);
    const room = newRoom();
    const host = await connectClient(a.url);
    okData(await request(host, 'room:join', { room, name: 'Host', waitingRoom: true }));
    const guest = await connectClient(b.url);
    const waiting = waitFor(host, 'waiting:updated');
    const refused = await request(guest, 'room:join', { room, name: 'Guest' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'IN_WAITING_ROOM' } });
    const [entry] = (await waiting).waiting;
    const admitted = waitFor(guest, 'waiting:admitted', 5000);
    const joined = waitFor(host, 'peer:joined', 5000);
    okData(await request(host, 'waiting:admit', { id: entry!.id }));
    expect((await admitted).self.name).toBe('Guest');
    expect((await joined).name).toBe('Guest');
    // The admitted guest is a member on its node: it can chat to the room.
    const line = waitFor(host, 'chat:message');
    okData(await request(guest, 'chat:send', { text: 'let in' }));
    expect((await line).text).toBe('let in');
  });
});

describe('Redis away', () => {
  it('no node exits; joins get UNAVAILABLE at once; /readyz fails, /healthz answers; all back after', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    await settled(a, b);
    const socket = await connectClient(a.url);
    const room = newRoom();
    const ann = await member(a.url, room, 'Ann');
    await redis.stop();
    const t0 = Date.now();
    const refused = await request(socket, 'room:join', { room: newRoom(), name: 'Ann' }, 5000);
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', retryable: true } });
    expect(Date.now() - t0).toBeLessThan(3000);
    const ready = await fetch(`${b.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, redis: 'down' });
    const health = await fetch(`${a.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'degraded', redis: 'down' });
    expect(socket.connected).toBe(true);

    await redis.start();
    const deadline = Date.now() + 10_000;
    let joined = await request(socket, 'room:join', { room: newRoom(), name: 'Ann' });
    while (!joined.ok && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      joined = await request(socket, 'room:join', { room: newRoom(), name: 'Ann' });
    }
    expect(joined.ok).toBe(true);
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);

    // This Redis kept nothing (no persistence): the deployment's epoch is new, so
    // a member's resume token rebuilds the room it names, on any node.
    ann.socket.disconnect();
    const back = await connectClient(b.url);
    const resumed = okData(
      await request(back, 'session:resume', {
        room,
        peer: ann.join.self.id,
        token: ann.grant.token,
      }),
    );
    expect(resumed).toMatchObject({ restored: true, self: { id: ann.join.self.id } });
  }, 30_000);
});
