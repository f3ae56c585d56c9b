import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  closeAllClients,
  connectClient,
  joinedClient,
  okData,
  request,
  waitFor,
} from './support/client.js';
import { coalesceWrites } from '../src/signaling/coalescedWrites.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * The frames one turn of the event loop sends a connection leave in one TCP
 * write (src/signaling/coalescedWrites.ts), in order, and nothing waits for
 * a later turn. Counted on the server's side of the connection: the calls
 * into its TCP socket's write path (a client in this same process would
 * read several writes at once anyway).
 */

interface TcpWrites {
  _write(...args: unknown[]): unknown;
  _writev(...args: unknown[]): unknown;
}
interface EngineConn {
  transport: { name: string; socket: { _socket: TcpWrites } };
}

/** The TCP writes of a connection: the chunks (two per WebSocket frame) in each. */
function countWrites(tcp: TcpWrites) {
  const writes: number[] = [];
  const write = tcp._write.bind(tcp);
  const writev = tcp._writev.bind(tcp);
  tcp._write = (...args: unknown[]) => {
    writes.push(1);
    return write(...args);
  };
  tcp._writev = (chunks: unknown, ...rest: unknown[]) => {
    writes.push((chunks as unknown[]).length);
    return writev(chunks, ...rest);
  };
  return writes;
}

describe('coalesced writes', () => {
  let server: TestServer;
  let roomN = 0;

  beforeAll(async () => {
    // No heartbeat in the middle of a count.
    server = await startServer({ PING_INTERVAL_MS: '120000' });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  const tcpOf = (socketId: string | undefined): TcpWrites => {
    const s = server.app.io.of('/').sockets.get(socketId ?? '');
    const conn = s?.conn as unknown as EngineConn | undefined;
    if (!conn || conn.transport.name !== 'websocket') throw new Error('no websocket connection');
    return conn.transport.socket._socket;
  };

  it('is in place on the installed engine.io (the WebSocket transport socket.io loads)', () => {
    expect(coalesceWrites()).toBe(true); // idempotent: the app already patched it
  });

  it('an accept: the session token, room:call and the ack reach the accepter in one write', async () => {
    const room = `coalesce-${++roomN}`;
    const alice = await joinedClient(server.url, room, 'Alice');
    const bob = await joinedClient(server.url, room, 'Bob');
    const incoming = waitFor(bob.socket, 'call:incoming');
    const { call } = okData(await request(alice.socket, 'call:invite', { to: bob.join.self.id }));
    await incoming;

    const bobWrites = countWrites(tcpOf(bob.socket.id));
    const aliceWrites = countWrites(tcpOf(alice.socket.id));
    const order: string[] = [];
    bob.socket.onAny((event: string) => order.push(event));
    const token = waitFor(bob.socket, 'session:token');
    const roomCall = waitFor(bob.socket, 'room:call');
    const accepted = request(bob.socket, 'call:accept', { callId: call.id }).then((r) => {
      order.push('ack');
      return r;
    });
    const [ack] = await Promise.all([accepted, token, roomCall]);
    expect(okData(ack).call.state).toBe('active');

    // Everything Bob was sent for his accept, in one write, in the order it was sent.
    expect(bobWrites).toHaveLength(1);
    expect(order).toEqual(['session:token', 'room:call', 'ack']);
    // Alice, who did not send anything, got her notices in one write too.
    await vi.waitFor(() => expect(aliceWrites).toHaveLength(1));
  });

  it('a relayed signal and its ack still go at once, one write to each side, turn after turn', async () => {
    const room = `coalesce-${++roomN}`;
    const alice = await joinedClient(server.url, room, 'Alice');
    const bob = await joinedClient(server.url, room, 'Bob');
    const incoming = waitFor(bob.socket, 'call:incoming');
    const { call } = okData(await request(alice.socket, 'call:invite', { to: bob.join.self.id }));
    await incoming;
    const activeForAlice = waitFor(alice.socket, 'call:updated');
    okData(await request(bob.socket, 'call:accept', { callId: call.id }));
    await activeForAlice;

    const aliceWrites = countWrites(tcpOf(alice.socket.id));
    const bobWrites = countWrites(tcpOf(bob.socket.id));
    for (let i = 0; i < 3; i++) {
      const relayed = waitFor(bob.socket, 'signal:candidate');
      const ack = request(alice.socket, 'signal:candidate', {
        callId: call.id,
        to: bob.join.self.id,
        candidate: {
          candidate: `candidate:${i} 1 udp 2122260223 127.0.0.1 5400${i} typ host`,
          sdpMid: '0',
          sdpMLineIndex: 0,
          usernameFragment: 'abcd',
        },
      });
      const [got, reply] = await Promise.all([relayed, ack]);
      expect(reply.ok).toBe(true);
      expect(got.candidate?.candidate).toContain(`candidate:${i} `);
    }
    expect(aliceWrites).toHaveLength(3); // one ack per turn
    expect(bobWrites).toHaveLength(3); // one relay per turn
  });

  it('a polling client is served as before', async () => {
    const client = await connectClient(server.url, { transports: ['polling'] });
    expect((await request(client, 'room:check', { room: 'coalesce-polling' })).ok).toBe(true);
  });
});
