import { PROTOCOL_VERSION, type SessionGrant } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mintJoinToken } from '../src/session/joinTokens.js';
import {
  closeAllClients,
  connectClient,
  okData,
  request,
  waitFor,
  type TestSocket,
} from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * What the server logs at LOG_LEVEL=trace during a whole session: every
 * handler line names its socket, and no secret or SDP ever reaches the log.
 * The log stream is captured by handing Fastify (hence pino) a stream of
 * ours; buildApp itself is unchanged.
 */

const logs = vi.hoisted(() => ({ lines: [] as string[] }));

vi.mock('fastify', async (importOriginal) => {
  const mod = (await importOriginal()) as Record<string, unknown> & {
    default: (opts?: Record<string, unknown>) => unknown;
  };
  const capture = { write: (line: string) => void logs.lines.push(line) };
  const fastify = (opts: Record<string, unknown> = {}) =>
    mod.default({ ...opts, logger: { ...(opts.logger as object), stream: capture } });
  return { ...mod, default: fastify, fastify };
});

const JOIN_SECRET = 'logging-join-token-secret-0123456789abcdef';
const PASSWORD = 'correct-horse-battery-staple';
const WRONG_PASSWORD = 'wrong-horse-battery-staple';
// Distinctive strings, so a leak cannot hide behind a coincidence.
const SDP_OFFER = 'v=0\r\no=- 4611731400430051336 2 IN IP4 198.51.100.77\r\ns=offer-marker\r\n';
const SDP_ANSWER = 'v=0\r\no=- 7351296643215612001 2 IN IP4 198.51.100.78\r\ns=answer-marker\r\n';
const CANDIDATE = 'candidate:842163049 1 udp 1677729535 203.0.113.9 61234 typ srflx';

interface LogLine {
  level: number;
  msg?: string;
  component?: string;
  socketId?: string;
  [key: string]: unknown;
}

describe('logs at LOG_LEVEL=trace', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({
      LOG_LEVEL: 'trace',
      JOIN_TOKEN_SECRET: JOIN_SECRET,
      TURN_SECRET: 'logging-turn-secret-0123456789abcdef',
      TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
      RING_TIMEOUT_MS: '5000',
    });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  it('a call with a join token and a room password: handler lines carry socketId, no secret or SDP is logged', async () => {
    const secrets: string[] = [PASSWORD, WRONG_PASSWORD, SDP_OFFER, SDP_ANSWER, CANDIDATE];
    const track = (socket: TestSocket) =>
      socket.on('session:token', (grant: SessionGrant) => secrets.push(grant.token));

    // Ann enters with a join token (host) and gives the room its password.
    const joinToken = await mintJoinToken(JOIN_SECRET, {
      room: 'log-room',
      name: 'Ann',
      role: 'host',
    });
    secrets.push(joinToken);
    const ann = await connectClient(server.url, {
      auth: { protocolVersion: PROTOCOL_VERSION, joinToken },
    });
    track(ann);
    const annJoin = okData(
      await request(ann, 'room:join', { room: 'log-room', name: 'Ann', password: PASSWORD }),
    );
    expect(annJoin.access.passwordRequired).toBe(true);

    // Bob guesses wrong once, then knows the password.
    const bob = await connectClient(server.url);
    const bobSocketId = bob.id; // cleared when the connection drops
    track(bob);
    expect(
      await request(bob, 'room:join', { room: 'log-room', name: 'Bob', password: WRONG_PASSWORD }),
    ).toMatchObject({ ok: false, error: { code: 'WRONG_PASSWORD' } });
    const bobJoin = okData(
      await request(bob, 'room:join', { room: 'log-room', name: 'Bob', password: PASSWORD }),
    );
    for (const join of [annJoin, bobJoin]) {
      secrets.push(join.session.token);
      for (const s of join.ice.iceServers) if (s.credential) secrets.push(s.credential);
    }

    // A call: ring, answer, offer/answer, a candidate, a new resume token.
    const incoming = waitFor(bob, 'call:incoming');
    const call = okData(await request(ann, 'call:invite', { to: bobJoin.self.id })).call;
    await incoming;
    okData(await request(bob, 'call:accept', { callId: call.id }));
    const offer = waitFor(bob, 'signal:description');
    okData(
      await request(ann, 'signal:description', {
        callId: call.id,
        to: bobJoin.self.id,
        description: { type: 'offer', sdp: SDP_OFFER },
      }),
    );
    await offer;
    const answer = waitFor(ann, 'signal:description');
    okData(
      await request(bob, 'signal:description', {
        callId: call.id,
        to: annJoin.self.id,
        description: { type: 'answer', sdp: SDP_ANSWER },
      }),
    );
    await answer;
    const candidate = waitFor(bob, 'signal:candidate');
    okData(
      await request(ann, 'signal:candidate', {
        callId: call.id,
        to: bobJoin.self.id,
        candidate: { candidate: CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 },
      }),
    );
    await candidate;
    const renewed = okData(await request(bob, 'session:renew', {}));
    secrets.push(renewed.token);

    // Bob's connection drops; he resumes on a new socket with his token.
    bob.io.engine.close();
    const bob2 = await connectClient(server.url);
    const resumed = okData(
      await request(bob2, 'session:resume', {
        room: 'log-room',
        peer: bobJoin.self.id,
        token: renewed.token,
      }),
    );
    secrets.push(resumed.session.token);
    okData(await request(bob2, 'call:hangup', { callId: call.id }));

    // Every line the handlers wrote so far is in; parse the whole log.
    const text = logs.lines.join('');
    const lines = logs.lines.map((l) => JSON.parse(l) as LogLine);
    expect(lines.some((l) => l.level === 10)).toBe(true); // trace was on

    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(text).not.toContain(secret);
      // JSON escapes CR/LF, so look for the SDP's lines one by one too.
      for (const part of secret.split('\r\n').filter((p) => p.length > 8)) {
        expect(text).not.toContain(part);
      }
    }

    // Handler lines name their socket, and the right one.
    const handled = lines.filter(
      (l) => l.msg === 'signaling request handled' || l.msg === 'signaling request refused',
    );
    expect(handled.length).toBeGreaterThanOrEqual(10);
    for (const l of handled) {
      expect(l.component).toBe('signaling');
      expect(typeof l.socketId).toBe('string');
    }
    const bySocket = (id: string | undefined) =>
      handled
        .filter((l) => l.socketId === id)
        .map((l) => `${String(l.event)}${l.code ? ` ${String(l.code)}` : ''}`);
    expect(bySocket(ann.id)).toEqual([
      'room:join',
      'call:invite',
      'signal:description',
      'signal:candidate',
    ]);
    expect(bySocket(bobSocketId)).toEqual([
      'room:join WRONG_PASSWORD',
      'room:join',
      'call:accept',
      'signal:description',
      'session:renew',
    ]);
    expect(bySocket(bob2.id)).toEqual(['session:resume', 'call:hangup']);
    const connected = lines.filter((l) => l.msg === 'socket connected');
    expect(connected.map((l) => l.socketId)).toEqual(
      expect.arrayContaining([ann.id, bobSocketId, bob2.id]),
    );
  });
});
